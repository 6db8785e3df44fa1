/**
 * Who-can-do-what cases in a JSON file, each simulated on real plans: the product's on the example
 * (test/fixtures/access-cases.json), the user's on their own config (config/access-cases.json). A reviewer adds a
 * case by adding an object: name, principal ARN, action, resource, optional context, expected decision, and for a
 * denial optionally the layer that decided it (`decidedBy`).
 */
import { readFileSync } from 'node:fs';
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import './access-matchers';

const DECISIONS = ['Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied'] as const;

export interface AccessCase {
  /** What the case checks, in words: the test's name. */
  readonly name: string;
  /** The full ARN of the user or role asking. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Request context keys, e.g. `aws:SecureTransport`. @default - none */
  readonly context?: Record<string, string>;
  readonly expect: (typeof DECISIONS)[number];
  /** For a denial, the layer that must have decided it (SimulationOutcome.decidedBy). @default - not checked */
  readonly decidedBy?: string;
  /** A role the principal assumes first (a team role): both steps must be allowed. @default - the principal asks */
  readonly via?: string;
}

/** The cases of `file`; throws listing every malformed case (index, field, what is allowed). */
export function readAccessCases(file: string): AccessCase[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: must be a JSON array of cases; got ${typeof data}`);
  const problems = data.flatMap((c: Record<string, unknown>, index) => {
    const at = `${file}: [${index}]${typeof c?.name === 'string' ? ` "${c.name}"` : ''}`;
    if (c === null || typeof c !== 'object') return [`${at}: must be an object`];
    return [
      ...['name', 'principal', 'action', 'resource']
        .filter((key) => typeof c[key] !== 'string' || c[key] === '')
        .map((key) => `${at}: ${key} must be a non-empty string; got ${JSON.stringify(c[key])}`),
      ...((DECISIONS as readonly unknown[]).includes(c.expect)
        ? []
        : [`${at}: expect must be one of ${DECISIONS.join(', ')}; got ${JSON.stringify(c.expect)}`]),
      ...(c.decidedBy === undefined || (typeof c.decidedBy === 'string' && c.expect !== 'Allowed')
        ? []
        : [`${at}: decidedBy must be a string, and only for a denial; got ${JSON.stringify(c.decidedBy)}`]),
      ...(c.via === undefined || (typeof c.via === 'string' && /^arn:[\w-]+:iam::\d{12}:role\//.test(c.via))
        ? []
        : [`${at}: via must be the ARN of a role the principal assumes first; got ${JSON.stringify(c.via)}`]),
    ];
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return data as AccessCase[];
}

/** One test per case, evaluated on `access()` (set up by the caller's beforeAll). */
export function testAccessCases(cases: readonly AccessCase[], access: () => AccessAnalysis): void {
  test.each(cases)('$name: $expect', async (c) => {
    const request = { principal: c.principal, action: c.action, resource: c.resource, context: c.context };
    const outcome = c.via ? await access().evaluateThrough(request, c.via) : await access().evaluate(request);
    expect({ decision: outcome.decision, error: outcome.error }).toEqual({ decision: c.expect, error: undefined });
    if (c.decidedBy !== undefined) expect(outcome.decidedBy).toBe(c.decidedBy);
    const options = { via: c.via };
    if (c.expect === 'Allowed') await expect(access()).toAllow(c.principal, c.action, c.resource, c.context, options);
    else await expect(access()).toDeny(c.principal, c.action, c.resource, c.context, options);
  });
}
