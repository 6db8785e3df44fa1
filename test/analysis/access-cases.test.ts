/**
 * Who-can-do-what cases in fixtures/access-cases.json, each simulated on the real example plans. A reviewer adds
 * a case by adding an object: name, principal ARN, action, resource, optional context, expected decision.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import { analyzeExample } from '../helpers/plan-mutations';
import '../helpers/access-matchers';

interface AccessCase {
  readonly name: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  readonly expect: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
}

const cases: AccessCase[] = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'access-cases.json'), 'utf8'));
let access: AccessAnalysis;
beforeAll(async () => {
  access = (await analyzeExample()).analysis;
});

test.each(cases)('$name: $expect', async (c) => {
  const outcome = await access.evaluate({
    principal: c.principal,
    action: c.action,
    resource: c.resource,
    context: c.context,
  });
  expect({ decision: outcome.decision, error: outcome.error }).toEqual({ decision: c.expect, error: undefined });
  if (c.expect === 'Allowed') await expect(access).toAllow(c.principal, c.action, c.resource, c.context);
  else await expect(access).toDeny(c.principal, c.action, c.resource, c.context);
});
