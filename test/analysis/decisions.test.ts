/**
 * Sharing simulations between principals (identical permission sets, equal requests) must never change an answer:
 * each case compares the shared analysis with one that simulates every request of every principal on its own.
 */
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { mayDependOnPrincipal } from '../../src/analysis/decisions';
import type { PlannedPolicy } from '../../src/analysis/plan-principals';
import { emptyStatistics, environmentAccess, matrixTargets } from '../../src/analysis/access-matrix';
import { analyzePlans, type AnalysisResult } from '../../src/analysis/analyze';
import { loadAccessConfig } from '../../src/model/load-model';
import { loadActionCatalog } from '../../src/iam/action-catalog';
import { examplePlansWith, PlanEdit } from '../helpers/plan-mutations';
import { PLAN_FIXTURES, readPlan } from '../helpers/plans';

const PIPELINE = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/** Prod edited so that mina has exactly jin's groups, plus `extra` on their shared group. */
function twinsInProd(extra: object): PlanEdit {
  return new PlanEdit('prod')
    .membership('mina', ['codepipeline-access-self-service', 'helprr-backend-developer-group'])
    .policy('extra', extra)
    .attachToGroup('helprr-backend-developer-group', 'extra');
}

async function bothWays(edit: PlanEdit): Promise<{ shared: AnalysisResult; alone: AnalysisResult }> {
  const plans = examplePlansWith([edit]);
  return { shared: await analyzePlans(plans), alone: await analyzePlans(plans, [], { dedupe: false }) };
}

const prodPrincipals = (r: AnalysisResult) => r.access.find((a) => a.environment === 'prod')?.principals ?? {};

test('a condition on who asks keeps principals with identical policies apart', async () => {
  const { shared, alone } = await bothWays(
    twinsInProd(
      doc({
        Effect: 'Allow',
        // Two actions: whatever a set's first simulation is, the other one must not be borrowed either.
        Action: ['codepipeline:DeletePipeline', 'codepipeline:UpdatePipeline'],
        Resource: PIPELINE,
        Condition: { StringEquals: { 'aws:username': 'jin' } },
      }),
    ),
  );
  expect(prodPrincipals(shared)['user/jin'].allowed.MyFirstPipeline).toEqual(
    expect.arrayContaining(['DeletePipeline', 'UpdatePipeline']),
  );
  expect(prodPrincipals(shared)['user/mina'].allowed.MyFirstPipeline).not.toContain('DeletePipeline');
  expect(prodPrincipals(shared)['user/mina'].allowed.MyFirstPipeline).not.toContain('UpdatePipeline');
  expect(shared.access).toEqual(alone.access);
});

test("${aws:username} sets principals apart except in the user's own user ARN", () => {
  const policy = (resource: string): PlannedPolicy => ({
    name: 'p',
    address: 'aws_iam_policy.p',
    text: '',
    document: { Statement: [{ Effect: 'Allow', Action: 'codepipeline:DeletePipeline', Resource: resource }] },
  });
  const actions = ['codepipeline:DeletePipeline'];
  expect(mayDependOnPrincipal([policy('arn:aws:iam::111222333444:user/${aws:username}')], actions, true)).toBe(false);
  expect(
    mayDependOnPrincipal([policy('arn:aws:codepipeline:us-east-2:111222333444:${aws:username}-app')], actions, true),
  ).toBe(true);
});

test('a set the simulator refuses (an invalid policy) neither borrows nor lends answers', async () => {
  // mina's extra policy is invalid (no such effect); jin, with the same statements otherwise, is unaffected.
  const edit = new PlanEdit('prod')
    .membership('mina', ['codepipeline-access-self-service', 'helprr-backend-developer-group'])
    .policy('broken', doc({ Effect: 'Perhaps', Action: 'codepipeline:GetPipeline', Resource: PIPELINE }))
    .attachToUser('mina', 'broken');
  const { shared, alone } = await bothWays(edit);
  expect(prodPrincipals(shared)['user/mina'].allowed).toEqual({});
  expect(prodPrincipals(shared)['user/jin'].allowed.MyFirstPipeline).toContain('GetPipeline');
  expect(shared.access).toEqual(alone.access);
});

test('on the larger fixture, equal requests share simulations and every answer stays the same', async () => {
  const fixture = PLAN_FIXTURES.find((f) => f.name === 'large');
  if (!fixture) throw new Error('no large fixture');
  const { model } = await loadAccessConfig(fixture.configFile);
  const analysis = AccessAnalysis.fromPlans(
    model.environments.map(({ name }) => ({ name, plan: readPlan('large', name) })),
  );
  // The second environment: its matrix and its role, which the first environment's people may assume.
  const env = analysis.environments[1];
  const catalog = await loadActionCatalog();
  const sharedStats = emptyStatistics();
  const aloneStats = emptyStatistics();
  const shared = await environmentAccess(analysis, env, catalog, {}, sharedStats);
  const alone = await environmentAccess(analysis, env, catalog, { dedupe: false }, aloneStats);
  expect(shared).toEqual(alone);
  expect(Object.keys(shared.assumeRole).length).toBeGreaterThan(0);
  expect(sharedStats.sharedCells).toBeGreaterThan(0);
  expect(sharedStats.simulations).toBeLessThan(aloneStats.simulations / 3);
});

test("the unchecked decision equals the checked simulation's on every matrix request of both plan fixtures", async () => {
  const catalog = await loadActionCatalog();
  let compared = 0;
  for (const fixture of PLAN_FIXTURES) {
    const { model } = await loadAccessConfig(fixture.configFile);
    const analysis = AccessAnalysis.fromPlans(
      model.environments.map(({ name }) => ({ name, plan: readPlan(fixture.name, name) })),
    );
    for (const env of analysis.environments) {
      const seen = new Set<string>();
      for (const principal of [...env.users, ...env.roles]) {
        const set = principal.policies
          .map((p) => p.text)
          .sort()
          .join('\u0000');
        if (seen.has(set)) continue;
        seen.add(set);
        for (const target of matrixTargets(env, catalog)) {
          // The user's own user stands for every user: ask about this one's.
          const resource = target.target.kind === 'own-user' ? principal.arn : target.resource;
          // Requests under a resource policy never take the unchecked path (Decisions keeps them checked).
          if (analysis.resourceContext(target.action, resource, env.accountId).policy) continue;
          const request = { principal: principal.arn, action: target.action, resource };
          const checked = await analysis.evaluate(request, principal.policies);
          expect([request, analysis.decideUnchecked(request, principal.policies)]).toEqual([request, checked.decision]);
          compared++;
        }
      }
    }
  }
  expect(compared).toBeGreaterThan(2000);
});
