/**
 * tfplans/<env>.access.json: what the plan CLI writes for a config is exactly the analysis of its plans, small, and
 * names who can do what. Shown on the example fixture, as the plan CLI wrote it for the global setup's run; whether
 * the user's committed files are current is test/user-config's to check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvironmentAccess } from '../../src/analysis/access-matrix';
import { accessFileName } from '../../src/analysis/plan-files';
import { renderAccessMatrix } from '../../src/analysis/report';
import { analyzeExample, EXAMPLE_ENVIRONMENTS } from '../helpers/plan-mutations';
import { fixturePlansDir } from '../helpers/plans';

const written = (env: string) => readFileSync(join(fixturePlansDir('example'), accessFileName(env)), 'utf8');

test.each(EXAMPLE_ENVIRONMENTS)('%s.access.json is the analysis of the plans', async (env) => {
  const { access } = await analyzeExample();
  const environment = access.find((a) => a.environment === env);
  if (!environment) throw new Error(`no access analysed for ${env}`);
  expect(written(env)).toBe(renderEnvironmentAccess(environment));
});

test('the access file is small and names who can do what', () => {
  const prod = JSON.parse(written('prod'));
  expect(prod.principals.map((group: { names: string[] }) => group.names)).toEqual([
    ['user/jin'],
    ['user/mina'],
    ['user/sam'],
    ['user/kai'],
    ['role/CrossAccountPipelineViewers'],
    ['role/release-operators'],
  ]);
  expect(prod.principals[1].allowed['MyFirstPipeline/MyApprovalStage/MyApprovalAction']).toEqual(['PutApprovalResult']);
  expect(prod.assumeRole.CrossAccountPipelineViewers).toEqual([
    { principals: ['arn:aws:iam::111111111111:user/ana'], allowedWhen: [{ 'aws:MultiFactorAuthPresent': 'true' }] },
  ]);
  // kai reaches the release operators' cells through their team role, with MFA; nobody else may assume it.
  expect(prod.principals[3].via).toContain('role/release-operators (MFA)');
  expect(prod.principals[3].conditional.MyFirstPipeline.StartPipelineExecution).toEqual([
    { 'aws:MultiFactorAuthPresent': 'true' },
  ]);
  expect(prod.assumeRole['release-operators']).toEqual([
    {
      principals: [
        'arn:aws:iam::111222333444:user/jin',
        'arn:aws:iam::111222333444:user/mina',
        'arn:aws:iam::111222333444:user/sam',
      ],
      allowedWhen: [],
    },
    { principals: ['arn:aws:iam::111222333444:user/kai'], allowedWhen: [{ 'aws:MultiFactorAuthPresent': 'true' }] },
  ]);
  expect(Buffer.byteLength(written('prod'))).toBeLessThan(16_000);
});

test('the printed access matrix reads per principal and resource', async () => {
  const { access } = await analyzeExample();
  const text = renderAccessMatrix(access);
  expect(text).toContain('== prod (111222333444, us-east-2) ==');
  expect(text).toMatch(
    /user\/mina {2}\(via group\/codepipeline-access-self-service, group\/release-approvers\)\n {2}\* +ListPipelines iam:GetAccountPasswordPolicy\n/,
  );
  expect(text).toMatch(/ {2}MyFirstPipeline\/MyApprovalStage\/MyApprovalAction +PutApprovalResult/);
  expect(text).toContain(
    'assume role/CrossAccountPipelineViewers from arn:aws:iam::111111111111:user/ana: only with aws:MultiFactorAuthPresent=true',
  );
  expect(text).toContain(
    '  s3:PutObject by a principal of 111222333444 whose own policies allow s3:*: only with aws:SecureTransport=true and s3:x-amz-server-side-encryption=aws:kms',
  );
});
