/**
 * Who can do what in one environment: the analysis's result, committed as tfplans/<env>.access.json, compared
 * between base and head for "who gains and who loses", and checked against the config's intent.
 *
 * Every cell says under which request context it is allowed, because a decision that depends on context (MFA, an
 * external id, TLS, the KMS key of an upload, an SCP's condition) is neither "allowed" nor "denied" alone.
 *
 * In memory (`EnvironmentAccess`) every principal has its own entry. The committed file groups them, so an account
 * of 5,000 users stays small: principals whose entries are the same but for their ARN (same `via`, same cells; the
 * own-user cell is keyed `user/(own user)` for everyone) share one entry that lists their `names`, and the
 * principals that may assume a role in the same contexts share one entry that lists them. A person given a team
 * shows in a pull request's diff as one name leaving one list and joining another; a person gaining access nobody
 * else has, as a new entry. `parseEnvironmentAccess` reads the file back into the per-principal form.
 */
import { partitionOf } from '../iam/arns';

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
  /** Set when the answers depend on something the plan does not show (a permissions boundary set outside it). */
  readonly dependsOn?: string;
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
  readonly artifactBuckets: BucketProbes;
  /**
   * The same for the bucket of the stack's CloudTrail trail, probed on the keys CloudTrail writes, by CloudTrail
   * too. @default - absent: the stack creates no trail
   */
  readonly auditTrailBuckets?: BucketProbes;
}

/** Bucket -> probe principal (described) -> action -> when the bucket policy lets it through. */
export type BucketProbes = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, AllowedWhen>>>>>>;

/** Principals with the same access, as the committed file lists them: `user/<name>` or `role/<name>`, sorted. */
interface PrincipalGroup extends Omit<PrincipalAccess, 'arn'> {
  readonly names: readonly string[];
}

/** The principals (full ARNs, sorted) that may assume a role in the same contexts. */
interface AssumeRoleGroup {
  readonly principals: readonly string[];
  readonly allowedWhen: AllowedWhen;
}

/** The committed form of `EnvironmentAccess`. */
interface AccessFile extends Omit<EnvironmentAccess, 'principals' | 'assumeRole'> {
  readonly principals: readonly PrincipalGroup[];
  readonly assumeRole: Readonly<Record<string, readonly AssumeRoleGroup[]>>;
}

/** The ARN of `user/<name>` or `role/<name>` of the environment: the file names principals relative to it. */
const principalArn = (access: Pick<EnvironmentAccess, 'accountId' | 'region'>, name: string) =>
  `arn:${partitionOf(access.region)}:iam::${access.accountId}:${name}`;

/** Members with equal `share(member)` (compared as JSON) in one group each; the groups' members in input order. */
function groupBy<M, S>(members: readonly M[], share: (member: M) => S): [S, M[]][] {
  const groups = new Map<string, [S, M[]]>();
  for (const member of members) {
    const shared = share(member);
    const key = JSON.stringify(shared);
    const group = groups.get(key);
    if (group) group[1].push(member);
    else groups.set(key, [shared, [member]]);
  }
  return [...groups.values()];
}

/** Code-point order: the same on every machine, whatever its locale. */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function principalGroups(access: EnvironmentAccess): PrincipalGroup[] {
  const entries = Object.entries(access.principals).map(([name, principal]) => {
    const { arn, ...shared } = principal;
    if (arn !== principalArn(access, name))
      throw new Error(`principal "${name}" of ${access.environment} has ARN ${arn}, not one of its account`);
    return { name, shared };
  });
  return (
    groupBy(entries, (e) => e.shared)
      .map(([shared, members]) => ({ names: members.map((m) => m.name).sort(byText), ...shared }))
      // By `via` first, so a group keeps its place when its first name changes.
      .sort((a, b) => byText(a.via.join('\n'), b.via.join('\n')) || byText(a.names[0], b.names[0]))
  );
}

function assumeRoleGroups(byPrincipal: Readonly<Record<string, AllowedWhen>>): AssumeRoleGroup[] {
  return groupBy(Object.entries(byPrincipal), ([, when]) => when)
    .map(([allowedWhen, members]) => ({ principals: members.map(([arn]) => arn).sort(byText), allowedWhen }))
    .sort((a, b) => byText(JSON.stringify(a.allowedWhen), JSON.stringify(b.allowedWhen)));
}

/** Renderings already made, by access object: a run writes every environment's file, most of them unchanged. */
const rendered = new WeakMap<EnvironmentAccess, string>();

/**
 * Records `text` as the rendering of `access`, which the caller made from it earlier (the result store keeps both, so
 * an environment whose result it answers is not grouped and serialized again).
 */
export function rememberRendering(access: EnvironmentAccess, text: string): void {
  rendered.set(access, text);
}

/**
 * The committed, reviewable form: principals with the same access grouped (see the top of the file), sorted,
 * two-space indent, trailing newline.
 */
export function renderEnvironmentAccess(access: EnvironmentAccess): string {
  const known = rendered.get(access);
  if (known !== undefined) return known;
  const text = renderAccessFile(access);
  rendered.set(access, text);
  return text;
}

function renderAccessFile(access: EnvironmentAccess): string {
  const file: AccessFile = {
    environment: access.environment,
    accountId: access.accountId,
    region: access.region,
    principals: principalGroups(access),
    assumeRole: Object.fromEntries(
      Object.entries(access.assumeRole).map(([role, byPrincipal]) => [role, assumeRoleGroups(byPrincipal)]),
    ),
    artifactBuckets: access.artifactBuckets,
    ...(access.auditTrailBuckets ? { auditTrailBuckets: access.auditTrailBuckets } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Throws naming `where` when `value` is not a list of strings. */
function names(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new Error(`${where}: must be a list of names; got ${JSON.stringify(value)}`);
  return value as string[];
}

/** Throws naming `where` when `name` was listed before. */
function once(seen: Set<string>, name: string, where: string): void {
  if (seen.has(name)) throw new Error(`${where}: "${name}" is listed twice`);
  seen.add(name);
}

/**
 * The per-principal form of an access file `renderEnvironmentAccess` wrote (`file` names it in errors): every name
 * of a group gets the group's entry. Throws when the text is not such a file.
 */
export function parseEnvironmentAccess(text: string, file = 'access file'): EnvironmentAccess {
  const parsed = JSON.parse(text) as AccessFile;
  if (!Array.isArray(parsed.principals) || typeof parsed.assumeRole !== 'object' || parsed.assumeRole === null)
    throw new Error(
      `${file}: not an access file of this version (principals must be a list of groups); run npm run plan`,
    );
  const principals: Record<string, PrincipalAccess> = {};
  const seen = new Set<string>();
  parsed.principals.forEach(({ names: listed, ...shared }, i) => {
    for (const name of names(listed, `${file}: principals[${i}].names`)) {
      once(seen, name, `${file}: principals[${i}].names`);
      principals[name] = { arn: principalArn(parsed, name), ...shared };
    }
  });
  const assumeRole: Record<string, Record<string, AllowedWhen>> = {};
  for (const [role, groups] of Object.entries(parsed.assumeRole)) {
    const byPrincipal: Record<string, AllowedWhen> = {};
    const seenArns = new Set<string>();
    groups.forEach(({ principals: listed, allowedWhen }, i) => {
      const where = `${file}: assumeRole.${role}[${i}].principals`;
      for (const arn of names(listed, where)) {
        once(seenArns, arn, where);
        byPrincipal[arn] = allowedWhen;
      }
    });
    assumeRole[role] = Object.fromEntries(
      Object.keys(byPrincipal)
        .sort(byText)
        .map((arn) => [arn, byPrincipal[arn]]),
    );
  }
  return {
    environment: parsed.environment,
    accountId: parsed.accountId,
    region: parsed.region,
    principals,
    assumeRole,
    artifactBuckets: parsed.artifactBuckets,
    ...(parsed.auditTrailBuckets ? { auditTrailBuckets: parsed.auditTrailBuckets } : {}),
  };
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
