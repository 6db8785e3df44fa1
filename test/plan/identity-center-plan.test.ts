/**
 * The seed scenario delivered through IAM Identity Center (config/examples/identity-center.yaml), read from its real
 * plans: the exact resources of the administering environment, the inline policies as Terraform sends them, the
 * assignments per account, and no IAM user or group anywhere for people delivered through Identity Center only.
 */
import type { PlanView } from '../../src/plan/plan-json';
import { readPlan } from '../helpers/plans';

const FIXTURE = 'identity-center';
let identity: PlanView;
beforeAll(() => {
  identity = readPlan(FIXTURE, 'identity');
});

const INSTANCE = 'arn:aws:sso:::instance/ssoins-722334556677abcd';
const STORE = 'd-9067642ac7';

test('the administering environment plans exactly the Identity Center resources (and its password policy)', () => {
  expect(identity.addresses()).toEqual([
    'aws_iam_account_password_policy.account',
    'aws_identitystore_group.helprr-backend-developer__dev',
    'aws_identitystore_group.helprr-backend-developer__prod',
    'aws_identitystore_group.pipeline-viewers__dev',
    'aws_identitystore_group.release-approvers__prod',
    'aws_identitystore_group_membership.helprr-backend-developer__dev__ana',
    'aws_identitystore_group_membership.helprr-backend-developer__prod__jin',
    'aws_identitystore_group_membership.pipeline-viewers__dev__ana',
    'aws_identitystore_group_membership.release-approvers__prod__mina',
    'aws_identitystore_user.ana',
    'aws_identitystore_user.jin',
    'aws_identitystore_user.mina',
    'aws_ssoadmin_account_assignment.helprr-backend-developer__dev__to__dev',
    'aws_ssoadmin_account_assignment.helprr-backend-developer__prod__to__prod',
    'aws_ssoadmin_account_assignment.pipeline-viewers__dev__to__dev',
    'aws_ssoadmin_account_assignment.release-approvers__prod__to__prod',
    'aws_ssoadmin_permission_set.helprr-backend-developer',
    'aws_ssoadmin_permission_set.pipeline-viewers',
    'aws_ssoadmin_permission_set.release-approvers',
    'aws_ssoadmin_permission_set_inline_policy.helprr-backend-developer',
    'aws_ssoadmin_permission_set_inline_policy.pipeline-viewers',
    'aws_ssoadmin_permission_set_inline_policy.release-approvers',
  ]);
  for (const address of identity.addresses()) expect(identity.change(address).change.actions).toEqual(['create']);
});

test('people delivered through Identity Center only get no IAM user, group or login profile in any account', () => {
  for (const env of ['identity', 'dev', 'prod']) {
    const plan = readPlan(FIXTURE, env);
    for (const type of ['aws_iam_user', 'aws_iam_group', 'aws_iam_user_login_profile', 'aws_iam_user_group_membership'])
      expect({ env, type, resources: plan.ofType(type).map((rc) => rc.address) }).toEqual({ env, type, resources: [] });
  }
  // prod keeps what is not about people: the cross-account role, its policy, the bucket policy, the password policy.
  expect(readPlan(FIXTURE, 'prod').addresses()).toEqual([
    'aws_iam_account_password_policy.account',
    'aws_iam_policy.CrossAccountPipelineViewers-policy',
    'aws_iam_role.CrossAccountPipelineViewers',
    'aws_iam_role_policy_attachment.CrossAccountPipelineViewers__CrossAccountPipelineViewers-policy',
    'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890',
  ]);
});

test('one permission set per team, with the session duration and its profile kinds', () => {
  const sets = identity.ofType('aws_ssoadmin_permission_set').map((rc) => rc.change.after);
  expect(sets).toEqual([
    expect.objectContaining({
      name: 'helprr-backend-developer',
      instance_arn: INSTANCE,
      session_duration: 'PT8H',
      tags: { 'codepipeline-access:profile-kinds': 'operator' },
    }),
    expect.objectContaining({
      name: 'pipeline-viewers',
      session_duration: 'PT8H',
      tags: { 'codepipeline-access:profile-kinds': 'viewer' },
    }),
    expect.objectContaining({
      name: 'release-approvers',
      session_duration: 'PT8H',
      tags: { 'codepipeline-access:profile-kinds': 'approver' },
    }),
  ]);
});

const inlinePolicy = (set: string) => {
  const address = `aws_ssoadmin_permission_set_inline_policy.${set}`;
  expect(identity.referencedResource(address, 'permission_set_arn')).toBe(`aws_ssoadmin_permission_set.${set}`);
  return JSON.parse(String(identity.after(address).inline_policy)) as unknown;
};

const VIEW = [
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineExecution',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListDeployActionExecutionTargets',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListRuleExecutions',
  'codepipeline:ListTagsForResource',
];
const LIST = [
  'codepipeline:GetActionType',
  'codepipeline:ListActionTypes',
  'codepipeline:ListPipelines',
  'codepipeline:ListRuleTypes',
];

test("the operator team's inline policy: the statements its IAM policy has, with both accounts' pipelines", () => {
  const pipelines = [
    'arn:aws:codepipeline:us-east-2:111111111111:helprr-backend-dev',
    'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline',
  ];
  expect(inlinePolicy('helprr-backend-developer')).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ViewPipelines', Effect: 'Allow', Action: VIEW, Resource: pipelines },
      { Sid: 'ListForConsole', Effect: 'Allow', Action: LIST, Resource: ['*'] },
      {
        Sid: 'StartStopExecutions',
        Effect: 'Allow',
        Action: ['codepipeline:StartPipelineExecution', 'codepipeline:StopPipelineExecution'],
        Resource: pipelines,
      },
      {
        Sid: 'RetryStages',
        Effect: 'Allow',
        Action: ['codepipeline:RetryStageExecution'],
        Resource: pipelines.map((p) => `${p}/*`),
      },
    ],
  });
});

test("the approvers' inline policy approves MyApprovalAction only", () => {
  expect(inlinePolicy('release-approvers')).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListPipelinesForConsole', Effect: 'Allow', Action: ['codepipeline:ListPipelines'], Resource: ['*'] },
      {
        Sid: 'ReadApprovalPipelines',
        Effect: 'Allow',
        Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineExecution', 'codepipeline:GetPipelineState'],
        Resource: ['arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline'],
      },
      {
        Sid: 'ApproveOrReject',
        Effect: 'Allow',
        Action: ['codepipeline:PutApprovalResult'],
        Resource: ['arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline/MyApprovalStage/MyApprovalAction'],
      },
    ],
  });
});

test("the pipeline viewers' inline policy views dev and may assume prod's viewer role (the IAM group's packed grant)", () => {
  expect(inlinePolicy('pipeline-viewers')).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ViewPipelines',
        Effect: 'Allow',
        Action: VIEW,
        Resource: ['arn:aws:codepipeline:us-east-2:111111111111:*'],
      },
      { Sid: 'ListForConsole', Effect: 'Allow', Action: LIST, Resource: ['*'] },
      {
        Sid: 'AssumeCrossAccountRole',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: ['arn:aws:iam::111222333444:role/CrossAccountPipelineViewers'],
      },
    ],
  });
});

test('assignments: per group, permission set and account, each provisioned after its inline policy', () => {
  const assignments = identity.ofType('aws_ssoadmin_account_assignment').map((rc) => ({
    address: rc.address,
    target: rc.change.after?.target_id,
    type: [rc.change.after?.principal_type, rc.change.after?.target_type],
    permissionSet: identity.referencedResource(rc.address, 'permission_set_arn'),
    group: identity.referencedResource(rc.address, 'principal_id'),
  }));
  const group = (key: string) => `aws_identitystore_group.${key}`;
  const set = (name: string) => `aws_ssoadmin_permission_set.${name}`;
  const type = ['GROUP', 'AWS_ACCOUNT'];
  expect(assignments).toEqual([
    {
      address: 'aws_ssoadmin_account_assignment.helprr-backend-developer__dev__to__dev',
      target: '111111111111',
      type,
      permissionSet: set('helprr-backend-developer'),
      group: group('helprr-backend-developer__dev'),
    },
    {
      address: 'aws_ssoadmin_account_assignment.helprr-backend-developer__prod__to__prod',
      target: '111222333444',
      type,
      permissionSet: set('helprr-backend-developer'),
      group: group('helprr-backend-developer__prod'),
    },
    {
      address: 'aws_ssoadmin_account_assignment.pipeline-viewers__dev__to__dev',
      target: '111111111111',
      type,
      permissionSet: set('pipeline-viewers'),
      group: group('pipeline-viewers__dev'),
    },
    {
      address: 'aws_ssoadmin_account_assignment.release-approvers__prod__to__prod',
      target: '111222333444',
      type,
      permissionSet: set('release-approvers'),
      group: group('release-approvers__prod'),
    },
  ]);
  const config = identity.plan.configuration.root_module.resources ?? [];
  const dependsOn = (address: string) =>
    (config.find((r) => r.address === address) as { depends_on?: string[] } | undefined)?.depends_on;
  expect(dependsOn('aws_ssoadmin_account_assignment.release-approvers__prod__to__prod')).toEqual([
    'aws_ssoadmin_permission_set_inline_policy.release-approvers',
  ]);
});

test('groups by the environments their members are in: jin (prod) and ana (dev) are in different backend groups', () => {
  const groups = identity.ofType('aws_identitystore_group').map((rc) => [rc.address, rc.change.after?.display_name]);
  expect(groups).toEqual([
    ['aws_identitystore_group.helprr-backend-developer__dev', 'helprr-backend-developer-group (dev)'],
    ['aws_identitystore_group.helprr-backend-developer__prod', 'helprr-backend-developer-group (prod)'],
    ['aws_identitystore_group.pipeline-viewers__dev', 'pipeline-viewers'],
    ['aws_identitystore_group.release-approvers__prod', 'release-approvers'],
  ]);
  const memberships = identity
    .ofType('aws_identitystore_group_membership')
    .map((rc) => [
      identity.referencedResource(rc.address, 'group_id'),
      identity.referencedResource(rc.address, 'member_id'),
      rc.change.after?.identity_store_id,
    ]);
  expect(memberships).toEqual([
    ['aws_identitystore_group.helprr-backend-developer__dev', 'aws_identitystore_user.ana', STORE],
    ['aws_identitystore_group.helprr-backend-developer__prod', 'aws_identitystore_user.jin', STORE],
    ['aws_identitystore_group.pipeline-viewers__dev', 'aws_identitystore_user.ana', STORE],
    ['aws_identitystore_group.release-approvers__prod', 'aws_identitystore_user.mina', STORE],
  ]);
});

test('Identity Center users carry what the config says of each person', () => {
  expect(identity.after('aws_identitystore_user.jin')).toMatchObject({
    identity_store_id: STORE,
    user_name: 'jin@helprr.example',
    display_name: 'Jin Park',
    name: [expect.objectContaining({ given_name: 'Jin', family_name: 'Park' })],
    emails: [expect.objectContaining({ value: 'jin@helprr.example', primary: true })],
  });
});

test('hand-over outputs: the access portal, and per person the accounts and permission sets', () => {
  const outputs = (identity.plan as unknown as { planned_values: { outputs: Record<string, { value: unknown }> } })
    .planned_values.outputs;
  expect(outputs.access_portal_url.value).toBe('https://d-9067642ac7.awsapps.com/start');
  expect(outputs.identity_center_access.value).toEqual({
    ana: [
      { environment: 'dev', account_id: '111111111111', permission_set: 'helprr-backend-developer' },
      { environment: 'dev', account_id: '111111111111', permission_set: 'pipeline-viewers' },
    ],
    jin: [{ environment: 'prod', account_id: '111222333444', permission_set: 'helprr-backend-developer' }],
    mina: [{ environment: 'prod', account_id: '111222333444', permission_set: 'release-approvers' }],
  });
});
