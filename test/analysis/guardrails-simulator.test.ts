/**
 * The simulator with guardrails: SCPs, RCPs and permissions boundaries passed through simulate() and
 * decideUnchecked(), each decision with the layer that decided it, and decideUnchecked agreeing with simulate().
 */
import type { PolicyJson } from '../../src/analysis/plan-principals';
import {
  decideUnchecked,
  simulate,
  type NamedPolicy,
  type SimulationOutcome,
  type SimulationRequest,
} from '../../src/analysis/simulator';

const ACCOUNT = '111222333444';
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/ana`;
const PIPELINE = `arn:aws:codepipeline:us-east-2:${ACCOUNT}:app`;
const OBJECT = 'arn:aws:s3:::codepipeline-us-east-2-1234567890/app/artifact.zip';

const doc = (...Statement: PolicyJson['Statement'][]): PolicyJson => ({
  Version: '2012-10-17',
  Statement: Statement.flat(),
});
const ADMIN_POLICY: NamedPolicy = {
  name: 'admins-admin',
  document: doc({ Effect: 'Allow', Action: ['codepipeline:*', 's3:GetObject'], Resource: '*' }),
};
const FULL_AWS_ACCESS: NamedPolicy = {
  name: 'FullAWSAccess',
  document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
};
const DENY_DELETION: NamedPolicy = {
  name: 'DenyPipelineDeletion',
  document: doc({ Sid: 'NoDelete', Effect: 'Deny', Action: 'codepipeline:DeletePipeline', Resource: '*' }),
};
const APPROVALS_NEED_MFA: NamedPolicy = {
  name: 'ApprovalsNeedMfa',
  document: doc({
    Effect: 'Deny',
    Action: 'codepipeline:PutApprovalResult',
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  }),
};
const ENFORCE_TLS: NamedPolicy = {
  name: 'EnforceTls',
  document: doc({
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
  }),
};
const READ_ONLY_BOUNDARY: NamedPolicy = {
  name: 'codepipeline-boundary',
  document: doc({ Effect: 'Allow', Action: ['codepipeline:Get*', 'codepipeline:List*'], Resource: '*' }),
};

const request = (overrides: Partial<SimulationRequest>): SimulationRequest => ({
  principalArn: ADMIN,
  action: 'codepipeline:DeletePipeline',
  resourceArn: PIPELINE,
  resourceAccountId: ACCOUNT,
  identityPolicies: [ADMIN_POLICY],
  ...overrides,
});

/** simulate()'s outcome, after checking that decideUnchecked() decides the same. */
async function decide(r: SimulationRequest): Promise<SimulationOutcome> {
  const outcome = await simulate(r);
  expect(outcome.error).toBeUndefined();
  expect(decideUnchecked(r)).toBe(outcome.decision);
  return outcome;
}

describe('service control policies', () => {
  const scps = [FULL_AWS_ACCESS, DENY_DELETION, APPROVALS_NEED_MFA];

  test('GIVEN an SCP denying DeletePipeline WHEN an admin deletes THEN ExplicitlyDenied, decided by that SCP', async () => {
    // GIVEN an admin allowed codepipeline:* (the boundary of control: without the SCP it is allowed)
    expect((await decide(request({}))).decision).toBe('Allowed');
    // WHEN the SCPs of the account apply
    const outcome = await decide(request({ serviceControlPolicies: scps }));
    // THEN the SCP decides, and its statement is named
    expect(outcome).toMatchObject({ decision: 'ExplicitlyDenied', decidedBy: 'scp:DenyPipelineDeletion' });
    expect(outcome.decidingStatements).toContain('scp:DenyPipelineDeletion#NoDelete');
  });

  test('GIVEN an SCP denying approvals without MFA THEN the MFA context decides', async () => {
    const approve = (context: Record<string, string>) =>
      decide(
        request({
          action: 'codepipeline:PutApprovalResult',
          resourceArn: `${PIPELINE}/Release/Approve`,
          serviceControlPolicies: scps,
          context,
        }),
      );
    const withMfa = await approve({ 'aws:MultiFactorAuthPresent': 'true' });
    expect(withMfa.decision).toBe('Allowed');
    expect(withMfa).not.toHaveProperty('decidedBy');
    expect(await approve({ 'aws:MultiFactorAuthPresent': 'false' })).toMatchObject({
      decision: 'ExplicitlyDenied',
      decidedBy: 'scp:ApprovalsNeedMfa',
    });
    // BoolIfExists: a request without the key (long-term access keys) is denied too
    expect((await approve({})).decidedBy).toBe('scp:ApprovalsNeedMfa');
  });

  test('GIVEN SCPs that allow nothing for the action THEN ImplicitlyDenied by the service control policies', async () => {
    const onlyS3 = { name: 'OnlyS3', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) };
    expect(
      await decide(request({ action: 'codepipeline:GetPipeline', serviceControlPolicies: [onlyS3] })),
    ).toMatchObject({ decision: 'ImplicitlyDenied', decidedBy: 'service control policies' });
  });

  test('GIVEN a service-linked role THEN SCPs do not apply to it', async () => {
    const serviceLinked = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/codepipeline.amazonaws.com/AWSServiceRoleForX`;
    const outcome = await decide(request({ principalArn: serviceLinked, serviceControlPolicies: scps }));
    expect(outcome.decision).toBe('Allowed');
  });
});

describe('resource control policies', () => {
  const getObject = (context: Record<string, string>, rcps = [ENFORCE_TLS]) =>
    decide(
      request({
        action: 's3:GetObject',
        resourceArn: OBJECT,
        resourceControlPolicies: rcps,
        context,
      }),
    );

  test('GIVEN an RCP denying S3 without TLS WHEN GetObject over HTTP THEN ExplicitlyDenied by the RCP', async () => {
    expect(await getObject({ 'aws:SecureTransport': 'false' })).toMatchObject({
      decision: 'ExplicitlyDenied',
      decidedBy: 'rcp:EnforceTls',
    });
    const overTls = await getObject({ 'aws:SecureTransport': 'true' });
    expect(overTls.decision).toBe('Allowed');
    expect(overTls).not.toHaveProperty('decidedBy');
  });

  test('GIVEN an RCP on every action WHEN the action is of a service RCPs do not support THEN it does not apply', async () => {
    const denyAll = {
      name: 'DenyAll',
      document: doc({ Effect: 'Deny', Principal: '*', Action: ['codepipeline:*', 's3:*'], Resource: '*' }),
    };
    // CodePipeline is not among the services RCPs apply to; S3 is.
    expect(
      (await decide(request({ action: 'codepipeline:GetPipeline', resourceControlPolicies: [denyAll] }))).decision,
    ).toBe('Allowed');
    expect(await getObject({ 'aws:SecureTransport': 'true' }, [denyAll])).toMatchObject({
      decision: 'ExplicitlyDenied',
      decidedBy: 'rcp:DenyAll',
    });
  });
});

describe('permissions boundaries', () => {
  test('GIVEN a boundary that does not allow the action THEN ImplicitlyDenied by the permissions boundary', async () => {
    const outcome = await decide(request({ permissionsBoundaries: [READ_ONLY_BOUNDARY] }));
    expect(outcome).toMatchObject({ decision: 'ImplicitlyDenied', decidedBy: 'permissions boundary' });
  });

  test('GIVEN a boundary that allows the action THEN the identity policy grants it', async () => {
    const outcome = await decide(
      request({ action: 'codepipeline:GetPipeline', permissionsBoundaries: [READ_ONLY_BOUNDARY] }),
    );
    expect(outcome).toMatchObject({ decision: 'Allowed', decidingStatements: ['admins-admin#1'] });
  });

  test('GIVEN no identity allow THEN the identity policy decided, whatever the guardrails', async () => {
    const outcome = await decide(
      request({
        identityPolicies: [],
        serviceControlPolicies: [FULL_AWS_ACCESS],
        permissionsBoundaries: [READ_ONLY_BOUNDARY],
      }),
    );
    expect(outcome).toMatchObject({ decision: 'ImplicitlyDenied', decidedBy: 'identity policy' });
  });

  test('GIVEN an explicit deny in the identity policy and none elsewhere THEN the identity policy decided', async () => {
    const deny = { name: 'deny', document: doc({ Effect: 'Deny', Action: 'codepipeline:*', Resource: '*' }) };
    const outcome = await decide(request({ identityPolicies: [ADMIN_POLICY, deny] }));
    expect(outcome).toMatchObject({ decision: 'ExplicitlyDenied', decidedBy: 'identity policy' });
  });
});
