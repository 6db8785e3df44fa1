/**
 * Who-can-do-what on the guardrails fixture (test/fixtures/guardrails/access-cases.json), on its real plans, through
 * AccessAnalysis (which passes the SCPs of the principal's account, the RCPs of the resource's account and the
 * principal's permissions boundary): each denial a guardrail decides names it. And the access file says which
 * guardrail denies a cell the principal's own policies allow.
 */
import { join } from 'node:path';
import type { AnalysisResult } from '../../src/analysis/analyze';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { PROJECT_ROOT } from '../helpers/cli';
import { analyzeFocused } from '../helpers/focused';

const CASES = readAccessCases(join(PROJECT_ROOT, 'test', 'fixtures', 'guardrails', 'access-cases.json'));

let result: AnalysisResult;
beforeAll(async () => {
  result = await analyzeFocused('guardrails');
});

test('the fixture has cases a guardrail decides', () => {
  expect(CASES.filter((c) => c.decidedBy !== undefined).length).toBeGreaterThanOrEqual(5);
});

testAccessCases(CASES, () => result.analysis);

test('the access file names the guardrail that denies what the principal own policies allow', () => {
  const denials = result.access.flatMap((env) =>
    Object.values(env.principals).flatMap((p) =>
      Object.entries(p.deniedByGuardrail ?? {}).flatMap(([resource, byAction]) =>
        Object.entries(byAction).map(([action, by]) => `${env.environment} ${p.arn} ${action} on ${resource}: ${by}`),
      ),
    ),
  );
  expect(denials.length).toBeGreaterThan(0);
  expect(denials.every((d) => /: (scp:|rcp:|service control policies|permissions boundary)/.test(d))).toBe(true);
});
