/**
 * Who exists in an environment and which policies apply to them, read from the plan alone: users with
 * their group memberships and the policies attached to those groups, roles with trust and permission
 * policies, bucket policies. Policy ARNs are known only after apply, so attachments are followed through
 * the plan's configuration references to the policy resources.
 */
import { partitionOf } from '../iam/arns';
import { PROJECT_TAGS } from '../iam/tags';
import type { PipelineDeclaration } from '../model/declarations';
import type { PlanView } from '../plan/plan-json';

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyJson {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: PolicyStatementJson | PolicyStatementJson[];
}

/** A policy document as planned, with where it comes from. */
export interface PlannedPolicy {
  /** The policy's name (managed) or `<owner>/<name>` (inline). */
  readonly name: string;
  /** The plan address of the resource holding the document. */
  readonly address: string;
  /** `codepipeline-access:purpose` tag, when the policy is ours. */
  readonly purpose?: string;
  readonly document: PolicyJson;
  /** The document text as Terraform will send it. */
  readonly text: string;
}

/** A guardrail policy as the plan's `guardrails` output carries it. */
export interface GuardrailPolicyJson {
  /** The SCP's or RCP's name in AWS Organizations (or its file's name). */
  readonly name: string;
  readonly document: PolicyJson;
}

/**
 * The permissions boundary a user or role is planned with. `given`: the plan's `guardrails` output carries the
 * document for this ARN. `not given`: the resource names a boundary whose document the plan does not carry (set
 * outside this config), so any decision for the principal depends on a boundary the analysis cannot see.
 */
export type PlannedBoundary =
  | { readonly status: 'given'; readonly arn: string; readonly document: PolicyJson }
  | { readonly status: 'not given'; readonly arn: string };

/** The organisation's policies over the account, from the plan's `guardrails` output (none without it). */
export interface PlannedGuardrails {
  /** SCPs in effect for the account's principals. */
  readonly serviceControlPolicies: readonly GuardrailPolicyJson[];
  /** RCPs in effect for the account's resources. */
  readonly resourceControlPolicies: readonly GuardrailPolicyJson[];
  /** The boundary the config sets on every user and role. @default - none */
  readonly permissionsBoundary?: { readonly arn: string; readonly document: PolicyJson };
}

export interface PlannedUser {
  readonly name: string;
  readonly arn: string;
  readonly address: string;
  /** The resource's `permissions_boundary`. @default - none */
  readonly permissionsBoundary?: PlannedBoundary;
  /** Tags, the provider's default tags included (`tags_all`). */
  readonly tags: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  /** Attached to the user itself (managed or inline): a finding of its own. */
  readonly directPolicies: readonly PlannedPolicy[];
  /** Every identity policy that applies: direct and through groups. */
  readonly policies: readonly PlannedPolicy[];
  readonly consoleAccess: boolean;
}

export interface PlannedGroup {
  readonly name: string;
  readonly address: string;
  readonly policies: readonly PlannedPolicy[];
}

export interface PlannedRole {
  readonly name: string;
  readonly arn: string;
  readonly address: string;
  readonly trust: PolicyJson;
  readonly trustText: string;
  /** The resource's `permissions_boundary`. @default - none */
  readonly permissionsBoundary?: PlannedBoundary;
  /** Tags, the provider's default tags included (`tags_all`). */
  readonly tags: Readonly<Record<string, string>>;
  readonly policies: readonly PlannedPolicy[];
  /** A team's own role (tagged so by the stack): its team and the team's group. @default - not a team role */
  readonly teamRole?: { readonly team: string; readonly group: string };
}

/** A permission set as the administering environment's plan has it. */
export interface PlannedPermissionSet {
  readonly name: string;
  readonly address: string;
  readonly sessionDuration?: string;
  /** Its inline policy, with the purpose its profile-kinds tag gives (admin when any of its grants is). */
  readonly policies: readonly PlannedPolicy[];
}

/** Who an account assignment gives a permission set to. */
export interface PlannedAssignee {
  /** The group's display name, or its id for a group from an identity provider. */
  readonly group: string;
  /** The user names of its members; undefined for a group from an identity provider (the plan cannot know them). */
  readonly members?: readonly string[];
  /** The identity store id of a group from an identity provider. @default - a group of this plan */
  readonly externalId?: string;
}

export interface PlannedAssignment {
  readonly address: string;
  readonly accountId: string;
  readonly permissionSet: PlannedPermissionSet;
  readonly assignee: PlannedAssignee;
}

/** The IAM Identity Center part of the administering environment's plan. */
export interface PlannedIdentityCenter {
  readonly region: string;
  readonly assignments: readonly PlannedAssignment[];
  /** Teams also delivered as IAM groups: permission set name -> the team's IAM group name. */
  readonly alsoIamGroups: Readonly<Record<string, string>>;
  readonly permissionSets: readonly PlannedPermissionSet[];
  /** The administering environment. */
  readonly environment: string;
}

/**
 * The role IAM Identity Center provisions in an account for a permission set assigned there, a principal of that
 * account like any role: its policies are the permission set's, and the assigned groups' members may take it.
 */
export interface PlannedIdentityCenterRole {
  readonly name: string;
  readonly arn: string;
  readonly permissionSet: string;
  /** The permission set's address, in the administering environment's plan. */
  readonly address: string;
  readonly administeredFrom: string;
  readonly policies: readonly PlannedPolicy[];
  readonly assignees: readonly PlannedAssignee[];
  /** The IAM group of the same team, when the team is delivered both ways. @default - Identity Center only */
  readonly alsoIamGroup?: string;
}

export interface PlannedBucketPolicy {
  readonly bucket: string;
  readonly address: string;
  readonly document: PolicyJson;
  readonly text: string;
  /**
   * Set for the bucket of the stack's CloudTrail trail (the plan's `audit_trail` output names it): the trail's ARN
   * and where CloudTrail writes this account's log files. @default - an artifact bucket
   */
  readonly trail?: { readonly arn: string; readonly logKeyPrefix: string };
}

/**
 * A pipeline as the plan's `pipeline_inventory` output declares it (src/model/declarations.ts makes it); plans made
 * before webhooks and service roles were declared lack those two.
 */
export type PipelineInventoryEntry = Omit<PipelineDeclaration, 'webhooks' | 'service_roles'> &
  Partial<Pick<PipelineDeclaration, 'webhooks' | 'service_roles'>>;

export interface PlannedEnvironment {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly pipelines: readonly PipelineInventoryEntry[];
  /** The custom action types the stack declares (ARNs, the `action_types` output); none in older plans. */
  readonly actionTypes: readonly string[];
  readonly users: readonly PlannedUser[];
  readonly groups: readonly PlannedGroup[];
  readonly roles: readonly PlannedRole[];
  readonly bucketPolicies: readonly PlannedBucketPolicy[];
  readonly guardrails: PlannedGuardrails;
  /** The Identity Center resources, when this environment administers Identity Center. @default - none */
  readonly identityCenter?: PlannedIdentityCenter;
  /**
   * The roles Identity Center provisions in this account, from the administering environment's plan (filled in by
   * AccessAnalysis, which has every plan); none until then.
   */
  readonly identityCenterRoles: readonly PlannedIdentityCenterRole[];
  /** Every policy document resource in the plan, by address. */
  readonly policies: ReadonlyMap<string, PlannedPolicy>;
  readonly passwordPolicy?: Readonly<Record<string, unknown>>;
  readonly plan: PlanView;
}

function outputValue(plan: PlanView, name: string): unknown {
  const outputs = (plan.plan as unknown as { planned_values?: { outputs?: Record<string, { value?: unknown }> } })
    .planned_values?.outputs;
  return outputs?.[name]?.value;
}

/** The custom action types the stack declares (ARNs, the `action_types` output); none in older plans. */
export function readActionTypes(plan: PlanView): string[] {
  return (outputValue(plan, 'action_types') as string[] | undefined) ?? [];
}

export function parsePolicyText(text: unknown): PolicyJson {
  return JSON.parse(String(text)) as PolicyJson;
}

export function statementsOf(document: PolicyJson): PolicyStatementJson[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** Every principal a resource-policy statement names (`*`, ARNs, accounts, services), of any kind. */
export function principalsOf(statement: PolicyStatementJson): string[] {
  const principal = statement.Principal as string | Record<string, string | string[]> | undefined;
  return typeof principal === 'string' ? [principal] : Object.values(principal ?? {}).flatMap(asList);
}

export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The team a role's tags say it delivers, if any: planned and live roles are read by the same tags. */
export function teamRoleOfTags(tags: Readonly<Record<string, string>>): PlannedRole['teamRole'] {
  const team = tags[PROJECT_TAGS.teamRole];
  return team !== undefined ? { team, group: tags[PROJECT_TAGS.teamGroup] ?? team } : undefined;
}

/** The Identity Center resources of a plan, with references followed to the permission sets, groups and users. */
function readIdentityCenter(environment: string, plan: PlanView): PlannedIdentityCenter | undefined {
  const output = outputValue(plan, 'identity_center') as
    { region: string; also_iam_groups?: Record<string, string> } | undefined;
  if (!output) return undefined;
  const inline = new Map<string, { text: string; address: string }>();
  for (const rc of plan.ofType('aws_ssoadmin_permission_set_inline_policy')) {
    const set = plan.referencedResource(rc.address, 'permission_set_arn');
    if (set) inline.set(set, { text: String(rc.change.after?.inline_policy), address: rc.address });
  }
  const permissionSets = new Map<string, PlannedPermissionSet>();
  for (const rc of plan.ofType('aws_ssoadmin_permission_set')) {
    const after = rc.change.after ?? {};
    const kinds = String(((after.tags ?? {}) as Record<string, string>)[PROJECT_TAGS.profileKinds] ?? '').split(' ');
    const policy = inline.get(rc.address);
    const setName = String(after.name);
    permissionSets.set(rc.address, {
      name: setName,
      address: rc.address,
      sessionDuration: typeof after.session_duration === 'string' ? after.session_duration : undefined,
      policies: policy
        ? [
            {
              name: `${setName}/inline`,
              address: policy.address,
              // One inline policy holds every grant of the team: it is an admin's when one of them is.
              purpose: kinds.includes('admin') ? 'profile:admin' : kinds[0] ? `profile:${kinds[0]}` : undefined,
              document: parsePolicyText(policy.text),
              text: policy.text,
            },
          ]
        : [],
    });
  }
  const userNames = new Map(
    plan.ofType('aws_identitystore_user').map((rc) => [rc.address, String(rc.change.after?.user_name)]),
  );
  const members = new Map<string, string[]>();
  for (const rc of plan.ofType('aws_identitystore_group_membership')) {
    const group = plan.referencedResource(rc.address, 'group_id') ?? '';
    const user = userNames.get(plan.referencedResource(rc.address, 'member_id') ?? '');
    if (user !== undefined) members.set(group, [...(members.get(group) ?? []), user]);
  }
  const groups = new Map(
    plan
      .ofType('aws_identitystore_group')
      .map((rc) => [
        rc.address,
        { group: String(rc.change.after?.display_name), members: [...(members.get(rc.address) ?? [])].sort() },
      ]),
  );
  const assignments = plan.ofType('aws_ssoadmin_account_assignment').flatMap((rc): PlannedAssignment[] => {
    const after = rc.change.after ?? {};
    const permissionSet = permissionSets.get(plan.referencedResource(rc.address, 'permission_set_arn') ?? '');
    const groupAddress = plan.referencedResource(rc.address, 'principal_id');
    const externalId = typeof after.principal_id === 'string' ? after.principal_id : undefined;
    const assignee: PlannedAssignee | undefined = groupAddress
      ? groups.get(groupAddress)
      : externalId !== undefined
        ? { group: externalId, externalId }
        : undefined;
    if (!permissionSet || !assignee) return [];
    return [{ address: rc.address, accountId: String(after.target_id), permissionSet, assignee }];
  });
  return {
    environment,
    region: output.region,
    assignments,
    alsoIamGroups: output.also_iam_groups ?? {},
    permissionSets: [...permissionSets.values()],
  };
}

/** The plan's `guardrails` output (stacks/environment-stack.ts), documents parsed. */
function readGuardrails(plan: PlanView): PlannedGuardrails {
  const output = outputValue(plan, 'guardrails') as
    | {
        service_control_policies?: { name: string; document: string }[];
        resource_control_policies?: { name: string; document: string }[];
        permissions_boundary?: { arn: string; document: string }[];
      }
    | undefined;
  const named = (list: { name: string; document: string }[] | undefined) =>
    (list ?? []).map((p) => ({ name: p.name, document: parsePolicyText(p.document) }));
  const boundary = output?.permissions_boundary?.[0];
  return {
    serviceControlPolicies: named(output?.service_control_policies),
    resourceControlPolicies: named(output?.resource_control_policies),
    permissionsBoundary: boundary ? { arn: boundary.arn, document: parsePolicyText(boundary.document) } : undefined,
  };
}

/** The buckets the plan's `audit_trail` output names (stacks/environment-stack.ts), with their trail; none without it. */
function readTrailBuckets(plan: PlanView): Map<string, { arn: string; logKeyPrefix: string }> {
  const output = outputValue(plan, 'audit_trail') as
    { trail_arn?: string; buckets?: { name: string; log_key_prefix: string }[] } | undefined;
  return new Map(
    (output?.buckets ?? []).map((b) => [b.name, { arn: String(output?.trail_arn), logKeyPrefix: b.log_key_prefix }]),
  );
}

/** A resource's `permissions_boundary`, with the document when the plan carries the one for that ARN. */
function boundaryOf(after: Record<string, unknown>, guardrails: PlannedGuardrails): PlannedBoundary | undefined {
  const arn = after.permissions_boundary;
  if (typeof arn !== 'string' || arn === '') return undefined;
  const known = guardrails.permissionsBoundary;
  return known?.arn === arn ? { status: 'given', arn, document: known.document } : { status: 'not given', arn };
}

/** A resource's tags as planned: `tags_all` (default tags included) when known, else `tags`. */
function tagsOf(after: Record<string, unknown>): Record<string, string> {
  const tags = (after.tags_all ?? after.tags ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function readPlannedEnvironment(name: string, plan: PlanView): PlannedEnvironment {
  const accountId = String(outputValue(plan, 'account_id') ?? '');
  const region = String(outputValue(plan, 'region') ?? '');
  if (!/^\d{12}$/.test(accountId) || region === '') {
    throw new Error(`the plan of "${name}" has no account_id/region outputs; re-run npm run plan with this version`);
  }
  const partition = partitionOf(region);
  const iamArn = (kind: string, n: string) => `arn:${partition}:iam::${accountId}:${kind}/${n}`;
  const guardrails = readGuardrails(plan);

  const policies = new Map<string, PlannedPolicy>();
  for (const rc of plan.ofType('aws_iam_policy')) {
    const after = rc.change.after ?? {};
    const tags = (after.tags ?? {}) as Record<string, string>;
    policies.set(rc.address, {
      name: String(after.name),
      address: rc.address,
      purpose: tags[PROJECT_TAGS.purpose],
      document: parsePolicyText(after.policy),
      text: String(after.policy),
    });
  }
  const inline = (type: string, owner: string): Map<string, PlannedPolicy[]> => {
    const byOwner = new Map<string, PlannedPolicy[]>();
    for (const rc of plan.ofType(type)) {
      const after = rc.change.after ?? {};
      const entry: PlannedPolicy = {
        name: `${String(after[owner])}/${String(after.name ?? rc.name)}`,
        address: rc.address,
        document: parsePolicyText(after.policy),
        text: String(after.policy),
      };
      policies.set(rc.address, entry);
      byOwner.set(String(after[owner]), [...(byOwner.get(String(after[owner])) ?? []), entry]);
    }
    return byOwner;
  };
  const attached = (type: string, owner: string): Map<string, PlannedPolicy[]> => {
    const byOwner = new Map<string, PlannedPolicy[]>();
    for (const rc of plan.ofType(type)) {
      const ownerName = String(rc.change.after?.[owner]);
      const policy = policies.get(plan.referencedResource(rc.address, 'policy_arn') ?? '');
      if (policy) byOwner.set(ownerName, [...(byOwner.get(ownerName) ?? []), policy]);
    }
    return byOwner;
  };
  const groupInline = inline('aws_iam_group_policy', 'group');
  const userInline = inline('aws_iam_user_policy', 'user');
  const roleInline = inline('aws_iam_role_policy', 'role');
  const groupAttached = attached('aws_iam_group_policy_attachment', 'group');
  const userAttached = attached('aws_iam_user_policy_attachment', 'user');
  const roleAttached = attached('aws_iam_role_policy_attachment', 'role');

  const groups: PlannedGroup[] = plan.ofType('aws_iam_group').map((rc) => {
    const groupName = String(rc.change.after?.name);
    return {
      name: groupName,
      address: rc.address,
      policies: [...(groupAttached.get(groupName) ?? []), ...(groupInline.get(groupName) ?? [])],
    };
  });
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const membershipsOf = new Map<string, string[]>();
  for (const rc of plan.ofType('aws_iam_user_group_membership')) {
    const user = String(rc.change.after?.user);
    membershipsOf.set(user, [
      ...(membershipsOf.get(user) ?? []),
      ...((rc.change.after?.groups as string[] | undefined) ?? []),
    ]);
  }
  const withConsole = new Set(plan.ofType('aws_iam_user_login_profile').map((rc) => String(rc.change.after?.user)));

  const users: PlannedUser[] = plan.ofType('aws_iam_user').map((rc) => {
    const userName = String(rc.change.after?.name);
    const memberOf = [...new Set(membershipsOf.get(userName) ?? [])].sort();
    const directPolicies = [...(userAttached.get(userName) ?? []), ...(userInline.get(userName) ?? [])];
    return {
      name: userName,
      arn: iamArn('user', userName),
      address: rc.address,
      permissionsBoundary: boundaryOf(rc.change.after ?? {}, guardrails),
      tags: tagsOf(rc.change.after ?? {}),
      groups: memberOf,
      directPolicies,
      policies: [...directPolicies, ...memberOf.flatMap((g) => groupByName.get(g)?.policies ?? [])],
      consoleAccess: withConsole.has(userName),
    };
  });

  const roles: PlannedRole[] = plan.ofType('aws_iam_role').map((rc) => {
    const after = rc.change.after ?? {};
    const roleName = String(after.name);
    const tags = tagsOf(after);
    const teamRole = teamRoleOfTags(tags);
    return {
      ...(teamRole ? { teamRole } : {}),
      name: roleName,
      arn: iamArn('role', roleName),
      address: rc.address,
      trust: parsePolicyText(after.assume_role_policy),
      trustText: String(after.assume_role_policy),
      permissionsBoundary: boundaryOf(after, guardrails),
      tags: tagsOf(after),
      policies: [...(roleAttached.get(roleName) ?? []), ...(roleInline.get(roleName) ?? [])],
    };
  });

  const trailBuckets = readTrailBuckets(plan);
  const bucketPolicies: PlannedBucketPolicy[] = plan.ofType('aws_s3_bucket_policy').map((rc) => {
    const bucket = String(rc.change.after?.bucket);
    const trail = trailBuckets.get(bucket);
    return {
      bucket,
      address: rc.address,
      document: parsePolicyText(rc.change.after?.policy),
      text: String(rc.change.after?.policy),
      ...(trail ? { trail } : {}),
    };
  });

  return {
    name,
    accountId,
    region,
    partition,
    pipelines: (outputValue(plan, 'pipeline_inventory') as PipelineInventoryEntry[] | undefined) ?? [],
    actionTypes: readActionTypes(plan),
    users,
    groups,
    roles,
    bucketPolicies,
    guardrails,
    identityCenter: readIdentityCenter(name, plan),
    identityCenterRoles: [],
    policies,
    passwordPolicy: plan.ofType('aws_iam_account_password_policy')[0]?.change.after ?? undefined,
    plan,
  };
}
