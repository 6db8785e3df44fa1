/**
 * The audit trail in real plans (fixture test/fixtures/audit-trail, planned by the global setup): exactly the
 * resources it creates, each as Terraform plans it (the trail, the bucket with its public access block, lifecycle
 * and policy, the EventBridge rules with their patterns and targets, the topics and their policies), the IAM rules
 * on the provider of us-east-1, and an environment naming an existing trail creating no trail at all.
 */
import { readPlannedEnvironment } from '../../src/analysis/plan-principals';
import type { PlanView } from '../../src/plan/plan-json';
import { readPlan } from '../helpers/plans';

const ACCOUNT = '111222333444';
const BUCKET = `codepipeline-audit-${ACCOUNT}`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-2:${ACCOUNT}:trail/codepipeline-audit`;
const KEY = `arn:aws:kms:us-east-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/codepipeline-access-deployer`;
const AUDIT_TYPES = /^(aws_cloudtrail|aws_s3_|aws_sns_|aws_cloudwatch_event_)/;

type PlanJsonWithProviders = {
  resource_changes: { address: string; type: string; change: { actions: string[]; after: Record<string, unknown> } }[];
  configuration: {
    provider_config: Record<string, { name: string; alias?: string; expressions: Record<string, unknown> }>;
    root_module: {
      resources: { address: string; provider_config_key: string; expressions: Record<string, unknown> }[];
    };
  };
  planned_values: { outputs: Record<string, { value: unknown }> };
};
const json = (plan: PlanView) => plan.plan as unknown as PlanJsonWithProviders;
const after = (plan: PlanView, address: string): Record<string, unknown> => {
  const change = json(plan).resource_changes.find((rc) => rc.address === address);
  if (!change) throw new Error(`no ${address} in the plan`);
  return change.change.after;
};
const providerOf = (plan: PlanView, address: string) =>
  json(plan).configuration.root_module.resources.find((r) => r.address === address)?.provider_config_key;
const referencesOf = (plan: PlanView, address: string, attribute: string) =>
  (
    json(plan).configuration.root_module.resources.find((r) => r.address === address)?.expressions[attribute] as
      { references?: string[] } | undefined
  )?.references;

const prod = () => readPlan('audit-trail', 'prod');
const shared = () => readPlan('audit-trail', 'shared');

const USER_EVENTS = [
  'AttachUserPolicy',
  'DeleteUserPermissionsBoundary',
  'DeleteUserPolicy',
  'DetachUserPolicy',
  'PutUserPermissionsBoundary',
  'PutUserPolicy',
];
const RULES = {
  approval: 'codepipeline-access-approval-recorded',
  pipeline: 'codepipeline-access-pipeline-changed',
  policies: 'codepipeline-access-iam-policies',
  groups: 'codepipeline-access-iam-groups',
  roles: 'codepipeline-access-iam-roles',
  users: 'codepipeline-access-iam-users',
};

test('GIVEN prod WHEN planned THEN it creates exactly the trail, its bucket, the rules, targets, topics and policies', () => {
  const audit = json(prod()).resource_changes.filter((rc) => AUDIT_TYPES.test(rc.type));
  expect(audit.map((rc) => rc.address).sort()).toEqual(
    [
      'aws_cloudtrail.codepipeline-audit',
      `aws_s3_bucket.${BUCKET}`,
      `aws_s3_bucket_lifecycle_configuration.${BUCKET}`,
      `aws_s3_bucket_policy.${BUCKET}`,
      `aws_s3_bucket_public_access_block.${BUCKET}`,
      ...Object.values(RULES).flatMap((r) => [`aws_cloudwatch_event_rule.${r}`, `aws_cloudwatch_event_target.${r}`]),
      'aws_sns_topic.codepipeline-audit-events__us-east-1',
      'aws_sns_topic.codepipeline-audit-events__us-east-2',
      'aws_sns_topic_policy.codepipeline-audit-events__us-east-1',
      'aws_sns_topic_policy.codepipeline-audit-events__us-east-2',
    ].sort(),
  );
  expect(new Set(audit.map((rc) => rc.change.actions.join()))).toEqual(new Set(['create']));
});

test('GIVEN prod WHEN planned THEN the trail records every management event of every region, validated, with SSE-KMS', () => {
  expect(after(prod(), 'aws_cloudtrail.codepipeline-audit')).toMatchObject({
    name: 'codepipeline-audit',
    s3_bucket_name: BUCKET,
    s3_key_prefix: 'cloudtrail',
    is_multi_region_trail: true,
    include_global_service_events: true,
    enable_log_file_validation: true,
    enable_logging: true,
    is_organization_trail: false,
    kms_key_id: KEY,
    event_selector: [
      {
        read_write_type: 'All',
        include_management_events: true,
        data_resource: [],
        exclude_management_event_sources: null,
      },
    ],
  });
  const trail = json(prod()).configuration.root_module.resources.find(
    (r) => r.address === 'aws_cloudtrail.codepipeline-audit',
  ) as { depends_on?: string[] } | undefined;
  expect(trail?.depends_on).toEqual([`aws_s3_bucket_policy.${BUCKET}`]);
});

test('GIVEN prod WHEN planned THEN the bucket blocks public access and expires log files after 400 days', () => {
  expect(after(prod(), `aws_s3_bucket.${BUCKET}`)).toMatchObject({ bucket: BUCKET, force_destroy: false });
  expect(after(prod(), `aws_s3_bucket_public_access_block.${BUCKET}`)).toMatchObject({
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  });
  expect(after(prod(), `aws_s3_bucket_lifecycle_configuration.${BUCKET}`).rule).toEqual([
    expect.objectContaining({
      id: 'expire-trail-log-files',
      status: 'Enabled',
      expiration: [expect.objectContaining({ days: 400 })],
      filter: [expect.objectContaining({ prefix: 'cloudtrail/' })],
    }),
  ]);
});

test('GIVEN prod WHEN planned THEN the bucket policy is exactly TLS only, CloudTrail alone writing, for this trail', () => {
  const cloudTrail = { Service: ['cloudtrail.amazonaws.com'] };
  const source = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': TRAIL_ARN };
  expect(JSON.parse(String(after(prod(), `aws_s3_bucket_policy.${BUCKET}`).policy))).toEqual({
    Version: '2012-10-17',
    Id: 'CloudTrailBucketPolicy',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyWritesByOthersThanCloudTrail',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject'],
        Resource: [`${BUCKET_ARN}/*`],
        Condition: { StringNotEquals: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' } },
      },
      {
        Sid: 'AWSCloudTrailAclCheck20150319',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: ['s3:GetBucketAcl'],
        Resource: [BUCKET_ARN],
        Condition: { StringEquals: source },
      },
      {
        Sid: 'AWSCloudTrailWrite20150319',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: ['s3:PutObject'],
        Resource: [`${BUCKET_ARN}/cloudtrail/AWSLogs/${ACCOUNT}/*`],
        Condition: { StringEquals: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  });
});

test('GIVEN prod WHEN planned THEN each rule has its pattern; the IAM rules are on the us-east-1 provider', () => {
  const plan = prod();
  const pattern = (rule: string) => JSON.parse(String(after(plan, `aws_cloudwatch_event_rule.${rule}`).event_pattern));
  const apiCall = (service: string) => ({
    source: [`aws.${service}`],
    'detail-type': ['AWS API Call via CloudTrail'],
  });
  expect(pattern(RULES.approval)).toEqual({
    ...apiCall('codepipeline'),
    detail: { eventSource: ['codepipeline.amazonaws.com'], eventName: ['PutApprovalResult'] },
  });
  expect(pattern(RULES.pipeline)).toEqual({
    ...apiCall('codepipeline'),
    detail: { eventSource: ['codepipeline.amazonaws.com'], eventName: ['DeletePipeline', 'UpdatePipeline'] },
  });
  // Not Terraform: another user agent than the provider's, or another principal than the deployment role's sessions
  const outsideTerraform = [
    { userAgent: [{ 'anything-but': { wildcard: '*terraform-provider-aws/*' } }] },
    { userIdentity: { type: [{ 'anything-but': 'AssumedRole' }] } },
    { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': DEPLOYER }] } } } },
  ];
  const iam = (eventName: string[], requestParameters: Record<string, string[]>) => ({
    ...apiCall('iam'),
    detail: { eventSource: ['iam.amazonaws.com'], eventName, requestParameters, $or: outsideTerraform },
  });
  expect(pattern(RULES.policies)).toEqual(
    iam(['CreatePolicyVersion', 'DeletePolicy', 'DeletePolicyVersion', 'SetDefaultPolicyVersion'], {
      policyArn: [
        `arn:aws:iam::${ACCOUNT}:policy/PipelineViewers-policy`,
        `arn:aws:iam::${ACCOUNT}:policy/codepipeline-access-self-service-change-own-password`,
        `arn:aws:iam::${ACCOUNT}:policy/release-approvers-approver`,
      ],
    }),
  );
  expect(pattern(RULES.groups)).toEqual(
    iam(
      [
        'AddUserToGroup',
        'AttachGroupPolicy',
        'DeleteGroupPolicy',
        'DetachGroupPolicy',
        'PutGroupPolicy',
        'RemoveUserFromGroup',
      ],
      { groupName: ['codepipeline-access-self-service', 'release-approvers'] },
    ),
  );
  expect(pattern(RULES.roles)).toEqual(
    iam(
      [
        'AttachRolePolicy',
        'DeleteRolePermissionsBoundary',
        'DeleteRolePolicy',
        'DetachRolePolicy',
        'PutRolePermissionsBoundary',
        'PutRolePolicy',
        'UpdateAssumeRolePolicy',
      ],
      { roleName: ['PipelineViewers'] },
    ),
  );
  expect(pattern(RULES.users)).toEqual(iam(USER_EVENTS, { userName: ['ada'] }));
  const providers = Object.fromEntries(
    Object.values(RULES).flatMap((r) => [
      [`rule ${r}`, providerOf(plan, `aws_cloudwatch_event_rule.${r}`)],
      [`target ${r}`, providerOf(plan, `aws_cloudwatch_event_target.${r}`)],
    ]),
  );
  const iamRules = [RULES.policies, RULES.groups, RULES.roles, RULES.users];
  expect(providers).toEqual(
    Object.fromEntries(
      Object.values(RULES).flatMap((r) => {
        const key = iamRules.includes(r) ? 'aws.us-east-1' : 'aws';
        return [
          [`rule ${r}`, key],
          [`target ${r}`, key],
        ];
      }),
    ),
  );
  const config = json(plan).configuration.provider_config['aws.us-east-1'];
  expect(config).toMatchObject({ name: 'aws', alias: 'us-east-1' });
  expect(config.expressions.region).toEqual({ constant_value: 'us-east-1' });
});

test('GIVEN prod WHEN planned THEN each target publishes to the topic of its region, whose policy admits exactly its rules', () => {
  const plan = prod();
  for (const [rule, region] of [
    [RULES.approval, 'us-east-2'],
    [RULES.pipeline, 'us-east-2'],
    [RULES.policies, 'us-east-1'],
    [RULES.groups, 'us-east-1'],
    [RULES.roles, 'us-east-1'],
    [RULES.users, 'us-east-1'],
  ])
    expect([rule, referencesOf(plan, `aws_cloudwatch_event_target.${rule}`, 'arn')]).toEqual([
      rule,
      [`aws_sns_topic.codepipeline-audit-events__${region}.arn`, `aws_sns_topic.codepipeline-audit-events__${region}`],
    ]);
  const topicPolicy = (region: string, rules: string[]) => ({
    Version: '2012-10-17',
    Id: 'CodePipelineAccessNotifications',
    Statement: [
      {
        Sid: 'AllowTheRulesToPublish',
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com'] },
        Action: ['sns:Publish'],
        Resource: [`arn:aws:sns:${region}:${ACCOUNT}:codepipeline-audit-events`],
        Condition: {
          ArnEquals: { 'aws:SourceArn': rules.map((r) => `arn:aws:events:${region}:${ACCOUNT}:rule/${r}`).sort() },
        },
      },
    ],
  });
  expect(JSON.parse(String(after(plan, 'aws_sns_topic_policy.codepipeline-audit-events__us-east-2').policy))).toEqual(
    topicPolicy('us-east-2', [RULES.approval, RULES.pipeline]),
  );
  expect(JSON.parse(String(after(plan, 'aws_sns_topic_policy.codepipeline-audit-events__us-east-1').policy))).toEqual(
    topicPolicy('us-east-1', [RULES.policies, RULES.groups, RULES.roles, RULES.users]),
  );
  expect(after(plan, 'aws_sns_topic.codepipeline-audit-events__us-east-1')).toMatchObject({
    name: 'codepipeline-audit-events',
  });
  expect(providerOf(plan, 'aws_sns_topic.codepipeline-audit-events__us-east-1')).toBe('aws.us-east-1');
  expect(providerOf(plan, 'aws_sns_topic.codepipeline-audit-events__us-east-2')).toBe('aws');
});

test('GIVEN the audit_trail output WHEN read THEN the analysis knows the trail bucket, and only it', () => {
  expect(json(prod()).planned_values.outputs.audit_trail.value).toEqual({
    trail_arn: TRAIL_ARN,
    created: true,
    buckets: [{ name: BUCKET, log_key_prefix: `cloudtrail/AWSLogs/${ACCOUNT}/` }],
    notification_rules: [
      `arn:aws:events:us-east-2:${ACCOUNT}:rule/${RULES.approval}`,
      `arn:aws:events:us-east-2:${ACCOUNT}:rule/${RULES.pipeline}`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${RULES.policies}`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${RULES.groups}`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${RULES.roles}`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/${RULES.users}`,
    ],
    notification_topics: [
      `arn:aws:sns:us-east-2:${ACCOUNT}:codepipeline-audit-events`,
      `arn:aws:sns:us-east-1:${ACCOUNT}:codepipeline-audit-events`,
    ],
  });
  expect(readPlannedEnvironment('prod', prod()).bucketPolicies).toEqual([
    expect.objectContaining({
      bucket: BUCKET,
      trail: { arn: TRAIL_ARN, logKeyPrefix: `cloudtrail/AWSLogs/${ACCOUNT}/` },
    }),
  ]);
});

test('GIVEN shared, naming an existing trail WHEN planned THEN no trail and no bucket; its rules publish to the existing topic', () => {
  const plan = shared();
  const audit = json(plan).resource_changes.filter((rc) => AUDIT_TYPES.test(rc.type));
  const rules = [RULES.approval, RULES.policies, RULES.groups, RULES.users];
  expect(audit.map((rc) => rc.address).sort()).toEqual(
    [
      ...rules.flatMap((r) => [`aws_cloudwatch_event_rule.${r}`, `aws_cloudwatch_event_target.${r}`]),
      'aws_sns_topic_policy.platform-alerts__us-east-1',
    ].sort(),
  );
  const topic = 'arn:aws:sns:us-east-1:444455556666:platform-alerts';
  for (const rule of rules) expect(after(plan, `aws_cloudwatch_event_target.${rule}`).arn).toBe(topic);
  expect(after(plan, 'aws_sns_topic_policy.platform-alerts__us-east-1').arn).toBe(topic);
  // us-east-1 is IAM's region: one provider for everything, and no deployment role, so the user agent alone
  expect(Object.keys(json(plan).configuration.provider_config)).toEqual(['aws']);
  expect(JSON.parse(String(after(plan, `aws_cloudwatch_event_rule.${RULES.users}`).event_pattern)).detail).toEqual({
    eventSource: ['iam.amazonaws.com'],
    eventName: USER_EVENTS,
    requestParameters: { userName: ['ada'] },
    userAgent: [{ 'anything-but': { wildcard: '*terraform-provider-aws/*' } }],
  });
  expect(readPlannedEnvironment('shared', plan).bucketPolicies).toEqual([]);
});

test('GIVEN the example, which has no auditTrail, WHEN planned THEN nothing of an audit trail, one provider, no output', () => {
  for (const name of ['dev', 'staging', 'prod']) {
    const plan = readPlan('example', name);
    expect(
      json(plan)
        .resource_changes.filter((rc) => AUDIT_TYPES.test(rc.type) && rc.type !== 'aws_s3_bucket_policy')
        .map((rc) => rc.address),
    ).toEqual([]);
    expect(Object.keys(json(plan).configuration.provider_config)).toEqual(['aws']);
    expect(Object.keys(json(plan).planned_values.outputs)).not.toContain('audit_trail');
    expect(readPlannedEnvironment(name, plan).bucketPolicies.filter((b) => b.trail !== undefined)).toEqual([]);
  }
});
