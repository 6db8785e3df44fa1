/**
 * AWS limits that `terraform plan` does not catch (the apply fails later): checked on the resolved model,
 * so derived names and rendered policies are measured exactly as they will be sent. Every message names its
 * environment; the same problem in several environments (a team's policy too large in each) is one line naming
 * them all.
 */
import { policySize } from '../iam/policy-document';
import { problem, type ConfigPath, type ConfigProblem } from '../config/problems';
import type { AccessModel, EnvironmentModel, IdentityCenterModel, ManagedPolicyModel } from './types';

export const AWS_LIMITS = {
  managedPolicySize: 6144,
  trustPolicySize: 2048,
  bucketPolicySize: 20480,
  managedPoliciesPerGroup: 10,
  managedPoliciesPerRole: 10,
  groupsPerUser: 10,
  policyNameLength: 128,
  groupNameLength: 128,
  roleNameLength: 64,
} as const;

/**
 * A managed policy's size as IAM counts it against `AWS_LIMITS.managedPolicySize` (white space not counted): the
 * one measure of the limit check and of the packing of assume-role grants (assume-role-policies.ts).
 */
export function managedPolicySize(policy: Pick<ManagedPolicyModel, 'json'>): number {
  return policySize(policy.json);
}

/** Per-account IAM quotas (AWS defaults; an account can have them raised), by their name in Service Quotas. */
export const ACCOUNT_QUOTAS = {
  users: { name: 'Users per account', value: 5000 },
  groups: { name: 'Groups per account', value: 300 },
  policies: { name: 'Customer managed policies per account', value: 1500 },
  roles: { name: 'Roles per account', value: 1000 },
} as const;

/** A problem of one environment; `{in}` in the message becomes `in environment "<name>"` (or several). */
interface EnvironmentProblem {
  readonly environment: string;
  readonly path: ConfigPath;
  readonly message: string;
  readonly related?: ConfigPath;
}

const IAM_NAME = /^[\w+=,.@-]+$/;
const count = (n: number) => n.toLocaleString('en-US');

/** An entity reported at its origin; a policy packed from several config entries says that origin is the first. */
interface Located {
  readonly name: string;
  readonly origin: ConfigPath;
  readonly alsoFrom?: readonly ConfigPath[];
}

function alsoFromNote(entity: Located): string {
  const others = entity.alsoFrom?.length ?? 0;
  return others === 0 ? '' : ` (it comes from ${count(others + 1)} config entries; the place shown is the first)`;
}

function checkName(env: EnvironmentModel, kind: string, entity: Located, max: number): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  const { name } = entity;
  const at = { environment: env.name, path: entity.origin };
  const note = alsoFromNote(entity);
  if (name.length > max)
    problems.push({
      ...at,
      message: `${kind} name "${name}" {in} is ${name.length} characters; IAM allows at most ${max}${note}`,
    });
  if (!IAM_NAME.test(name))
    problems.push({
      ...at,
      message: `${kind} name "${name}" {in} may only contain letters, digits and + = , . @ _ -${note}`,
    });
  return problems;
}

/**
 * One problem per name that repeats an earlier one of the same kind of IAM entity in the account, exactly or
 * differing only in case: IAM names are case-insensitive (`Jin` and `jin` collide at apply).
 */
function checkUnique(env: EnvironmentModel, kind: string, entries: readonly Located[]): EnvironmentProblem[] {
  const seen = new Map<string, Located>();
  const problems: EnvironmentProblem[] = [];
  for (const entry of entries) {
    const first = seen.get(entry.name.toLowerCase());
    if (first === undefined) {
      seen.set(entry.name.toLowerCase(), entry);
      continue;
    }
    const clash =
      first.name === entry.name
        ? `${kind} name "${entry.name}" is used twice {in} (first at {related})`
        : `${kind} name "${entry.name}" differs only in case from "${first.name}" (at {related}) {in}`;
    problems.push({
      environment: env.name,
      path: entry.origin,
      related: first.origin,
      message: `${clash}; IAM names are case-insensitive and unique per AWS account${alsoFromNote(entry)}`,
    });
  }
  return problems;
}

function checkQuotas(env: EnvironmentModel, policies: readonly ManagedPolicyModel[]): EnvironmentProblem[] {
  const counts: Record<keyof typeof ACCOUNT_QUOTAS, [number, string]> = {
    users: [env.users.length, 'IAM users'],
    groups: [env.groups.length, 'IAM groups'],
    policies: [policies.length, 'customer managed policies'],
    roles: [env.roles.length, 'IAM roles'],
  };
  return Object.entries(counts).flatMap(([key, [n, what]]) => {
    const quota = ACCOUNT_QUOTAS[key as keyof typeof ACCOUNT_QUOTAS];
    return n > quota.value
      ? [
          {
            environment: env.name,
            path: env.origin,
            message: `{in} would have ${count(n)} ${what}; the default quota "${quota.name}" is ${count(quota.value)} (split the environment's teams, or have the quota raised in Service Quotas first)`,
          },
        ]
      : [];
  });
}

/** How many of a group's policies are its packed assume-role grants, and how many roles they list; '' for none. */
function assumeRoleShare(policies: readonly ManagedPolicyModel[]): string {
  const assume = policies.filter((p) => p.purpose === 'assume-role');
  if (assume.length === 0) return '';
  const roles = assume.reduce(
    (n, p) => n + p.document.statements.reduce((m, s) => m + (s.resources?.length ?? 0), 0),
    0,
  );
  return ` (${policies.length - assume.length} for its grants, ${assume.length} holding its sts:AssumeRole grants on ${count(roles)} cross-account role${roles === 1 ? '' : 's'}, as few as IAM's ${count(AWS_LIMITS.managedPolicySize)}-character policy size allows)`;
}

function checkEnvironment(env: EnvironmentModel): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  const at = (path: ConfigPath, message: string) => problems.push({ environment: env.name, path, message });
  const policies = [...env.groups.flatMap((g) => g.policies), ...env.roles.flatMap((r) => r.policies)];

  for (const policy of policies) {
    problems.push(...checkName(env, 'policy', policy, AWS_LIMITS.policyNameLength));
    const size = managedPolicySize(policy);
    if (size > AWS_LIMITS.managedPolicySize) {
      at(
        policy.origin,
        `policy "${policy.name}" {in} renders to ${size} characters; a managed policy may have at most ${AWS_LIMITS.managedPolicySize} (split the grant or scope it with "all" or tags)${alsoFromNote(policy)}`,
      );
    }
  }
  for (const group of env.groups) {
    problems.push(...checkName(env, 'group', group, AWS_LIMITS.groupNameLength));
    if (group.policies.length > AWS_LIMITS.managedPoliciesPerGroup) {
      at(
        group.origin,
        `group "${group.name}" {in} would have ${group.policies.length} managed policies attached${assumeRoleShare(group.policies)}; AWS allows at most ${AWS_LIMITS.managedPoliciesPerGroup} per group`,
      );
    }
  }
  for (const user of env.users) {
    if (user.groups.length > AWS_LIMITS.groupsPerUser) {
      at(
        user.origin,
        `user "${user.name}" {in} would be in ${user.groups.length} groups (${user.groups.join(', ')}); AWS allows at most ${AWS_LIMITS.groupsPerUser}`,
      );
    }
  }
  for (const role of env.roles) {
    problems.push(...checkName(env, 'role', role, AWS_LIMITS.roleNameLength));
    const trustSize = policySize(role.trustJson);
    if (trustSize > AWS_LIMITS.trustPolicySize) {
      at(
        role.origin,
        `trust policy of role "${role.name}" {in} is ${trustSize} characters; the default quota is ${AWS_LIMITS.trustPolicySize}`,
      );
    }
    if (role.policies.length > AWS_LIMITS.managedPoliciesPerRole) {
      at(
        role.origin,
        `role "${role.name}" {in} would have ${role.policies.length} managed policies; AWS allows at most ${AWS_LIMITS.managedPoliciesPerRole}`,
      );
    }
  }
  const trail = env.auditTrail?.trail.kind === 'created' ? env.auditTrail.trail.bucket : undefined;
  const buckets = [
    ...env.bucketPolicies,
    ...(trail ? [{ bucket: trail.name, json: trail.policyJson, origin: trail.origin }] : []),
  ];
  for (const bucket of buckets) {
    const size = policySize(bucket.json);
    if (size > AWS_LIMITS.bucketPolicySize) {
      at(
        bucket.origin,
        `bucket policy of "${bucket.bucket}" {in} is ${size} characters; S3 allows at most ${AWS_LIMITS.bucketPolicySize}`,
      );
    }
  }
  problems.push(
    ...checkUnique(env, 'user', env.users),
    ...checkUnique(env, 'group', env.groups),
    ...checkUnique(env, 'policy', policies),
    ...checkUnique(env, 'role', env.roles),
    ...checkQuotas(env, policies),
  );
  return problems;
}

/** The same problem (place and message) in several environments becomes one, naming them all, in first-seen order. */
function mergeEnvironments(problems: readonly EnvironmentProblem[]): ConfigProblem[] {
  const merged = new Map<string, { problem: EnvironmentProblem; environments: string[] }>();
  for (const p of problems) {
    const key = JSON.stringify([p.path, p.related, p.message]);
    const entry = merged.get(key);
    if (entry === undefined) merged.set(key, { problem: p, environments: [p.environment] });
    else if (!entry.environments.includes(p.environment)) entry.environments.push(p.environment);
  }
  return [...merged.values()].map(({ problem: p, environments }) => {
    const names = environments.map((e) => `"${e}"`).join(', ');
    const where = environments.length === 1 ? `environment ${names}` : `environments ${names}`;
    const message = p.message.replace('{in}', `in ${where}`).replace(/^in e/, 'E');
    return problem(p.path, message, p.related ? { related: p.related } : {});
  });
}

/** IAM Identity Center's quotas (AWS defaults) that a plan does not catch, by their name in Service Quotas. */
export const IDENTITY_CENTER_LIMITS = {
  permissionSetNameLength: 32,
  /** The inline policy becomes a role inline policy in every account: IAM counts it without white space. */
  inlinePolicySize: 10240,
  /** What the API takes, white space included. */
  inlinePolicyTotalSize: 32768,
  permissionSets: { name: 'Number of permission sets allowed in IAM Identity Center', value: 2000 },
  permissionSetsPerAccount: { name: 'Number of provisioned permission sets allowed per AWS account', value: 250 },
} as const;

/** What the Identity Center resolution produced, against IAM Identity Center's limits; all problems at once. */
function checkIdentityCenterLimits(ic: IdentityCenterModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const L = IDENTITY_CENTER_LIMITS;
  for (const set of ic.permissionSets) {
    if (set.name.length > L.permissionSetNameLength)
      problems.push(
        problem(
          set.origin,
          `permission set name "${set.name}" is ${set.name.length} characters; Identity Center allows at most ${L.permissionSetNameLength}: set teams[].identityCenter.permissionSetName`,
        ),
      );
    const size = policySize(set.json);
    if (size > L.inlinePolicySize || set.json.length > L.inlinePolicyTotalSize)
      problems.push(
        problem(
          set.origin,
          `the inline policy of permission set "${set.name}" is ${count(size)} characters without white space (${count(set.json.length)} in all); Identity Center allows ${count(L.inlinePolicySize)} (${count(L.inlinePolicyTotalSize)} in all), since it becomes a role inline policy in every account: scope the team's grants with "all" or tags, or split the team`,
        ),
      );
  }
  if (ic.permissionSets.length > L.permissionSets.value)
    problems.push(
      problem(
        ic.origin,
        `Identity Center would have ${count(ic.permissionSets.length)} permission sets; the default quota "${L.permissionSets.name}" is ${count(L.permissionSets.value)}`,
      ),
    );
  const perAccount = new Map<string, { environment: string; sets: Set<string> }>();
  for (const a of ic.assignments) {
    const entry = perAccount.get(a.accountId) ?? { environment: a.environment, sets: new Set<string>() };
    entry.sets.add(a.permissionSet);
    perAccount.set(a.accountId, entry);
  }
  for (const [account, { environment, sets }] of perAccount)
    if (sets.size > L.permissionSetsPerAccount.value)
      problems.push(
        problem(
          ic.origin,
          `environment "${environment}" (account ${account}) would be assigned ${count(sets.size)} permission sets; the default quota "${L.permissionSetsPerAccount.name}" is ${count(L.permissionSetsPerAccount.value)}, permission sets assigned outside this config included`,
        ),
      );
  const names = new Map<string, IdentityCenterModel['groups'][number]>();
  for (const group of ic.groups.filter((g) => g.externalId === undefined)) {
    const first = names.get(group.displayName.toLowerCase());
    if (first)
      problems.push(
        problem(
          group.origin,
          `Identity Center group name "${group.displayName}" is also the name of team "${first.team}"'s group (at {related}); display names are unique in the identity store: set teams[].identityCenter.groupName`,
          { related: first.origin },
        ),
      );
    else names.set(group.displayName.toLowerCase(), group);
  }
  return problems;
}

export function checkAwsLimits(model: AccessModel): ConfigProblem[] {
  return [
    ...mergeEnvironments(model.environments.flatMap(checkEnvironment)),
    ...(model.identityCenter ? checkIdentityCenterLimits(model.identityCenter) : []),
  ];
}
