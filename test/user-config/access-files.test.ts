/**
 * tfplans/<env>.access.json is committed with your config, so a change in who can do what shows in the pull
 * request's diff. Each must be exactly what `npm run plan` writes for the current config, and none may be left of
 * an environment the config no longer has. Stale? Run `npm run plan` and commit tfplans/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessFileName } from '../../src/analysis/plan-files';
import { COMMITTED_PLANS_DIR } from '../helpers/fixture-files';
import { fixturePlansDir, USER_FIXTURE } from '../helpers/plans';
import { loadUserConfig, userPlanRun } from '../helpers/user-config';

const stale = (file: string) => `tfplans/${file} is stale: run npm run plan and commit tfplans/`;
const read = (dir: string, file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');

test('the committed tfplans/<env>.access.json are exactly what the plans of config/access.yaml give', async () => {
  const { model } = await loadUserConfig();
  userPlanRun();
  const planned = fixturePlansDir(USER_FIXTURE.name);
  const files = model.environments.map(({ name }) => accessFileName(name));
  for (const file of files) expect([file, existsSync(join(planned, file))]).toEqual([file, true]);
  const problems = files.filter((file) => read(COMMITTED_PLANS_DIR, file) !== read(planned, file)).map(stale);
  if (problems.length > 0) throw new Error(problems.join('\n'));
});

test('no committed access file names an environment config/access.yaml no longer has', async () => {
  const { model } = await loadUserConfig();
  const current = new Set(model.environments.map(({ name }) => accessFileName(name)));
  const committed = existsSync(COMMITTED_PLANS_DIR) ? readdirSync(COMMITTED_PLANS_DIR) : [];
  const left = committed.filter((file) => file.endsWith('.access.json') && !current.has(file));
  if (left.length > 0) throw new Error(left.map(stale).join('\n'));
});
