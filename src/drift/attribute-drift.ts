/**
 * The resources the plan creates (the project manages them) against what is live: each missing one, and each
 * attribute that differs. Policy documents, trusts and bucket policies are compared as sets of statements
 * (statement-changes.ts), so re-rendered JSON or reordered statements differ in nothing; a policy description that
 * differs is called out, since a deploy then replaces the policy. Memberships both ways, login profiles (when the
 * dump has a credential report), permissions boundaries, paths, policies attached to a managed user outside the
 * project, and the account password policy (when the dump has it).
 */
import { arns } from '../iam/arns';
import { parsePolicyText, type PlannedEnvironment, type PolicyJson } from '../analysis/plan-principals';
import { byText } from '../analysis/environment-access';
import { statementSet } from '../analysis/statement-changes';
import type { ResourceChange } from '../plan/plan-json';
import { passwordPolicyAttributes, type LiveEnvironment, type LivePolicy } from '../live/live-environment';

export interface AttributeDrift {
  /** The plan address of the managed resource, e.g. `aws_iam_role.CrossAccountPipelineViewers`. */
  readonly address: string;
  /** What differs: `exists`, `policy`, `description`, `groups`, `login profile`, ... */
  readonly attribute: string;
  /** What it is live, and what the plan makes it, in words. */
  readonly live: string;
  readonly planned: string;
}

const after = (rc: ResourceChange) => rc.change.after ?? {};
const text = (value: unknown) => (value === null || value === undefined ? 'none' : String(value));

/** How two policy documents differ as statement sets, or undefined when they do not. */
function statementDifference(
  live: PolicyJson,
  planned: unknown,
  owner: string,
): { live: string; planned: string } | undefined {
  const a = statementSet(live, owner);
  const b = statementSet(parsePolicyText(planned), owner);
  const onlyLive = [...a].filter((s) => !b.has(s)).length;
  const onlyPlanned = [...b].filter((s) => !a.has(s)).length;
  if (onlyLive + onlyPlanned === 0) return undefined;
  const statements = (n: number) => `${n} statement${n === 1 ? '' : 's'}`;
  return {
    live: `${statements(onlyLive)} the plan does not have`,
    planned: `${statements(onlyPlanned)} missing live`,
  };
}

const describeHeld = (policies: readonly LivePolicy[]) =>
  policies.map((p) => `${p.source.kind} ${p.source.name}`).join(', ');

export function attributeDrift(planned: PlannedEnvironment, live: LiveEnvironment): AttributeDrift[] {
  const { plan } = planned;
  const found: AttributeDrift[] = [];
  const add = (address: string, attribute: string, liveText: string, plannedText: string) =>
    found.push({ address, attribute, live: liveText, planned: plannedText });
  const policyArn = (name: string) => arns.iamPolicy(planned, name);
  const groups = new Map(live.groups.map((g) => [g.name, g]));
  const users = new Map(live.users.map((u) => [u.name, u]));
  const roles = new Map(live.roles.map((r) => [r.name, r]));
  const missing = (rc: ResourceChange, what: string) =>
    add(rc.address, 'exists', `no ${what} of this name`, 'created (not deployed yet, or deleted by hand)');
  const samePath = (rc: ResourceChange, livePath: string) => {
    const wanted = text(after(rc).path ?? '/');
    if (livePath !== wanted) add(rc.address, 'path', livePath, wanted);
  };
  const sameBoundary = (rc: ResourceChange, liveBoundary: string | undefined) => {
    const wanted = after(rc).permissions_boundary;
    if ((liveBoundary ?? '') !== (typeof wanted === 'string' ? wanted : ''))
      add(rc.address, 'permissions boundary', text(liveBoundary), text(wanted || undefined));
  };

  for (const rc of plan.ofType('aws_iam_group')) {
    const group = groups.get(String(after(rc).name));
    if (!group) missing(rc, 'group');
    else samePath(rc, group.path);
  }
  for (const rc of plan.ofType('aws_iam_policy')) {
    const name = String(after(rc).name);
    const policy = live.dump.policies.get(policyArn(name));
    if (!policy) {
      const elsewhere = [...live.dump.policies.values()].find((p) => p.name === name && !p.arn.includes('::aws:'));
      if (elsewhere) add(rc.address, 'path', elsewhere.path, '/ (a deploy creates another policy)');
      else missing(rc, 'customer managed policy');
      continue;
    }
    const difference = statementDifference(policy.document, after(rc).policy, name);
    if (difference) add(rc.address, 'policy', difference.live, difference.planned);
    const description = String(after(rc).description ?? '');
    if ((policy.description ?? '') !== description)
      add(
        rc.address,
        'description',
        JSON.stringify(policy.description ?? ''),
        `${JSON.stringify(description)} (a deploy replaces the policy)`,
      );
  }
  const attachments = (
    type: string,
    owner: string,
    holders: ReadonlyMap<string, { policies: readonly LivePolicy[] }>,
  ) => {
    for (const rc of plan.ofType(type)) {
      const holder = holders.get(String(after(rc)[owner]));
      const policy = planned.policies.get(plan.referencedResource(rc.address, 'policy_arn') ?? '');
      if (!holder || !policy) continue; // a missing holder or policy is reported above
      if (!holder.policies.some((p) => p.source.arn === policyArn(policy.name)))
        add(rc.address, 'attachment', `${policy.name} not attached`, `${policy.name} attached`);
    }
  };
  attachments('aws_iam_group_policy_attachment', 'group', groups);
  attachments('aws_iam_role_policy_attachment', 'role', roles);

  const consoleUsers = new Set(plan.ofType('aws_iam_user_login_profile').map((rc) => String(after(rc).user)));
  for (const rc of plan.ofType('aws_iam_user')) {
    const name = String(after(rc).name);
    const user = users.get(name);
    if (!user) {
      missing(rc, 'user');
      continue;
    }
    samePath(rc, user.path);
    sameBoundary(rc, user.permissionsBoundary?.arn);
    if (user.directPolicies.length > 0)
      add(
        rc.address,
        'policies attached to the user',
        describeHeld(user.directPolicies),
        'none (access through teams only)',
      );
    if (user.loginProfile === true && !consoleUsers.has(name))
      add(rc.address, 'login profile', 'console password', 'none (console: { enabled: false })');
  }
  for (const rc of plan.ofType('aws_iam_user_login_profile')) {
    const user = users.get(String(after(rc).user));
    if (user?.loginProfile === false) add(rc.address, 'login profile', 'no console password', 'console password');
  }
  for (const rc of plan.ofType('aws_iam_user_group_membership')) {
    const user = users.get(String(after(rc).user));
    if (!user) continue;
    const wanted = ((after(rc).groups as string[] | undefined) ?? []).map(String);
    const absent = wanted.filter((g) => !user.groups.includes(g));
    const extra = user.groups.filter((g) => !wanted.includes(g));
    if (absent.length > 0) add(rc.address, 'groups', `not in ${absent.join(', ')}`, `in ${absent.join(', ')}`);
    if (extra.length > 0) add(rc.address, 'groups', `also in ${extra.join(', ')}`, `not in ${extra.join(', ')}`);
  }
  for (const rc of plan.ofType('aws_iam_role')) {
    const role = roles.get(String(after(rc).name));
    if (!role) {
      missing(rc, 'role');
      continue;
    }
    samePath(rc, role.path);
    sameBoundary(rc, role.permissionsBoundary?.arn);
    const difference = statementDifference(role.trust, after(rc).assume_role_policy, role.arn);
    if (difference) add(rc.address, 'trust policy', difference.live, difference.planned);
  }
  for (const rc of plan.ofType('aws_s3_bucket_policy')) {
    const bucket = String(after(rc).bucket);
    const document = live.dump.bucketPolicies.get(bucket);
    if (!document) continue; // listed as not compared
    const difference = statementDifference(document, after(rc).policy, bucket);
    if (difference) add(rc.address, 'bucket policy', difference.live, difference.planned);
  }
  const passwordPolicy = plan.ofType('aws_iam_account_password_policy')[0];
  if (passwordPolicy && live.dump.passwordPolicy) {
    const liveValues = passwordPolicyAttributes(live.dump.passwordPolicy);
    const defaults = passwordPolicyAttributes({});
    for (const [key, value] of Object.entries(liveValues)) {
      const wanted = after(passwordPolicy)[key] ?? defaults[key];
      if (wanted !== value) add(passwordPolicy.address, key, text(value), text(wanted));
    }
  }
  return found.sort(
    (a, b) => byText(a.address, b.address) || byText(a.attribute, b.attribute) || byText(a.live, b.live),
  );
}
