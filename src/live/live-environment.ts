/**
 * An account's IAM as it is live (an AccountDump), in the shape the analysis reads a plan into (PlannedEnvironment),
 * so that `environmentAccess` computes the live matrix with the very code that computes the planned one: users with
 * their groups and every managed and inline policy that applies (their own and their groups'), groups, roles with
 * trust and policies, the artifact bucket policies. What the account dump cannot say comes from the project's own
 * declarations of the environment (its plan, or its model before anything is planned): the pipelines, stages,
 * approval actions, webhooks and action types access is about, the guardrails the organisation puts over the account,
 * and the artifact buckets (a declared bucket whose policy the dump lacks is kept as declared and listed as not
 * compared). Each live policy says where it comes from (LivePolicySource), which the drift report names.
 */
import {
  type PlannedBoundary,
  type PlannedBucketPolicy,
  type PlannedEnvironment,
  type PlannedGroup,
  type PlannedPolicy,
  type PlannedRole,
  type PlannedUser,
  type PolicyJson,
  teamRoleOfTags,
} from '../analysis/plan-principals';
import { byText } from '../analysis/environment-access';
import { PlanView } from '../plan/plan-json';
import type { AccountDump } from './account-dump';
import type { AttachedPolicyRef, DumpPolicy, InlinePolicy } from './dump-pages';

/** What the live side takes from the project, not from the account. */
export type Declarations = Pick<
  PlannedEnvironment,
  'name' | 'accountId' | 'region' | 'partition' | 'pipelines' | 'actionTypes' | 'guardrails' | 'bucketPolicies'
> & {
  /**
   * The project's team roles (`delivery: iam-role`), by name: a live role of that name is read as the team's even
   * if its tags were lost, so its members' access through it is compared, not reported missing.
   * @default - none: only the live roles' own tags say which are team roles
   */
  readonly roles?: readonly Pick<PlannedRole, 'name' | 'teamRole'>[];
};

/** Where a live policy comes from. */
export interface LivePolicySource {
  readonly kind: 'AWS managed' | 'customer managed' | 'inline';
  readonly name: string;
  /** A managed policy's ARN. @default - none: inline */
  readonly arn?: string;
  /** Who holds it: `user/<name>`, `group/<name>`, `role/<name>`. */
  readonly holder: string;
}

export interface LivePolicy extends PlannedPolicy {
  readonly source: LivePolicySource;
}

export interface LiveUser extends PlannedUser {
  readonly path: string;
  readonly directPolicies: readonly LivePolicy[];
  readonly policies: readonly LivePolicy[];
  /** Whether it has a console password (credential report); undefined when the dump does not say. */
  readonly loginProfile?: boolean;
}

export interface LiveGroup extends PlannedGroup {
  readonly arn: string;
  readonly path: string;
  readonly policies: readonly LivePolicy[];
  /** Its members, sorted. */
  readonly members: readonly string[];
}

export interface LiveRole extends PlannedRole {
  readonly path: string;
  readonly policies: readonly LivePolicy[];
}

export interface LiveEnvironment extends PlannedEnvironment {
  readonly users: readonly LiveUser[];
  readonly groups: readonly LiveGroup[];
  readonly roles: readonly LiveRole[];
  /** Declared artifact buckets the dump holds no policy of: kept as declared, not compared. */
  readonly bucketsNotInDump: readonly string[];
  /** Bucket policies the dump holds of buckets the project does not declare: not compared. */
  readonly undeclaredBuckets: readonly string[];
  readonly dump: AccountDump;
}

/** The live side is no plan: an empty one, so nothing that reads plan resources finds any. */
const NO_PLAN = new PlanView({ format_version: '1.2', terraform_version: '', configuration: { root_module: {} } });

/** A document's text, canonical enough for permission-set keys: the same document object, the same text. */
function textOf(document: PolicyJson): string {
  return JSON.stringify(document);
}

/** The account password policy as the API gives it, in the attribute names of aws_iam_account_password_policy. */
export function passwordPolicyAttributes(policy: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    allow_users_to_change_password: policy.AllowUsersToChangePassword ?? false,
    hard_expiry: policy.HardExpiry ?? false,
    max_password_age: policy.MaxPasswordAge ?? 0,
    minimum_password_length: policy.MinimumPasswordLength ?? 6,
    password_reuse_prevention: policy.PasswordReusePrevention ?? 0,
    require_lowercase_characters: policy.RequireLowercaseCharacters ?? false,
    require_numbers: policy.RequireNumbers ?? false,
    require_symbols: policy.RequireSymbols ?? false,
    require_uppercase_characters: policy.RequireUppercaseCharacters ?? false,
  };
}

export function readLiveEnvironment(dump: AccountDump, declared: Declarations): LiveEnvironment {
  const { partition, accountId } = declared;
  const policies = new Map<string, PlannedPolicy>();
  const live = (document: PolicyJson, source: LivePolicySource): LivePolicy => {
    const policy: LivePolicy = {
      name: source.kind === 'inline' ? `${source.holder.split('/').pop()}/${source.name}` : source.name,
      address: `${source.holder} ${source.kind} policy ${source.arn ?? source.name}`,
      document,
      text: textOf(document),
      source,
    };
    policies.set(policy.address, policy);
    return policy;
  };
  const attached = (refs: readonly AttachedPolicyRef[], holder: string): LivePolicy[] =>
    refs.map((ref) => {
      const policy = dump.policies.get(ref.arn) as DumpPolicy; // readAccountDump refused any attachment without one
      const kind = ref.arn.split(':')[4] === 'aws' ? 'AWS managed' : 'customer managed';
      return live(policy.document, { kind, name: policy.name, arn: policy.arn, holder });
    });
  const inline = (list: readonly InlinePolicy[], holder: string): LivePolicy[] =>
    list.map((p) => live(p.document, { kind: 'inline', name: p.name, holder }));
  const boundaryOf = (arn: string | undefined): PlannedBoundary | undefined => {
    if (arn === undefined) return undefined;
    const known = declared.guardrails.permissionsBoundary;
    if (known?.arn === arn) return { status: 'given', arn, document: known.document };
    const inDump = dump.policies.get(arn);
    return inDump ? { status: 'given', arn, document: inDump.document } : { status: 'not given', arn };
  };

  const members = new Map<string, string[]>();
  for (const user of dump.users)
    for (const group of user.groups) members.set(group.name, [...(members.get(group.name) ?? []), user.name]);
  const groups: LiveGroup[] = [...dump.groups]
    .sort((a, b) => byText(a.name, b.name))
    .map((g) => {
      const holder = `group/${g.name}`;
      return {
        name: g.name,
        arn: g.arn,
        address: holder,
        path: g.path,
        policies: [...attached(g.attached, holder), ...inline(g.inline, holder)],
        members: [...(members.get(g.name) ?? [])].sort(),
      };
    });
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const users: LiveUser[] = [...dump.users]
    .sort((a, b) => byText(a.name, b.name))
    .map((u) => {
      const holder = `user/${u.name}`;
      const directPolicies = [...attached(u.attached, holder), ...inline(u.inline, holder)];
      const memberOf = [...new Set(u.groups.map((g) => g.name))].sort();
      const loginProfile = dump.consolePasswords?.get(u.name);
      return {
        name: u.name,
        arn: u.arn,
        address: holder,
        path: u.path,
        permissionsBoundary: boundaryOf(u.permissionsBoundary),
        tags: u.tags,
        groups: memberOf,
        directPolicies,
        policies: [...directPolicies, ...memberOf.flatMap((g) => groupByName.get(g)?.policies ?? [])],
        consoleAccess: loginProfile ?? false,
        loginProfile,
      };
    });
  const declaredTeamRoles = new Map(
    (declared.roles ?? []).flatMap((r) => (r.teamRole ? [[r.name, r.teamRole] as const] : [])),
  );
  const roles: LiveRole[] = [...dump.roles]
    .sort((a, b) => byText(a.name, b.name))
    .map((r) => {
      const holder = `role/${r.name}`;
      const teamRole = declaredTeamRoles.get(r.name) ?? teamRoleOfTags(r.tags);
      return {
        ...(teamRole ? { teamRole } : {}),
        name: r.name,
        arn: r.arn,
        address: holder,
        path: r.path,
        trust: r.trust,
        trustText: textOf(r.trust),
        permissionsBoundary: boundaryOf(r.permissionsBoundary),
        tags: r.tags,
        policies: [...attached(r.attached, holder), ...inline(r.inline, holder)],
      };
    });

  const declaredBuckets = new Set(declared.bucketPolicies.map((b) => b.bucket));
  const bucketPolicies: PlannedBucketPolicy[] = declared.bucketPolicies.map((planned) => {
    const document = dump.bucketPolicies.get(planned.bucket);
    if (!document) return planned;
    // What the project declares of the bucket (the trail that delivers to it) stays; the policy is the account's.
    return { ...planned, address: `bucket/${planned.bucket}`, document, text: textOf(document) };
  });
  return {
    name: declared.name,
    accountId,
    region: declared.region,
    partition,
    pipelines: declared.pipelines,
    actionTypes: declared.actionTypes,
    // The roles Identity Center provisions are IAM roles of the dump here, AWSReservedSSO_*: among `roles`.
    identityCenterRoles: [],
    users,
    groups,
    roles,
    bucketPolicies,
    guardrails: declared.guardrails,
    policies,
    passwordPolicy: dump.passwordPolicy ? passwordPolicyAttributes(dump.passwordPolicy) : undefined,
    plan: NO_PLAN,
    bucketsNotInDump: [...declaredBuckets].filter((b) => !dump.bucketPolicies.has(b)).sort(),
    undeclaredBuckets: [...dump.bucketPolicies.keys()].filter((b) => !declaredBuckets.has(b)).sort(),
    dump,
  };
}
