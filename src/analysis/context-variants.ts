/**
 * The request contexts worth asking about. A decision that depends on the request's context (MFA, an external id,
 * TLS, an upload's encryption and KMS key, a tag, the time) is asked once per meaningful variant, and the answer is
 * the set of contexts that allow the request, reduced to the fewest, most general conditions.
 *
 * The variants come from the conditions of the statements that could apply: each key they test gets the values
 * they name, one value they do not name (of the same kind: another ARN of the same and of another account for an
 * ARN, another account for an account id, the other boolean, a time before and after, a number either side), and
 * "absent" unless every request carries the key. Keys that name the principal (aws:PrincipalArn, aws:username,
 * ...) are not varied: the request fills them from who asks.
 */
import { ABSENT, covers, type AllowedWhen, type ContextCondition } from './environment-access';
import { asList, type PolicyStatementJson } from './plan-principals';

/** One context key and the values a request is asked with. */
export interface ContextDimension {
  readonly key: string;
  readonly values: readonly string[];
  /**
   * How a stand-in value is reported: `(none of: a, b)` rather than the sample asked with, so two plans whose
   * policies name different values never report the same "other" (who gains and who loses compares them).
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Filled from the principal (AccessAnalysis): varying them would ask about someone else. Lower case. What the plan
 * cannot tell (aws:PrincipalOrgID, aws:userid) is varied instead, so an answer says it depends on it.
 */
const PRINCIPAL_KEYS = new Set([
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:principalisawsservice',
  'aws:principalservicename',
  'aws:username',
]);

/** Whether a condition key names who asks (its value is the principal's, not the request's). */
export function namesPrincipal(key: string): boolean {
  const lower = key.toLowerCase();
  return PRINCIPAL_KEYS.has(lower) || lower.startsWith('aws:principaltag/');
}

/** Keys every request carries, so "absent" is no variant. Lower case. */
const ALWAYS_PRESENT = new Set(['aws:securetransport', 'aws:currenttime', 'aws:epochtime', 'aws:requestedregion']);

/** Keys whose values AWS enumerates: every value is a variant. Lower case. */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  'aws:securetransport': ['false', 'true'],
  'aws:multifactorauthpresent': ['false', 'true'],
  's3:x-amz-server-side-encryption': ['AES256', 'aws:kms', 'aws:kms:dsse'],
};

/** More than this many variants of one request means a policy tests too many keys at once: see dimensionsOf. */
export const MAX_VARIANTS = 512;

const OTHER_VALUE = 'codepipeline-access-other-value';
const OTHER_ACCOUNT = '999999999999';
const ARN = /^arn:([\w-]+):([\w-]*):([\w-]*):(\d{12})?:(.+)$/;

/** Values of the same kind as `value` that a policy naming `value` does not name. */
function otherValues(value: string, operator: string): string[] {
  const op = operator.toLowerCase();
  if (op.startsWith('date')) {
    const time = Date.parse(value) || Number(value) * 1000;
    return Number.isFinite(time)
      ? [new Date(time - 86_400_000).toISOString(), new Date(time + 86_400_000).toISOString()]
      : [];
  }
  if (op.startsWith('numeric')) {
    const n = Number(value);
    return Number.isFinite(n) ? [String(n - 1), String(n + 1)] : [];
  }
  if (op.startsWith('ipaddress') || op.startsWith('notipaddress')) return ['203.0.113.7'];
  const arn = ARN.exec(value);
  if (arn) {
    const [, partition, service, region, account = '', resource] = arn;
    const slash = resource.lastIndexOf('/');
    const otherResource = `${slash >= 0 ? resource.slice(0, slash + 1) : `${resource}-`}${OTHER_VALUE}`;
    return [
      `arn:${partition}:${service}:${region}:${account}:${otherResource}`,
      `arn:${partition}:${service}:${region}:${OTHER_ACCOUNT}:${resource}`,
    ];
  }
  if (/^\d{12}$/.test(value)) return [value === OTHER_ACCOUNT ? '888888888888' : OTHER_ACCOUNT];
  return [OTHER_VALUE];
}

/** An address inside a CIDR range (the network address + 1), or the address itself. */
function addressIn(cidr: string): string {
  const [address, bits] = cidr.split('/');
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o)) || bits === undefined || Number(bits) >= 32)
    return address;
  octets[3] += 1;
  return octets.join('.');
}

/** A pattern of a *Like operator as a value it matches. */
const sampleOf = (value: string) => value.replace(/\*/g, 'x').replace(/\?/g, 'x');

/**
 * The dimensions of the conditions in `statements`, sorted by key. Beyond MAX_VARIANTS combinations the keys
 * with the most values keep only the values named plus absent (the "other" values are what a policy is least
 * likely to single out); the caller still gets every key.
 */
export function dimensionsOf(statements: readonly PolicyStatementJson[]): ContextDimension[] {
  const values = new Map<string, { key: string; values: Set<string>; others: Set<string> }>();
  for (const statement of statements) {
    for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
      for (const [key, raw] of Object.entries(block ?? {})) {
        const lower = key.toLowerCase();
        if (namesPrincipal(lower) || key.includes('${')) continue;
        const entry = values.get(lower) ?? { key, values: new Set<string>(), others: new Set<string>() };
        values.set(lower, entry);
        const named = asList(raw as string | string[]).map(String);
        if (operator.toLowerCase() === 'null') continue; // only presence matters: absent is always a variant
        for (const value of named) {
          const op = operator.toLowerCase();
          // A range is asked with an address inside it; a *Like pattern with a value it matches.
          const sample = op.includes('ipaddress') ? addressIn(value) : op.includes('like') ? sampleOf(value) : value;
          entry.values.add(sample);
          for (const other of otherValues(sample, operator)) entry.others.add(other);
        }
      }
    }
  }
  const dimensions = [...values.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([lower, entry]) => {
      const known = KNOWN_VALUES[lower];
      const named = known ? [...known, ...[...entry.values].filter((v) => !known.includes(v))] : [...entry.values];
      const others = known ? [] : [...entry.others].filter((v) => !named.includes(v));
      if (named.length === 0 && others.length === 0) others.push(OTHER_VALUE);
      return { key: entry.key, named, others, absent: !ALWAYS_PRESENT.has(lower), labels: labelsOf(named, others) };
    });
  let full = dimensions.map((d) => ({
    key: d.key,
    values: [...d.named, ...d.others, ...(d.absent ? [ABSENT] : [])],
    labels: d.labels,
  }));
  if (variantCount(full) > MAX_VARIANTS)
    full = dimensions.map((d) => ({
      key: d.key,
      values: [...d.named, ...(d.named.length === 0 ? d.others : []), ...(d.absent ? [ABSENT] : [])],
      labels: d.labels,
    }));
  return full;
}

/**
 * The dimensions with only the values the principal's sessions can carry (AccessAnalysis.sessionContext): an
 * Identity Center session is never asked with MFA present. A key the sessions fix but no statement tests is no
 * dimension: the request leaves it out, as such a session may.
 */
export function restrictToSession(
  dimensions: readonly ContextDimension[],
  session: Readonly<Record<string, readonly string[]>> | undefined,
): ContextDimension[] {
  if (!session) return [...dimensions];
  const byKey = new Map(Object.entries(session).map(([key, values]) => [key.toLowerCase(), values]));
  return dimensions.map((d) => {
    const possible = byKey.get(d.key.toLowerCase());
    if (!possible) return d;
    const values = d.values.filter((v) => possible.includes(v));
    return { ...d, values: values.length > 0 ? values : [...possible] };
  });
}

/** Labels of the stand-in values (see ContextDimension.labels); samples of dates and numbers are reported as asked. */
function labelsOf(named: readonly string[], others: readonly string[]): Record<string, string> {
  const none = named.length > 0 ? `none of: ${[...named].sort().join(', ')}` : 'any value';
  const labels: Record<string, string> = {};
  for (const other of others) {
    const arn = ARN.exec(other);
    if (other === OTHER_VALUE) labels[other] = `(${none})`;
    else if (arn && arn[4] === OTHER_ACCOUNT) labels[other] = `(an ARN of another account; ${none})`;
    else if (arn) labels[other] = `(another ARN of account ${arn[4] ?? ''}; ${none})`;
    else if (/^\d{12}$/.test(other)) labels[other] = `(another account; ${none})`;
  }
  return labels;
}

const variantCount = (dimensions: readonly ContextDimension[]) => dimensions.reduce((n, d) => n * d.values.length, 1);

/** Every combination of the dimensions' values, in a fixed order. */
export function variantsOf(dimensions: readonly ContextDimension[]): ContextCondition[] {
  let variants: Record<string, string>[] = [{}];
  for (const d of dimensions) variants = variants.flatMap((v) => d.values.map((value) => ({ ...v, [d.key]: value })));
  return variants;
}

/** A context as request context variables: absent keys left out. */
export function requestContext(variant: ContextCondition): Record<string, string> {
  return Object.fromEntries(Object.entries(variant).filter(([, value]) => value !== ABSENT));
}

/**
 * The fewest, most general contexts that cover exactly the allowed variants: for each allowed variant, its keys
 * are dropped one by one (in key order) while every variant it then describes is still allowed; then conditions
 * covered by a more general one go. `allowed[i]` is the decision for `variantsOf(dimensions)[i]`.
 */
export function reduceAllowed(dimensions: readonly ContextDimension[], allowed: readonly boolean[]): AllowedWhen {
  const variants = variantsOf(dimensions);
  if (allowed.every(Boolean)) return [{}];
  const allowedVariants = variants.filter((_, i) => allowed[i]);
  const isAllowed = new Set(allowedVariants.map((v) => JSON.stringify(v)));
  const everyVariantAllowed = (condition: ContextCondition) =>
    variants.filter((v) => covers(condition, v)).every((v) => isAllowed.has(JSON.stringify(v)));
  const conditions = new Map<string, ContextCondition>();
  for (const variant of allowedVariants) {
    let condition: Record<string, string> = { ...variant };
    for (const key of Object.keys(variant)) {
      const wider = Object.fromEntries(Object.entries(condition).filter(([k]) => k !== key));
      if (everyVariantAllowed(wider)) condition = wider;
    }
    conditions.set(JSON.stringify(condition), condition);
  }
  const minimal = [...conditions.values()].filter(
    (c) => ![...conditions.values()].some((other) => other !== c && covers(other, c)),
  );
  const labels = new Map(dimensions.map((d) => [d.key, d.labels ?? {}]));
  const reported = minimal.map((c) =>
    Object.fromEntries(Object.entries(c).map(([key, value]) => [key, labels.get(key)?.[value] ?? value])),
  );
  return reported.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
