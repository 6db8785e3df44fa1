/**
 * A trail bucket policy of the config's own must hold every statement the stack would write: compared by meaning
 * (Sid, list order, `*` vs `{ AWS: "*" }`, a boolean or a list of one do not count), never by text.
 */
import {
  missingTrailBucketStatements,
  requiredTrailBucketStatements,
  statementJson,
  type TrailBucketPolicyInput,
} from '../../src/iam/trail-bucket-policy';

const INPUT: TrailBucketPolicyInput = {
  accountId: '111222333444',
  region: 'us-east-2',
  trailName: 'audit',
  bucket: 'audit-111222333444',
  keyPrefix: 'cloudtrail',
};
const generated = () => requiredTrailBucketStatements(INPUT).map((r) => statementJson(r.statement));
const sids = (missing: ReturnType<typeof missingTrailBucketStatements>) => missing.map((m) => m.statement.sid);

test('GIVEN the generated statements WHEN checked THEN none is missing, whatever their Sid and order', () => {
  const statements = generated()
    .map((s, i) => ({ ...s, Sid: `Mine${i}` }))
    .reverse();
  expect(missingTrailBucketStatements({ Statement: statements }, INPUT)).toEqual([]);
});

test('GIVEN statements written another way with the same meaning WHEN checked THEN none is missing', () => {
  const [tls, others, acl, write] = generated();
  const statements = [
    { ...tls, Principal: { AWS: '*' }, Action: 's3:*', Resource: [...(tls.Resource as string[])].reverse() },
    {
      ...others,
      Action: 'S3:PutObject',
      Condition: { stringnotequals: { 'AWS:PrincipalServiceName': 'cloudtrail.amazonaws.com' } },
    },
    { ...acl, Principal: { Service: 'cloudtrail.amazonaws.com' } },
    { ...write, Condition: { StringEquals: { ...(write.Condition as { StringEquals: object }).StringEquals } } },
    {
      Sid: 'Extra',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111222333444:role/auditor' },
      Action: 's3:GetObject',
      Resource: '*',
    },
  ];
  expect(missingTrailBucketStatements({ Statement: statements }, INPUT)).toEqual([]);
  // a boolean where IAM's JSON has the string "false"
  const booleanTls = { ...tls, Condition: { Bool: { 'aws:SecureTransport': false } } };
  expect(sids(missingTrailBucketStatements({ Statement: [booleanTls] }, INPUT))).not.toContain('DenyInsecureTransport');
});

test('GIVEN a policy without the TLS deny, or letting CloudTrail write for another trail, WHEN checked THEN those are missing', () => {
  const [, others, acl, write] = generated();
  const anyTrail = { ...write, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } };
  expect(sids(missingTrailBucketStatements({ Statement: [others, acl, anyTrail] }, INPUT))).toEqual([
    'DenyInsecureTransport',
    'AWSCloudTrailWrite20150319',
  ]);
  expect(sids(missingTrailBucketStatements({}, INPUT))).toEqual([
    'DenyInsecureTransport',
    'DenyWritesByOthersThanCloudTrail',
    'AWSCloudTrailAclCheck20150319',
    'AWSCloudTrailWrite20150319',
  ]);
});

test('GIVEN an organisation trail WHEN its statements are required THEN the organisation write is one of them, without aws:SourceAccount', () => {
  const organisation = requiredTrailBucketStatements({ ...INPUT, organizationId: 'o-a1b2c3d4e5' });
  expect(organisation.map((r) => r.statement.sid)).toEqual([
    'DenyInsecureTransport',
    'DenyWritesByOthersThanCloudTrail',
    'AWSCloudTrailAclCheck20150319',
    'AWSCloudTrailWrite20150319',
    'AWSCloudTrailOrganizationWrite20150319',
  ]);
  expect(JSON.stringify(organisation)).not.toContain('aws:SourceAccount');
  expect(organisation[4].statement.resources).toEqual([
    'arn:aws:s3:::audit-111222333444/cloudtrail/AWSLogs/o-a1b2c3d4e5/*',
  ]);
});
