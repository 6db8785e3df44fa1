/**
 * Decisions kept between runs: a warm run answers from the cache and gives exactly the cold run's result;
 * refused permission sets are never trusted from it; a damaged file or another version's file is not used.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePlans, type AnalysisResult } from '../../src/analysis/analyze';
import { DecisionCache } from '../../src/analysis/decision-cache';
import { examplePlansWith, PlanEdit } from '../helpers/plan-mutations';

const workdir = mkdtempSync(join(tmpdir(), 'decision-cache-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const examplePlans = () => examplePlansWith();
const same = (r: AnalysisResult) => ({ access: r.access, findings: r.findings });

async function twice(dir: string, plans = examplePlans()) {
  const cold = DecisionCache.open(dir);
  const first = await analyzePlans(plans, [], { cache: cold });
  cold.save();
  const second = await analyzePlans(plans, [], { cache: DecisionCache.open(dir) });
  return { first, second };
}

test('a warm run answers from the cache and gives the cold result exactly', async () => {
  const dir = mkdtempSync(join(workdir, 'decisions-'));
  const { first, second } = await twice(dir);
  const uncached = await analyzePlans(examplePlans());
  expect(same(first)).toEqual(same(uncached));
  expect(same(second)).toEqual(same(uncached));
  expect(first.statistics.cachedDecisions).toBe(0);
  expect(second.statistics.cachedDecisions).toBeGreaterThan(50);
  // What is left are the bucket probes, which are few and not cached.
  expect(second.statistics.simulations).toBeLessThan(first.statistics.simulations / 10);
  expect(readdirSync(dir)).toEqual([expect.stringMatching(/^decisions-[0-9a-f]{16}\.json$/)]);
});

test('a permission set the simulator refuses is not trusted from a warm cache either', async () => {
  const dir = mkdtempSync(join(workdir, 'decisions-'));
  const edit = new PlanEdit('prod')
    .membership('mina', ['codepipeline-access-self-service', 'helprr-backend-developer-group'])
    .policy('broken', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Perhaps', Action: 'codepipeline:GetPipeline', Resource: '*' }],
    })
    .attachToUser('mina', 'broken');
  const plans = examplePlansWith([edit]);
  const { first, second } = await twice(dir, plans);
  const mina = (r: AnalysisResult) => r.access.find((a) => a.environment === 'prod')?.principals['user/mina'];
  expect(mina(first)?.allowed).toEqual({});
  expect(mina(second)?.allowed).toEqual({});
  expect(same(second)).toEqual(same(first));
});

test("a damaged file is ignored and replaced; another version's file is removed", async () => {
  const dir = mkdtempSync(join(workdir, 'decisions-'));
  const cache = DecisionCache.open(dir);
  await analyzePlans(examplePlans(), [], { cache });
  cache.save();
  const [file] = readdirSync(dir);
  writeFileSync(join(dir, file), '{"format": 1, "decisions": {"x": ');
  writeFileSync(join(dir, 'decisions-0000000000000000.json'), '{}');
  const damaged = DecisionCache.open(dir);
  const result = await analyzePlans(examplePlans(), [], { cache: damaged });
  expect(result.statistics.cachedDecisions).toBe(0);
  expect(same(result)).toEqual(same(await analyzePlans(examplePlans())));
  damaged.save();
  expect(readdirSync(dir)).toEqual([file]);
  expect(() => JSON.parse(readFileSync(join(dir, file), 'utf8'))).not.toThrow();
});

test('a cache that cannot be written warns on standard error and does not fail', async () => {
  const parent = mkdtempSync(join(workdir, 'decisions-'));
  const blocked = join(parent, 'not-a-directory');
  writeFileSync(blocked, 'a file where the cache directory would be');
  const cache = DecisionCache.open(blocked);
  await analyzePlans(examplePlans(), [], { cache });
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((message: string) => errors.push(message));
  try {
    expect(() => cache.saveOrWarn()).not.toThrow();
  } finally {
    spy.mockRestore();
  }
  expect(errors).toEqual([expect.stringMatching(/^note: could not keep the analysis decisions in .*not-a-directory/)]);
});

test("a role's trust policy changed since the last run is evaluated again, not answered from the cache", async () => {
  const dir = mkdtempSync(join(workdir, 'decisions-'));
  const before = DecisionCache.open(dir);
  await analyzePlans(examplePlans(), [], { cache: before });
  before.save();
  // The same role ARN, now trusting its account without asking for MFA.
  const edit = new PlanEdit('prod').setDocument('aws_iam_role.CrossAccountPipelineViewers', 'assume_role_policy', {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustAccount',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
      },
    ],
  });
  const plans = examplePlansWith([edit]);
  const warm = await analyzePlans(plans, [], { cache: DecisionCache.open(dir) });
  const edge = warm.access.find((a) => a.environment === 'prod')?.assumeRole.CrossAccountPipelineViewers;
  expect(edge?.['arn:aws:iam::111111111111:user/ana']).toEqual([{}]);
  expect(same(warm)).toEqual(same(await analyzePlans(plans)));
});
