/**
 * The resolved access model: per environment, exactly the IAM entities and policy documents the stack
 * will create. Built from the config by resolve.ts, checked against AWS limits by limits.ts, and turned
 * into resources by the constructs. Everything here is plain data, deterministic and ordered.
 */
import type { Partition } from '../iam/arns';
import type { PolicyDocument } from '../iam/policy-document';
import type { EnvironmentGuardrails } from '../config/guardrails';
import type { ConfigPath } from '../config/problems';
import type {
  ActionTypeConfig,
  BackendConfig,
  NotificationEvent,
  PasswordPolicyConfig,
  PipelineConfig,
  ProfileKind,
} from '../config/schema';

/**
 * Why a policy exists; tagged on the policy (`codepipeline-access:purpose`) so the analysis, which reads only
 * the plan, can tell an admin profile from anything else.
 */
export type PolicyPurpose = `profile:${ProfileKind}` | 'self-service' | 'assume-role';

export interface ManagedPolicyModel {
  readonly name: string;
  readonly purpose: PolicyPurpose;
  readonly description: string;
  readonly document: PolicyDocument;
  /** `renderPolicy(document)`: the exact text sent to IAM. */
  readonly json: string;
  /** The config entry this policy comes from, for error messages (the first, when it comes from several). */
  readonly origin: ConfigPath;
  /**
   * The other config entries this policy comes from: a packed assume-role policy holds the grants of several
   * cross-account roles (assume-role-policies.ts), and `origin` is only the first of them.
   * @default - none: the policy comes from `origin` alone
   */
  readonly alsoFrom?: readonly ConfigPath[];
}

export interface GroupModel {
  readonly name: string;
  /** The team this group implements, or undefined for the self-service group. */
  readonly team?: string;
  readonly policies: readonly ManagedPolicyModel[];
  readonly origin: ConfigPath;
}

export interface ConsoleAccessModel {
  readonly passwordResetRequired: boolean;
  /** @default - none: the generated password is kept in state in plain text */
  readonly pgpKey?: string;
}

export interface UserModel {
  readonly name: string;
  /** Group names, sorted. */
  readonly groups: readonly string[];
  /** @default - no console access */
  readonly console?: ConsoleAccessModel;
  readonly tags: Readonly<Record<string, string>>;
  readonly origin: ConfigPath;
}

/** What makes a role a team's own (delivery: iam-role): assumed by the team's members in its own account. */
export interface TeamRoleModel {
  readonly team: string;
  /** The team's IAM group here, whose only policy lets its members assume the role. */
  readonly group: string;
  /** The members' user names, sorted: the trust names exactly their ARNs. */
  readonly members: readonly string[];
  readonly requireMfa: boolean;
}

export interface RoleModel {
  readonly name: string;
  readonly description: string;
  readonly arn: string;
  readonly trustedAccountId: string;
  readonly trustPolicy: PolicyDocument;
  readonly trustJson: string;
  readonly policies: readonly ManagedPolicyModel[];
  readonly maxSessionDurationSeconds: number;
  /** Set for a team's own role. @default - a cross-account role */
  readonly teamRole?: TeamRoleModel;
  readonly origin: ConfigPath;
}

export interface BucketPolicyModel {
  readonly bucket: string;
  readonly document: PolicyDocument;
  readonly json: string;
  readonly origin: ConfigPath;
}

/** An IAM Identity Center permission set: one per team delivered through Identity Center, shared by its accounts. */
export interface PermissionSetModel {
  readonly name: string;
  readonly team: string;
  readonly description: string;
  /** ISO 8601, e.g. PT8H. */
  readonly sessionDuration: string;
  /** The profile kinds of the team's grants (tagged on the permission set for the analysis, like policy purposes). */
  readonly kinds: readonly ProfileKind[];
  /**
   * The team's statements of every environment it is assigned in, merged (the same statement of two accounts lists
   * both accounts' resources): in each account, the role Identity Center provisions can do what the team's IAM
   * group could there, because every resource ARN names its account.
   */
  readonly document: PolicyDocument;
  /** `renderPolicy(document)`: the inline policy exactly as sent. */
  readonly json: string;
  readonly origin: ConfigPath;
}

/**
 * A group in the identity store. A team's managed members are grouped by the environments they are members in, so
 * that each person gets exactly the accounts the config gives them: usually one group per team.
 */
export interface IdentityCenterGroupModel {
  /** Stable within the config: the team and the environments the group is assigned in (`team__prod__staging`). */
  readonly key: string;
  readonly team: string;
  readonly displayName: string;
  readonly description: string;
  /** The identity store id of a group from an external identity provider (SCIM). @default - created here */
  readonly externalId?: string;
  /** Person names, sorted; none for an external group (its members are the identity provider's). */
  readonly members: readonly string[];
  /** The environments whose accounts the group is assigned the team's permission set in, in config order. */
  readonly environments: readonly string[];
  readonly origin: ConfigPath;
}

export interface IdentityCenterUserModel {
  /** The config's person name (the IAM user name, where the person has one). */
  readonly person: string;
  readonly userName: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
  readonly origin: ConfigPath;
}

/** One account assignment: a group gets a permission set in an environment's account. */
export interface AccountAssignmentModel {
  readonly group: string;
  readonly permissionSet: string;
  readonly environment: string;
  readonly accountId: string;
}

/** What the administering environment's stack creates in IAM Identity Center. */
export interface IdentityCenterModel {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** The administering environment. */
  readonly environment: string;
  /** The instance's home region (an aliased provider when it is not the environment's). */
  readonly region: string;
  readonly portalUrl: string;
  readonly permissionSets: readonly PermissionSetModel[];
  readonly groups: readonly IdentityCenterGroupModel[];
  readonly users: readonly IdentityCenterUserModel[];
  readonly assignments: readonly AccountAssignmentModel[];
  /**
   * Teams delivered both ways (IAM group and Identity Center): permission set name -> the team's IAM group name. The
   * analysis warns about the IAM users of such a team (a migration left unfinished).
   */
  readonly alsoIamGroups: Readonly<Record<string, string>>;
  readonly origin: ConfigPath;
}

/**
 * The existing resources the stack takes over at its first deploy, each with the id Terraform imports it by
 * (imports.ts). Keyed by what the config names: a group, a policy, `<group>/<policy>`, a user.
 */
export interface ImportsModel {
  readonly groups: Readonly<Record<string, string>>;
  readonly policies: Readonly<Record<string, string>>;
  readonly groupPolicyAttachments: Readonly<Record<string, string>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly rolePolicyAttachments: Readonly<Record<string, string>>;
  readonly users: Readonly<Record<string, string>>;
  readonly loginProfiles: Readonly<Record<string, string>>;
  readonly groupMemberships: Readonly<Record<string, string>>;
  /** @default - the account password policy is created (it overwrites any there is) */
  readonly passwordPolicy?: string;
}

export interface EnvironmentModel {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: Partition;
  readonly deploymentRoleArn?: string;
  readonly backend: BackendConfig;
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly groups: readonly GroupModel[];
  readonly users: readonly UserModel[];
  readonly roles: readonly RoleModel[];
  readonly bucketPolicies: readonly BucketPolicyModel[];
  readonly passwordPolicy: PasswordPolicyConfig;
  /** The pipelines the config declares here (they are not managed, but they are what access is about). */
  readonly pipelines: readonly PipelineConfig[];
  /** The custom action types the config declares here (not managed: what action-type actions are granted on). */
  readonly actionTypes: readonly ActionTypeConfig[];
  /**
   * SCPs, RCPs and the permissions boundary the config names, read from their files: the boundary's ARN is set on
   * every user and role of the stack, and all of them reach the analysis through the plan's `guardrails` output.
   */
  readonly guardrails: EnvironmentGuardrails;
  /** Set on the environment that administers IAM Identity Center: its stack holds these resources. @default - none */
  readonly identityCenter?: IdentityCenterModel;
  /** What the first deploy takes over instead of creating (the config's `imports`). */
  readonly imports: ImportsModel;
  /** The CloudTrail trail (created, or the existing one named) and its notifications. @default - none */
  readonly auditTrail?: AuditTrailModel;
  readonly origin: ConfigPath;
}

/** The bucket a created trail delivers to. */
export interface TrailBucketModel {
  readonly name: string;
  /** The stack creates the bucket; false: it exists, and the stack sets only its policy. */
  readonly create: boolean;
  /** @default - no prefix */
  readonly keyPrefix?: string;
  /** @default - log files never expire */
  readonly retentionDays?: number;
  /** The policy as S3 receives it: the generated one (trail-bucket-policy.ts), or the config's own. */
  readonly policyJson: string;
  /** Where CloudTrail writes this account's log files: `[<prefix>/]AWSLogs/<account>/`. */
  readonly logKeyPrefix: string;
  readonly origin: ConfigPath;
}

export interface CreatedTrailModel {
  readonly kind: 'created';
  readonly name: string;
  readonly arn: string;
  readonly bucket: TrailBucketModel;
  /** @default - log files encrypted with SSE-S3 */
  readonly kmsKeyArn?: string;
  /** @default - a trail of this account only */
  readonly organizationId?: string;
}

/** A trail the config names that already records the account: the stack creates none. */
export interface ExistingTrailModel {
  readonly kind: 'existing';
  readonly arn: string;
}

/** An EventBridge rule on the default bus of `region`, publishing what it matches to `topicArn`. */
export interface EventRuleModel {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  readonly event: NotificationEvent;
  readonly description: string;
  /** The event pattern as EventBridge receives it (compact JSON, within the default 2,048-character quota). */
  readonly eventPattern: string;
  readonly topicArn: string;
}

/** An SNS topic the rules of its region publish to; its policy lets exactly those rules publish. */
export interface NotificationTopicModel {
  readonly arn: string;
  readonly region: string;
  /** The topic's name when the stack creates it. @default - an existing topic: only its policy is set */
  readonly createName?: string;
  readonly policyJson: string;
}

export interface AuditTrailModel {
  readonly trail: CreatedTrailModel | ExistingTrailModel;
  /** The notification rules and the topics they publish to; both empty without `notifications`. */
  readonly rules: readonly EventRuleModel[];
  readonly topics: readonly NotificationTopicModel[];
  readonly origin: ConfigPath;
}

export interface AccessModel {
  readonly environments: readonly EnvironmentModel[];
  /** The same object as the administering environment's `identityCenter`. @default - Identity Center is not used */
  readonly identityCenter?: IdentityCenterModel;
}
