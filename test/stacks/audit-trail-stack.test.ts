/**
 * The audit trail as synthesized, for what the planned fixture (test/fixtures/audit-trail) does not cover: an
 * existing trail creates nothing of a trail, an existing bucket gets only its policy, an organisation trail's
 * policy, a bucket policy of the config's own reaching Terraform literally, IAM patterns split at EventBridge's
 * quota, an environment in IAM's own region, and a config without `auditTrail` unchanged.
 */
import { EVENT_PATTERN_QUOTA } from '../../src/model/audit-trail';
import { addresses, parsePolicy, resource, synthConfigText, synthExample } from '../helpers/synth';

const ENV = (auditTrail: string, region = 'us-east-2') => `version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: ${region}
    pipelines: [{ name: api }]
    auditTrail:
${auditTrail
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people: [{ name: kim, memberships: { prod: [viewers] } }]
`;
const WITHOUT_TRAIL = `version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    pipelines: [{ name: api }]
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people: [{ name: kim, memberships: { prod: [viewers] } }]
`;
const BUCKET = 'arn:aws:s3:::audit-111222333444';
const TRAIL = 'arn:aws:cloudtrail:us-east-2:111222333444:trail/codepipeline-access-audit';
const AUDIT_TYPES = /^(aws_cloudtrail|aws_s3_|aws_sns_|aws_cloudwatch_event_)/;

test('GIVEN an existing trail without notifications WHEN synthesized THEN the stack creates nothing but the output', async () => {
  const [withTrail, without] = await Promise.all([
    synthConfigText(ENV('existingTrailArn: arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail')),
    synthConfigText(WITHOUT_TRAIL),
  ]);
  expect(addresses(withTrail.prod)).toEqual(addresses(without.prod));
  expect(withTrail.prod.provider).toEqual(without.prod.provider);
  expect(Object.keys(withTrail.prod.output).filter((o) => !(o in without.prod.output))).toEqual(['audit_trail']);
  expect(withTrail.prod.output.audit_trail.value).toEqual({
    trail_arn: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail',
    created: false,
    buckets: [],
    notification_rules: [],
    notification_topics: [],
  });
});

test('GIVEN a config without auditTrail WHEN synthesized THEN no audit resource, output or second provider', async () => {
  for (const stack of Object.values(await synthExample())) {
    expect(addresses(stack).filter((a) => AUDIT_TYPES.test(a) && !a.startsWith('aws_s3_bucket_policy.'))).toEqual([]);
    expect(stack.provider.aws).toHaveLength(1);
    expect(Object.keys(stack.output)).not.toContain('audit_trail');
  }
});

test('GIVEN an existing bucket WHEN synthesized THEN only its policy is set, before the trail', async () => {
  const stacks = await synthConfigText(ENV('bucket: { name: audit-111222333444, create: false }'));
  expect(addresses(stacks.prod).filter((a) => AUDIT_TYPES.test(a))).toEqual([
    'aws_cloudtrail.codepipeline-access-audit',
    'aws_s3_bucket_policy.audit-111222333444',
  ]);
  const trail = resource(stacks.prod, 'aws_cloudtrail', 'codepipeline-access-audit');
  expect(trail).toMatchObject({
    s3_bucket_name: 'audit-111222333444',
    depends_on: ['aws_s3_bucket_policy.audit-111222333444'],
  });
  expect(trail.is_organization_trail).toBeUndefined();
  expect(resource(stacks.prod, 'aws_s3_bucket_policy', 'audit-111222333444').depends_on).toBeUndefined();
});

test("GIVEN an organisation trail WHEN synthesized THEN the organisation's log files may be written, with aws:SourceArn alone", async () => {
  const stacks = await synthConfigText(ENV('bucket: { name: audit-111222333444 }\norganizationId: o-a1b2c3d4e5'));
  expect(resource(stacks.prod, 'aws_cloudtrail', 'codepipeline-access-audit').is_organization_trail).toBe(true);
  const policy = parsePolicy(resource(stacks.prod, 'aws_s3_bucket_policy', 'audit-111222333444').policy);
  const cloudTrail = { Service: ['cloudtrail.amazonaws.com'] };
  const written = { StringEquals: { 'aws:SourceArn': TRAIL, 's3:x-amz-acl': 'bucket-owner-full-control' } };
  expect(policy.Statement.filter((s) => s.Effect === 'Allow')).toEqual([
    {
      Sid: 'AWSCloudTrailAclCheck20150319',
      Effect: 'Allow',
      Principal: cloudTrail,
      Action: ['s3:GetBucketAcl'],
      Resource: [BUCKET],
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL } },
    },
    {
      Sid: 'AWSCloudTrailWrite20150319',
      Effect: 'Allow',
      Principal: cloudTrail,
      Action: ['s3:PutObject'],
      Resource: [`${BUCKET}/AWSLogs/111222333444/*`],
      Condition: written,
    },
    {
      Sid: 'AWSCloudTrailOrganizationWrite20150319',
      Effect: 'Allow',
      Principal: cloudTrail,
      Action: ['s3:PutObject'],
      Resource: [`${BUCKET}/AWSLogs/o-a1b2c3d4e5/*`],
      Condition: written,
    },
  ]);
});

test("GIVEN the config's own bucket policy WHEN synthesized THEN it is the policy, its ${...} reaching Terraform literally", async () => {
  const statements = [
    `{ Effect: Deny, Principal: "*", Action: "s3:*", Resource: ["${BUCKET}/*", "${BUCKET}"], Condition: { Bool: { "aws:SecureTransport": false } } }`,
    `{ Sid: OnlyCloudTrail, Effect: Deny, Principal: { AWS: "*" }, Action: s3:PutObject, Resource: "${BUCKET}/*", Condition: { StringNotEquals: { "aws:PrincipalServiceName": cloudtrail.amazonaws.com } } }`,
    `{ Effect: Allow, Principal: { Service: cloudtrail.amazonaws.com }, Action: s3:GetBucketAcl, Resource: "${BUCKET}", Condition: { StringEquals: { "aws:SourceArn": "${TRAIL}", "aws:SourceAccount": "111222333444" } } }`,
    `{ Effect: Allow, Principal: { Service: cloudtrail.amazonaws.com }, Action: s3:PutObject, Resource: "${BUCKET}/AWSLogs/111222333444/*", Condition: { StringEquals: { "s3:x-amz-acl": bucket-owner-full-control, "aws:SourceArn": "${TRAIL}", "aws:SourceAccount": "111222333444" } } }`,
    `{ Sid: OwnFolder, Effect: Allow, Principal: { AWS: "arn:aws:iam::111222333444:role/auditor" }, Action: s3:GetObject, Resource: "${BUCKET}/reports/\${aws:username}/*" }`,
  ];
  const stacks = await synthConfigText(
    ENV(
      `bucket:\n  name: audit-111222333444\n  create: false\n  policy:\n    Statement:\n${statements.map((s) => `      - ${s}`).join('\n')}`,
    ),
  );
  const text = String(resource(stacks.prod, 'aws_s3_bucket_policy', 'audit-111222333444').policy);
  expect(text).toContain('"Resource":"arn:aws:s3:::audit-111222333444/reports/$${aws:username}/*"');
  const policy = parsePolicy(text);
  expect(policy.Statement).toHaveLength(5);
  expect(policy.Statement[4]).toEqual({
    Sid: 'OwnFolder',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111222333444:role/auditor' },
    Action: 's3:GetObject',
    Resource: `${BUCKET}/reports/\${aws:username}/*`,
  });
});

test("GIVEN more groups than one pattern holds WHEN synthesized THEN the groups rule continues in -2, each within EventBridge's quota", async () => {
  // 60 teams, six people in ten each (IAM allows ten groups per user), group names of 50 characters
  const teams = Array.from({ length: 60 }, (_, i) => `team-${String(i).padStart(2, '0')}-${'x'.repeat(42)}`);
  const people = Array.from({ length: 6 }, (_, p) => teams.slice(p * 10, p * 10 + 10));
  const stacks = await synthConfigText(`version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-1
    auditTrail:
      existingTrailArn: arn:aws:cloudtrail:us-east-1:111222333444:trail/account-trail
      notifications: { events: [iam-policy-changed] }
profiles: [{ name: viewer, kind: viewer }]
teams:
${teams.map((t) => `  - { name: ${t}, grants: [{ profile: viewer, pipelines: all }] }`).join('\n')}
people:
${people.map((member, p) => `  - { name: user${p}, console: { enabled: false }, memberships: { prod: [${member.join(', ')}] } }`).join('\n')}
`);
  const rules = Object.entries(stacks.prod.resource.aws_cloudwatch_event_rule ?? {});
  const groupRules = rules.filter(([name]) => name.startsWith('codepipeline-access-iam-groups'));
  expect(groupRules.map(([name]) => name)).toEqual([
    'codepipeline-access-iam-groups',
    'codepipeline-access-iam-groups-2',
  ]);
  const named = groupRules.flatMap(([, rule]) => {
    expect(String(rule.event_pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_QUOTA);
    const pattern = JSON.parse(String(rule.event_pattern)) as {
      detail: { requestParameters: { groupName: string[] } };
    };
    return pattern.detail.requestParameters.groupName;
  });
  expect(named).toEqual(teams);
  // IAM's region is the environment's: one provider, no alias
  expect(stacks.prod.provider.aws).toHaveLength(1);
  expect(rules.every(([, rule]) => rule.provider === undefined)).toBe(true);
});
