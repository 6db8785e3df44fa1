/**
 * Who can do what through IAM Identity Center, on the real plans of config/examples/identity-center.yaml: the seed
 * documents' expectations hold for the roles Identity Center provisions (jin's operator role, mina's approver
 * role, ana's viewer role), who may take each role, and what an Identity Center session can never carry.
 */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import type { AnalysisResult } from '../../src/analysis/analyze';
import { identityCenterNames } from '../../src/iam/arns';
import { analyzeFocused } from '../helpers/focused';
import { IDENTITY_CENTER_EXAMPLE_FILE } from '../helpers/fixture-files';
import '../helpers/access-matchers';
import { seed002OperatorTests } from '../helpers/seed-operator';

const PROD = { accountId: '111222333444', region: 'us-east-2' };
const DEV = { accountId: '111111111111', region: 'us-east-2' };
const role = (env: typeof PROD, permissionSet: string) => identityCenterNames.roleArn(env, 'us-east-2', permissionSet);
const JIN = role(PROD, 'helprr-backend-developer');
const MINA = role(PROD, 'release-approvers');
const ANA_VIEWER = role(DEV, 'pipeline-viewers');
const ANA_DEVELOPER = role(DEV, 'helprr-backend-developer');
const cp = (resource: string) => `arn:aws:codepipeline:us-east-2:${PROD.accountId}:${resource}`;
const PIPELINE = cp('MyFirstPipeline');
const VIEWER_ROLE = `arn:aws:iam::${PROD.accountId}:role/CrossAccountPipelineViewers`;

let result: AnalysisResult;
let access: AccessAnalysis;
beforeAll(async () => {
  result = await analyzeFocused('identity-center', undefined, IDENTITY_CENTER_EXAMPLE_FILE);
  access = result.analysis;
});
const environment = (name: string) => result.access.find((a) => a.environment === name);

test('the role Identity Center provisions is named as AWS names it, with the unknown suffix said so', () => {
  expect(JIN).toBe(
    'arn:aws:iam::111222333444:role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_helprr-backend-developer_(suffix-set-at-provisioning)',
  );
  expect(Object.keys(environment('prod')?.principals ?? {}).sort()).toEqual([
    'role/CrossAccountPipelineViewers',
    'role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_helprr-backend-developer_(suffix-set-at-provisioning)',
    'role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_release-approvers_(suffix-set-at-provisioning)',
  ]);
});

describe("seed 002 through Identity Center: jin's operator role", () => {
  seed002OperatorTests(() => access, JIN, PIPELINE);

  test('only jin may take it in prod, by signing in to the access portal', () => {
    expect(environment('prod')?.assumeRole[identityCenterNames.roleName('helprr-backend-developer')]).toEqual({
      'identity-center user jin@helprr.example': [{}],
    });
  });
});

describe("seed 000 through Identity Center: mina's approver role", () => {
  test('may approve or reject MyApprovalAction, and nothing else', async () => {
    await expect(access).toAllow(
      MINA,
      'codepipeline:PutApprovalResult',
      `${PIPELINE}/MyApprovalStage/MyApprovalAction`,
    );
    await expect(access).toDeny(MINA, 'codepipeline:PutApprovalResult', `${PIPELINE}/MyApprovalStage/OtherAction`);
    await expect(access).toDeny(MINA, 'codepipeline:StartPipelineExecution', PIPELINE);
    await expect(access).toAllow(MINA, 'codepipeline:ListPipelines', '*');
  });
});

describe("seed 001 through Identity Center: dev's pipeline viewers", () => {
  test("ana's viewer role may assume CrossAccountPipelineViewers in every context its sessions can have", async () => {
    const edges = environment('prod')?.assumeRole.CrossAccountPipelineViewers ?? {};
    expect(edges[ANA_VIEWER]).toEqual([{}]);
    // A role of the same account that is not the team's has no sts:AssumeRole grant.
    expect(edges[ANA_DEVELOPER]).toEqual([]);
    await expect(access).toAllow(ANA_VIEWER, 'sts:AssumeRole', VIEWER_ROLE);
  });

  test('the role it assumes views MyFirstPipeline and changes nothing', async () => {
    await expect(access).toAllow(VIEWER_ROLE, 'codepipeline:GetPipeline', PIPELINE);
    await expect(access).toDeny(VIEWER_ROLE, 'codepipeline:StartPipelineExecution', PIPELINE);
  });
});

test('a request with MFA present is refused for an Identity Center role: its sessions never carry it', async () => {
  await expect(
    access.evaluate({
      principal: JIN,
      action: 'codepipeline:GetPipeline',
      resource: PIPELINE,
      context: { 'aws:MultiFactorAuthPresent': 'true' },
    }),
  ).rejects.toThrow(/sessions never carry aws:MultiFactorAuthPresent=true/);
});

test('the example has no rule errors and no intent mismatch', () => {
  expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(result.findings.filter((f) => f.ruleId.startsWith('CPA-INT'))).toEqual([]);
});
