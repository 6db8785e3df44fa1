/**
 * tfplans/<env>.access.json is committed with the config. It must be what the current config's plans give, so any
 * change in who can do what shows in the pull request's diff. Stale? Run `npm run plan` and commit the files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvironmentAccess } from '../../src/analysis/access-matrix';
import { accessFileName } from '../../src/analysis/plan-files';
import { renderAccessMatrix } from '../../src/analysis/report';
import { PROJECT_ROOT } from '../helpers/cli';
import { analyzeExample } from '../helpers/plan-mutations';
import { fixturePlansDir } from '../helpers/plans';

test.each(['dev', 'staging', 'prod'])('tfplans/%s.access.json is up to date with config/access.yaml', async (env) => {
  const { access } = await analyzeExample();
  const fresh = renderEnvironmentAccess(access.find((a) => a.environment === env) ?? access[0]);
  const committed = readFileSync(join(PROJECT_ROOT, 'tfplans', accessFileName(env)), 'utf8');
  if (committed !== fresh) throw new Error(`tfplans/${accessFileName(env)} is stale: run npm run plan and commit it`);
  // The plan CLI itself wrote the same file for the fixture run.
  expect(readFileSync(join(fixturePlansDir('example'), accessFileName(env)), 'utf8')).toBe(fresh);
});

test('the committed access is small and names who can do what', () => {
  const prod = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tfplans', 'prod.access.json'), 'utf8'));
  expect(Object.keys(prod.principals)).toEqual([
    'user/jin',
    'user/mina',
    'user/sam',
    'role/CrossAccountPipelineViewers',
  ]);
  expect(prod.principals['user/mina'].allowed['MyFirstPipeline/MyApprovalStage/MyApprovalAction']).toEqual([
    'PutApprovalResult',
  ]);
  expect(prod.assumeRole.CrossAccountPipelineViewers['arn:aws:iam::111111111111:user/ana']).toEqual({
    withMfa: 'Allowed',
    withoutMfa: 'ImplicitlyDenied',
  });
  expect(readFileSync(join(PROJECT_ROOT, 'tfplans', 'prod.access.json')).length).toBeLessThan(10_000);
});

test('the printed access matrix reads per principal and resource', async () => {
  const { access } = await analyzeExample();
  const text = renderAccessMatrix(access);
  expect(text).toContain('== prod (111222333444, us-east-2) ==');
  expect(text).toMatch(
    /user\/mina {2}\(via group\/codepipeline-access-self-service, group\/release-approvers\)\n {2}\* +ListPipelines\n/,
  );
  expect(text).toMatch(/ {2}MyFirstPipeline\/MyApprovalStage\/MyApprovalAction +PutApprovalResult/);
  expect(text).toContain(
    'assume role/CrossAccountPipelineViewers from arn:aws:iam::111111111111:user/ana: with MFA Allowed, without MFA ImplicitlyDenied',
  );
  expect(text).toMatch(/ {2}PutObject over HTTPS without encryption header +ExplicitlyDenied/);
});
