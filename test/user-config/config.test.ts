/**
 * Your config, config/access.yaml: it validates, and `npm run plan` plans every environment of it (the global setup
 * ran the real plan CLI on it). test/user-config holds the only tests that read your files; they pass for any valid
 * config whose committed access files and cases are current.
 */
import { readPlan, USER_FIXTURE } from '../helpers/plans';
import { loadUserConfig, userPlanRun } from '../helpers/user-config';

test('config/access.yaml validates', async () => {
  const { model } = await loadUserConfig();
  expect(model.environments.length).toBeGreaterThan(0);
});

test('npm run plan plans every environment of config/access.yaml', async () => {
  const { model } = await loadUserConfig();
  userPlanRun();
  // Every environment has a plan file, and it creates something (at least the account password policy).
  for (const { name } of model.environments)
    expect([name, readPlan(USER_FIXTURE.name, name).addresses().length > 0]).toEqual([name, true]);
});
