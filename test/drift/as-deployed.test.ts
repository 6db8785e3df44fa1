/**
 * The class test of drift: every planned fixture's every account, dumped as a deploy of its plan leaves it
 * (src/fixtures/generate-dump.ts: the users, groups, roles, policies, boundaries, tags and bucket policies the plan
 * creates, and the roles Identity Center provisions for its assignments), has no drift of any kind. What one
 * feature adds to a plan (a team role, a trail bucket, a boundary, a permission set) and drift reads differently
 * from the plan shows here as a finding, whichever feature it is.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { findDrift } from '../../src/drift/find-drift';
import { generateDump } from '../../src/fixtures/generate-dump';
import { loadActionCatalog } from '../../src/iam/action-catalog';
import { readAccountDump } from '../../src/live/account-dump';
import { readLiveEnvironment } from '../../src/live/live-environment';
import { fixturePlansDir, PLAN_FIXTURES, readPlan } from '../helpers/plans';

const workdir = mkdtempSync(join(tmpdir(), 'as-deployed-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const environmentsOf = (fixture: string) =>
  readdirSync(fixturePlansDir(fixture))
    .filter((f) => f.endsWith('.plan.json'))
    .map((f) => f.slice(0, -'.plan.json'.length))
    .sort();

// The generated 'large' fixture is the benchmark's shape, not a feature of its own; it would only take time here.
const FIXTURES = PLAN_FIXTURES.map((f) => f.name).filter((name) => name !== 'large');

test.each(FIXTURES)('%s: each account as its plan deploys it has no drift', async (fixture) => {
  const environments = environmentsOf(fixture);
  expect(environments.length).toBeGreaterThan(0);
  const planned = AccessAnalysis.fromPlans(environments.map((name) => ({ name, plan: readPlan(fixture, name) })));
  const catalog = await loadActionCatalog();
  const found: Record<string, unknown> = {};
  for (const environment of environments) {
    const env = planned.environment(environment);
    const managed = [...env.policies.values()].filter((p) => p.address.startsWith('aws_iam_policy.'));
    const files = generateDump(env, { policies: managed.length + 1, fullAccessUsers: 0, pageSize: 25 });
    const dumpDir = mkdtempSync(join(workdir, `${fixture}-${environment}-`));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dumpDir, name), text);
    const dump = readAccountDump(dumpDir, { accountId: env.accountId, environment });
    const live = readLiveEnvironment(dump, env);
    const result = await findDrift({ planned, environment, live, catalog });
    const { liveOnly, missingLive, unmanaged, attributes } = result;
    if ([liveOnly, missingLive, unmanaged, attributes].some((list) => list.length > 0))
      found[environment] = { liveOnly, missingLive, unmanaged, attributes };
  }
  expect(found).toEqual({});
});
