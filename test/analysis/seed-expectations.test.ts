/** Every expectation of the seed documents, proven on the real plans of the example config. */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import { analyzeExample } from '../helpers/plan-mutations';
import '../helpers/access-matchers';
import { seed002OperatorTests } from '../helpers/seed-operator';

const PROD = '111222333444';
const cp = (resource: string) => `arn:aws:codepipeline:us-east-2:${PROD}:${resource}`;
const PIPELINE = cp('MyFirstPipeline');
const JIN = `arn:aws:iam::${PROD}:user/jin`;
const MINA = `arn:aws:iam::${PROD}:user/mina`;
const ROLE = `arn:aws:iam::${PROD}:role/CrossAccountPipelineViewers`;
const ANA = 'arn:aws:iam::111111111111:user/ana';
const BUCKET_OBJECT = 'arn:aws:s3:::codepipeline-us-east-2-1234567890/MyFirstPipeline/SourceArti/abc.zip';

let access: AccessAnalysis;
beforeAll(async () => {
  access = (await analyzeExample()).analysis;
});

describe('seed 002: jin, a backend developer (operator)', () => {
  seed002OperatorTests(() => access, JIN, PIPELINE);

  test('can change his own password at first sign-in, and nobody else’s', async () => {
    await expect(access).toAllow(JIN, 'iam:ChangePassword', `arn:aws:iam::${PROD}:user/jin`);
    await expect(access).toAllow(JIN, 'iam:GetAccountPasswordPolicy', '*');
    await expect(access).toDeny(JIN, 'iam:ChangePassword', `arn:aws:iam::${PROD}:user/sam`);
  });
});

describe('seed 000: the approver', () => {
  test('may approve or reject MyApprovalAction', async () => {
    await expect(access).toAllow(
      MINA,
      'codepipeline:PutApprovalResult',
      `${PIPELINE}/MyApprovalStage/MyApprovalAction`,
    );
  });

  test.each([
    `${PIPELINE}/MyApprovalStage/OtherAction`,
    `${PIPELINE}/OtherStage/MyApprovalAction`,
    cp('OtherPipeline/MyApprovalStage/MyApprovalAction'),
    'arn:aws:codepipeline:us-east-2:222222222222:helprr-backend-staging/Release/ReleaseApproval',
  ])('may not approve %s', async (resource) => {
    await expect(access).toDeny(MINA, 'codepipeline:PutApprovalResult', resource);
  });

  test('can find the approval: ListPipelines on *, reads on MyFirstPipeline only', async () => {
    await expect(access).toAllow(MINA, 'codepipeline:ListPipelines', '*');
    await expect(access).toAllow(MINA, 'codepipeline:GetPipelineState', PIPELINE);
    await expect(access).toDeny(MINA, 'codepipeline:GetPipelineState', cp('OtherPipeline'));
  });
});

describe('seed 001: the cross-account viewer role', () => {
  test('can be assumed from 111111111111 (with MFA)', async () => {
    await expect(access).toAllow(ANA, 'sts:AssumeRole', ROLE, { 'aws:MultiFactorAuthPresent': 'true' });
  });

  test('cannot be assumed from any other account, whatever that account allows', async () => {
    for (const other of [
      'arn:aws:iam::999999999999:root',
      'arn:aws:iam::222222222222:user/jin',
      'arn:aws:iam::123456789012:role/Admin',
    ]) {
      await expect(access).toDeny(other, 'sts:AssumeRole', ROLE, { 'aws:MultiFactorAuthPresent': 'true' });
    }
  });

  test('can read MyFirstPipeline but not start, stop or change it', async () => {
    await expect(access).toAllow(ROLE, 'codepipeline:GetPipeline', PIPELINE);
    await expect(access).toAllow(ROLE, 'codepipeline:ListPipelineExecutions', PIPELINE);
    for (const action of [
      'codepipeline:StartPipelineExecution',
      'codepipeline:StopPipelineExecution',
      'codepipeline:UpdatePipeline',
    ]) {
      await expect(access).toDeny(ROLE, action, PIPELINE);
    }
  });
});

describe('seed 001: the artifact bucket', () => {
  const SAM = `arn:aws:iam::${PROD}:user/sam`;
  test('explicitly denies requests over insecure transport', async () => {
    await expect(access).toExplicitlyDeny(ROLE, 's3:GetObject', BUCKET_OBJECT, { 'aws:SecureTransport': 'false' });
    await expect(access).toExplicitlyDeny(SAM, 's3:ListBucket', 'arn:aws:s3:::codepipeline-us-east-2-1234567890', {
      'aws:SecureTransport': 'false',
    });
  });

  test('explicitly denies uploads that are not SSE-KMS, with or without the header', async () => {
    await expect(access).toExplicitlyDeny(ROLE, 's3:PutObject', BUCKET_OBJECT, {
      's3:x-amz-server-side-encryption': 'AES256',
    });
    await expect(access).toExplicitlyDeny(ROLE, 's3:PutObject', BUCKET_OBJECT);
  });
});

test('a failing matcher shows the decision and the deciding statements', async () => {
  await expect(expect(access).toAllow(JIN, 'codepipeline:UpdatePipeline', PIPELINE)).rejects.toThrow(
    /expected arn:aws:iam::111222333444:user\/jin codepipeline:UpdatePipeline on .*MyFirstPipeline to be allowed, but it was ImplicitlyDenied\n {2}deciding statements: no statement matched/,
  );
  await expect(expect(access).toDeny(JIN, 'codepipeline:StartPipelineExecution', PIPELINE)).rejects.toThrow(
    /to be denied, but it was Allowed\n {2}deciding statements: helprr-backend-developer-policy#StartStopExecutions/,
  );
});
