/**
 * Who can do what in one environment: the analysis's result, committed as tfplans/<env>.access.json, compared
 * between base and head for "who gains and who loses", and checked against the config's intent.
 *
 * Every cell says under which request context it is allowed, because a decision that depends on context (MFA, an
 * external id, TLS, the KMS key of an upload, an SCP's condition) is neither "allowed" nor "denied" alone.
 */

/**
 * A request context: condition key -> value, e.g. `{ "aws:MultiFactorAuthPresent": "true" }`. The value
 * `ABSENT` means the request does not carry the key. Keys not named may take any value.
 */
export type ContextCondition = Readonly<Record<string, string>>;

/** The value of a context key a request does not carry. */
export const ABSENT = '(absent)';

/**
 * When a cell is allowed: `[{}]` in every context, `[]` in none; otherwise it is allowed in each listed context
 * (any one suffices) and denied in every other. Sorted, and minimal: no entry is covered by another.
 */
export type AllowedWhen = readonly ContextCondition[];

export interface PrincipalAccess {
  readonly arn: string;
  /** Groups (users) or trusted accounts (roles) the access comes through. */
  readonly via: readonly string[];
  /**
   * Resource key -> actions allowed in every context. CodePipeline resources are keyed relative to the account
   * (`MyFirstPipeline`, `MyFirstPipeline/Stage`, `*`, `webhook:name`) and their actions lack the `codepipeline:`
   * prefix; other services' resources are full ARNs and their actions keep the prefix (`iam:PassRole`).
   */
  readonly allowed: Readonly<Record<string, readonly string[]>>;
  /** Resource key -> action -> the contexts that allow it, for cells allowed in some contexts only. */
  readonly conditional?: Readonly<Record<string, Readonly<Record<string, AllowedWhen>>>>;
  /**
   * Resource key -> action -> the guardrail (`scp:<name>`, `rcp:<name>`, `permissions boundary`) that denies a
   * cell the principal's own policies allow.
   */
  readonly deniedByGuardrail?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface EnvironmentAccess {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  /** `user/<name>` or `role/<name>` -> what it may do. */
  readonly principals: Readonly<Record<string, PrincipalAccess>>;
  /** Role name -> principal ARN (in the trusted account, or its root when not managed here) -> when it may assume it. */
  readonly assumeRole: Readonly<Record<string, Readonly<Record<string, AllowedWhen>>>>;
  /** Bucket -> probe principal (described) -> action -> when the bucket policy lets it through. */
  readonly artifactBuckets: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, AllowedWhen>>>>>>;
}

/** The committed, reviewable form: sorted keys, two-space indent, trailing newline. */
export function renderEnvironmentAccess(access: EnvironmentAccess): string {
  return `${JSON.stringify(access, null, 2)}\n`;
}

/** `a` is covered by `b` when every request `a` describes is one `b` describes: b's keys are a subset of a's. */
export function covers(b: ContextCondition, a: ContextCondition): boolean {
  return Object.entries(b).every(([key, value]) => a[key] === value);
}

/** A context for people: `any context`, or `aws:MultiFactorAuthPresent=true and sts:ExternalId absent`. */
export function describeContext(context: ContextCondition): string {
  const entries = Object.entries(context);
  if (entries.length === 0) return 'any context';
  return entries.map(([key, value]) => (value === ABSENT ? `${key} absent` : `${key}=${value}`)).join(' and ');
}
