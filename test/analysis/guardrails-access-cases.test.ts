/**
 * Who-can-do-what on the guardrails fixture (test/fixtures/guardrails/access-cases.json), on its real plans.
 *
 * AccessAnalysis.evaluate does not pass guardrails to the simulator yet (the lead wires them, issue 10): the
 * cases whose answer depends on an SCP, an RCP or a boundary are skipped on that path until then, and all cases
 * are checked here by a stand-in that passes the plan's guardrails to simulate() the way the wiring must.
 */
import { join } from 'node:path';
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { simulate, type SimulationRequest } from '../../src/analysis/simulator';
import { readAccessCases, testAccessCases, type AccessCase } from '../helpers/access-cases';
import { PROJECT_ROOT } from '../helpers/cli';
import { readPlan } from '../helpers/plans';

const CASES = readAccessCases(join(PROJECT_ROOT, 'test', 'fixtures', 'guardrails', 'access-cases.json'));
/** Cases whose decision (or decidedBy) holds only once AccessAnalysis passes the guardrails. */
const NEEDS_GUARDRAIL_WIRING = new Set(CASES.filter((c) => c.decidedBy !== undefined).map((c) => c.name));

let access: AccessAnalysis;
beforeAll(() => {
  access = new AccessAnalysis(['dev', 'prod'].map((name) => ({ name, plan: readPlan('guardrails', name) })));
});

describe('guardrails fixture: cases that hold without the guardrails', () => {
  testAccessCases(
    CASES.filter((c) => !NEEDS_GUARDRAIL_WIRING.has(c.name)),
    () => access,
  );
});

// TODO(lead): un-skip once AccessAnalysis.evaluate passes the guardrails (see the stand-in below for how).
describe.skip('guardrails fixture: cases that need AccessAnalysis to pass the guardrails', () => {
  testAccessCases(
    CASES.filter((c) => NEEDS_GUARDRAIL_WIRING.has(c.name)),
    () => access,
  );
});

/**
 * The request AccessAnalysis builds, plus guardrails: the SCPs of the principal's environment, the RCPs of the
 * resource's environment, the principal's own boundary (throwing when the plan does not carry its document).
 */
function withGuardrails(c: AccessCase): SimulationRequest {
  const principal = access.principal(c.principal);
  const principalAccount = c.principal.split(':')[4];
  const target = access.resourceContext(c.action, c.resource, principalAccount);
  const resourceEnv = access.environments.find((e) => e.accountId === target.account);
  const env = principal.environment;
  const planned = [...(env?.users ?? []), ...(env?.roles ?? [])].find((p) => p.arn === c.principal);
  const boundary = planned?.permissionsBoundary;
  if (boundary?.status === 'not given') throw new Error(`${c.principal}: depends on a boundary not given`);
  return {
    principalArn: c.principal,
    action: c.action,
    resourceArn: c.resource,
    resourceAccountId: target.account,
    identityPolicies: principal.policies.map((p) => ({ name: p.name, document: p.document })),
    resourcePolicy: target.policy,
    context: {
      'aws:SecureTransport': 'true',
      ...(principal.kind === 'user' ? { 'aws:username': c.principal.split('/').pop() ?? '' } : {}),
      ...(c.context ?? {}),
    },
    serviceControlPolicies: env?.guardrails.serviceControlPolicies ?? [],
    resourceControlPolicies: resourceEnv?.guardrails.resourceControlPolicies ?? [],
    permissionsBoundaries: boundary ? [{ name: boundary.arn, document: boundary.document }] : undefined,
  };
}

describe('guardrails fixture: every case, with the guardrails passed as the wiring must', () => {
  test.each(CASES)('$name: $expect', async (c) => {
    const outcome = await simulate(withGuardrails(c));
    expect({ decision: outcome.decision, decidedBy: outcome.decidedBy, error: outcome.error }).toEqual({
      decision: c.expect,
      decidedBy: c.decidedBy,
      error: undefined,
    });
  });
});
