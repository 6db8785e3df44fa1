/** Small configs, one feature each: what the example does not exercise. */
import {
  addresses,
  managedPolicy,
  parsePolicy,
  resource,
  statement,
  synthConfigText,
  synthConfigTextWithWarnings,
} from '../helpers/synth';

const ENV = `
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    pipelines:
      - { name: api, tags: { team: backend } }
      - { name: web, tags: { team: frontend } }
      - { name: batch, tags: { team: backend, tier: low } }
`;
const P = (name: string) => `arn:aws:codepipeline:us-east-2:111222333444:${name}`;

const HOOKS_ENV = `
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    actionTypes: [{ category: Build, provider: MyTool, version: "1" }]
    pipelines:
      - { name: api, webhooks: [api-github], serviceRoleArn: "arn:aws:iam::111222333444:role/api-service" }
      - { name: web, webhooks: [web-github, web-nightly] }
      - { name: batch, webhooks: [batch-github], serviceRoleArn: "arn:aws:iam::111222333444:role/batch-service" }
`;
const W = (name: string) => `arn:aws:codepipeline:us-east-2:111222333444:webhook:${name}`;
const MY_TOOL = 'arn:aws:codepipeline:us-east-2:111222333444:actiontype:Custom/Build/MyTool/1';

test('a custom profile scopes each action to the resource types the service reference gives it, declared ones only', async () => {
  // GIVEN a custom profile with actions of every resource type, granted on two of three pipelines
  const stacks = await synthConfigText(`version: 1
${HOOKS_ENV}
profiles:
  - name: release-helper
    kind: custom
    actions: [codepipeline:StartPipelineExecution, codepipeline:RetryStageExecution, codepipeline:ListPipelines, codepipeline:ListWebhooks, codepipeline:PollForJobs, codepipeline:PutWebhook, codepipeline:TagResource]
teams: [{ name: helpers, grants: [{ profile: release-helper, pipelines: [api, web] }] }]
people: [{ name: kim, memberships: { prod: [helpers] } }]
`);
  // THEN webhooks are those of api and web, action types the declared one, never the account's webhook:* or
  // actiontype:*; PutWebhook gets its pipelines AND their webhooks; tagging every declared resource in scope
  const policy = managedPolicy(stacks.prod, 'helpers-release-helper');
  expect(policy.Statement).toEqual([
    { Sid: 'CustomActionTypeActions', Effect: 'Allow', Action: ['codepipeline:PollForJobs'], Resource: [MY_TOOL] },
    {
      Sid: 'CustomActionTypeOrPipelineOrWebhookActions',
      Effect: 'Allow',
      Action: ['codepipeline:TagResource'],
      Resource: [MY_TOOL, P('api'), P('web'), W('api-github'), W('web-github'), W('web-nightly')],
    },
    {
      Sid: 'CustomPipelineActions',
      Effect: 'Allow',
      Action: ['codepipeline:StartPipelineExecution'],
      Resource: [P('api'), P('web')],
    },
    {
      Sid: 'CustomPipelineAndWebhookActions',
      Effect: 'Allow',
      Action: ['codepipeline:PutWebhook'],
      Resource: [P('api'), P('web'), W('api-github'), W('web-github'), W('web-nightly')],
    },
    {
      Sid: 'CustomStageActions',
      Effect: 'Allow',
      Action: ['codepipeline:RetryStageExecution'],
      Resource: [`${P('api')}/*`, `${P('web')}/*`],
    },
    {
      Sid: 'CustomWebhookActions',
      Effect: 'Allow',
      Action: ['codepipeline:ListWebhooks'],
      Resource: [W('api-github'), W('web-github'), W('web-nightly')],
    },
    { Sid: 'CustomWildcardOnlyActions', Effect: 'Allow', Action: ['codepipeline:ListPipelines'], Resource: ['*'] },
  ]);
  expect(JSON.stringify(policy)).not.toMatch(/webhook:\*|actiontype:\*/);
});

test('with pipelines: all, pipeline actions keep the account-wide ARN; webhook and multi-resource actions name declared resources', async () => {
  const stacks = await synthConfigText(`version: 1
${HOOKS_ENV}
profiles: [{ name: hooks, kind: custom, actions: [codepipeline:StartPipelineExecution, codepipeline:PutWebhook, codepipeline:DeleteWebhook] }]
teams: [{ name: hookers, grants: [{ profile: hooks, pipelines: all }] }]
people: [{ name: kim, memberships: { prod: [hookers] } }]
`);
  const policy = managedPolicy(stacks.prod, 'hookers-hooks');
  const hooks = [W('api-github'), W('batch-github'), W('web-github'), W('web-nightly')];
  expect(statement(policy, 'CustomPipelineActions').Resource).toEqual([P('*')]);
  // `...:*` would match every webhook of the account: PutWebhook names the declared pipelines instead
  expect(statement(policy, 'CustomPipelineAndWebhookActions').Resource).toEqual([
    P('api'),
    P('batch'),
    P('web'),
    ...hooks,
  ]);
  expect(statement(policy, 'CustomWebhookActions').Resource).toEqual(hooks);
});

test('a tag selector grants the pipelines carrying every listed tag', async () => {
  const stacks = await synthConfigText(`version: 1
${ENV}
profiles: [{ name: viewer, kind: viewer }]
teams:
  - { name: backend, grants: [{ profile: viewer, pipelines: { tags: { team: backend } } }] }
  - { name: low, grants: [{ profile: viewer, pipelines: { tags: { team: backend, tier: low } } }] }
people: [{ name: kim, memberships: { prod: [backend, low] } }]
`);
  expect(statement(managedPolicy(stacks.prod, 'backend-viewer'), 'ViewPipelines').Resource).toEqual([
    P('api'),
    P('batch'),
  ]);
  expect(statement(managedPolicy(stacks.prod, 'low-viewer'), 'ViewPipelines').Resource).toEqual([P('batch')]);
});

test('an admin scoped to named pipelines gets them, their stages and webhooks, and passes only their service roles', async () => {
  // GIVEN admins of web (no service role) and of api + batch (both declare one)
  const { stacks, warnings } = await synthConfigTextWithWarnings(`version: 1
${HOOKS_ENV}
profiles: [{ name: admin, kind: admin }]
teams:
  - { name: web-admins, grants: [{ profile: admin, pipelines: [web] }] }
  - { name: api-admins, grants: [{ profile: admin, pipelines: [api, batch] }] }
  - { name: mixed-admins, grants: [{ profile: admin, pipelines: [api, web] }] }
people: [{ name: kim, memberships: { prod: [web-admins, api-admins, mixed-admins] } }]
`);
  // THEN each admin policy covers its pipelines, stages and their webhooks, not the whole account
  const web = managedPolicy(stacks.prod, 'web-admins-admin');
  expect(statement(web, 'AdministerPipelines').Resource).toEqual([
    P('web'),
    `${P('web')}/*`,
    W('web-github'),
    W('web-nightly'),
  ]);
  // AND PassRole names exactly the declared service roles, still only to CodePipeline
  const api = managedPolicy(stacks.prod, 'api-admins-admin');
  expect(statement(api, 'PassRoleToCodePipeline')).toEqual({
    Sid: 'PassRoleToCodePipeline',
    Effect: 'Allow',
    Action: ['iam:PassRole'],
    Resource: ['arn:aws:iam::111222333444:role/api-service', 'arn:aws:iam::111222333444:role/batch-service'],
    Condition: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
  });
  // AND the admin of web, whose pipeline declares no service role, gets no PassRole and a located warning
  expect(web.Statement.map((s: { Sid: string }) => s.Sid)).not.toContain('PassRoleToCodePipeline');
  expect(JSON.stringify(web)).not.toContain('iam:PassRole');
  expect(warnings).toEqual([
    expect.stringMatching(
      /^test\.yaml:\d+:\d+ teams\[0\]\.grants\[0\]\.pipelines: admin profile "admin" cannot create or update pipeline "web" in environment "prod" until its serviceRoleArn is declared: iam:PassRole is granted only on declared service roles, so this grant has none; got \["web"\]$/,
    ),
    expect.stringMatching(
      /^test\.yaml:\d+:\d+ teams\[2\]\.grants\[0\]\.pipelines: admin profile "admin" cannot create or update pipeline "web" in environment "prod" until its serviceRoleArn is declared: iam:PassRole is granted only on declared service roles; got \["api","web"\]$/,
    ),
  ]);
  // AND an admin of pipelines of which some declare a service role passes those, and is warned about the rest
  expect(statement(managedPolicy(stacks.prod, 'mixed-admins-admin'), 'PassRoleToCodePipeline').Resource).toEqual([
    'arn:aws:iam::111222333444:role/api-service',
  ]);
});

test('an approver without an approvalActions filter may approve every approval action of its pipelines', async () => {
  const stacks = await synthConfigText(`version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    pipelines:
      - { name: api, stages: [{ name: Gate, approvals: [QA, Security] }, { name: Build }] }
      - { name: web, stages: [{ name: Gate, approvals: [QA] }] }
profiles: [{ name: approver, kind: approver }]
teams: [{ name: approvers, grants: [{ profile: approver, pipelines: [api] }] }]
people: [{ name: kim, memberships: { prod: [approvers] } }]
`);
  expect(statement(managedPolicy(stacks.prod, 'approvers-approver'), 'ApproveOrReject').Resource).toEqual([
    `${P('api')}/Gate/QA`,
    `${P('api')}/Gate/Security`,
  ]);
});

test('a PGP key encrypts the first password; console access can be turned off', async () => {
  const stacks = await synthConfigText(`version: 1
${ENV}
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people:
  - { name: kim, console: { pgpKey: "keybase:kim" }, memberships: { prod: [viewers] } }
  - { name: ci-bot, console: { enabled: false }, memberships: { prod: [viewers] } }
`);
  const prod = stacks.prod;
  expect(resource(prod, 'aws_iam_user_login_profile', 'kim')).toMatchObject({
    pgp_key: 'keybase:kim',
    password_reset_required: true,
  });
  expect(prod.resource.aws_iam_user_login_profile['ci-bot']).toBeUndefined();
  expect(resource(prod, 'aws_iam_user_group_membership', 'ci-bot').groups).toEqual(['${aws_iam_group.viewers.name}']);
  expect(prod.output.encrypted_passwords.value).toEqual({
    kim: '${aws_iam_user_login_profile.kim.encrypted_password}',
  });
  expect(prod.output.initial_passwords.value).toEqual({});
});

test('no console user, no self-service group', async () => {
  const stacks = await synthConfigText(`version: 1
${ENV}
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people: [{ name: ci-bot, console: { enabled: false }, memberships: { prod: [viewers] } }]
`);
  expect(addresses(stacks.prod).filter((a) => a.includes('self-service'))).toEqual([]);
});

test('trusting an account managed elsewhere: external id, no MFA, longer sessions, no policy emitted there', async () => {
  const stacks = await synthConfigText(`version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    pipelines: [{ name: api }]
    crossAccountRoles:
      - name: VendorOperators
        profile: operator
        pipelines: [api]
        trust: { accountId: "999988887777" }
        requireMfa: false
        externalId: vendor-7f3a
        maxSessionDurationSeconds: 7200
profiles: [{ name: operator, kind: operator }]
`);
  const role = resource(stacks.prod, 'aws_iam_role', 'VendorOperators');
  expect(role.max_session_duration).toBe(7200);
  expect(parsePolicy(role.assume_role_policy).Statement[0]).toEqual({
    Sid: 'TrustAccount',
    Effect: 'Allow',
    Principal: { AWS: ['arn:aws:iam::999988887777:root'] },
    Action: ['sts:AssumeRole'],
    Condition: { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } },
  });
  expect(Object.keys(stacks)).toEqual(['prod']);
});

test('a KMS key on the artifact bucket denies uploads with any other key', async () => {
  const key = 'arn:aws:kms:us-east-2:111222333444:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const stacks = await synthConfigText(`version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    artifactBuckets: [{ name: codepipeline-us-east-2-1234567890, kmsKeyArn: "${key}" }]
profiles: [{ name: viewer, kind: viewer }]
`);
  const policy = parsePolicy(resource(stacks.prod, 'aws_s3_bucket_policy', 'codepipeline-us-east-2-1234567890').policy);
  expect(statement(policy, 'DenyOtherKmsKeys')).toMatchObject({
    Effect: 'Deny',
    Action: ['s3:PutObject'],
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key } },
  });
  expect(policy.Statement.map((s) => s.Sid)).not.toContain('AllowCrossAccountViewerRead');
});

test('backends: S3 with a DynamoDB lock table and a role; Terraform Cloud on another host; local path', async () => {
  const stacks = await synthConfigText(`version: 1
environments:
  - name: a
    accountId: "111111111111"
    region: eu-west-1
    backend: { type: s3, bucket: tf-state-bucket, key: custom/a.tfstate, region: eu-west-1, dynamodbTable: tf-locks, roleArn: "arn:aws:iam::111111111111:role/state" }
  - name: b
    accountId: "222222222222"
    region: eu-west-1
    backend: { type: cloud, organization: acme, workspace: access-b, hostname: tfe.example.com }
  - name: c
    accountId: "333333333333"
    region: eu-west-1
    backend: { type: local, path: state/c.tfstate }
profiles: [{ name: viewer, kind: viewer }]
`);
  expect(stacks.a.terraform.backend).toEqual({
    s3: {
      bucket: 'tf-state-bucket',
      key: 'custom/a.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      dynamodb_table: 'tf-locks',
      assume_role: { role_arn: 'arn:aws:iam::111111111111:role/state' },
    },
  });
  expect(stacks.b.terraform.cloud).toEqual({
    organization: 'acme',
    hostname: 'tfe.example.com',
    workspaces: { name: 'access-b' },
  });
  expect(stacks.c.terraform.backend).toEqual({ local: { path: '../../../state/c.tfstate' } });
});

test('IAM names Terraform cannot use as addresses are sanitized, with a hash that keeps them apart', async () => {
  const stacks = await synthConfigText(`version: 1
${ENV}
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people:
  - { name: jin.kim@example.com, memberships: { prod: [viewers] } }
  - { name: jin_kim_example_com, memberships: { prod: [viewers] } }
`);
  const users = Object.keys(stacks.prod.resource.aws_iam_user).sort();
  expect(users).toHaveLength(2);
  expect(users).toContain('jin_kim_example_com');
  expect(users.find((u) => u !== 'jin_kim_example_com')).toMatch(/^jin_kim_example_com_[0-9a-f]{6}$/);
  expect(
    Object.values(stacks.prod.resource.aws_iam_user)
      .map((u) => u.name)
      .sort(),
  ).toEqual(['jin.kim@example.com', 'jin_kim_example_com']);
});

test('partitions: GovCloud and China regions get their own ARNs and console URLs', async () => {
  const stacks = await synthConfigText(`version: 1
environments:
  - { name: gov, accountId: "111111111111", region: us-gov-west-1, pipelines: [{ name: api }] }
  - { name: cn, accountId: "222222222222", region: cn-north-1, pipelines: [{ name: api }] }
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: [api] }] }]
people: [{ name: kim, memberships: { gov: [viewers], cn: [viewers] } }]
`);
  expect(statement(managedPolicy(stacks.gov, 'viewers-viewer'), 'ViewPipelines').Resource).toEqual([
    'arn:aws-us-gov:codepipeline:us-gov-west-1:111111111111:api',
  ]);
  expect(statement(managedPolicy(stacks.cn, 'viewers-viewer'), 'ViewPipelines').Resource).toEqual([
    'arn:aws-cn:codepipeline:cn-north-1:222222222222:api',
  ]);
  expect(stacks.cn.output.console_sign_in_url.value).toBe('https://222222222222.signin.amazonaws.cn/console');
});
