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

export interface RoleModel {
  readonly name: string;
  readonly description: string;
  readonly arn: string;
  readonly trustedAccountId: string;
  readonly trustPolicy: PolicyDocument;
  readonly trustJson: string;
  readonly policies: readonly ManagedPolicyModel[];
  readonly maxSessionDurationSeconds: number;
  readonly origin: ConfigPath;
}

export interface BucketPolicyModel {
  readonly bucket: string;
  readonly document: PolicyDocument;
  readonly json: string;
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
  /** What the first deploy takes over instead of creating (the config's `imports`). */
  readonly imports: ImportsModel;
  readonly origin: ConfigPath;
}

export interface AccessModel {
  readonly environments: readonly EnvironmentModel[];
}
