/**
 * CPA-S3-1 on the trail's bucket, through the same probes as the artifact buckets: the planned policy of the
 * audit-trail fixture is compliant, and each deliberate defect in it (the way a hand-edited policy would plan) is
 * one precise finding on the bucket policy's address. The probes' answers are what the access file records.
 */
import type { AnalysisResult } from '../../src/analysis/analyze';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { analyzeFocused } from '../helpers/focused';

const ACCOUNT = '111222333444';
const BUCKET = `codepipeline-audit-${ACCOUNT}`;
const ADDRESS = `aws_s3_bucket_policy.${BUCKET}`;
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-2:${ACCOUNT}:trail/codepipeline-audit`;
const SAME_ACCOUNT = `a principal of ${ACCOUNT} whose own policies allow s3:*`;
const OTHER_ACCOUNT = 'a principal of another account (999999999999) whose own policies allow s3:*';
const CLOUDTRAIL = 'the CloudTrail service (cloudtrail.amazonaws.com)';

type Statement = { Sid: string; Condition?: Record<string, Record<string, unknown>> };

/** The fixture's plans with prod's trail bucket policy changed by `edit`. */
function withTrailPolicy(edit: (statements: Statement[]) => Statement[]) {
  return (environment: string, plan: PlanView): PlanView => {
    if (environment !== 'prod') return plan;
    const json = structuredClone(plan.plan) as unknown as {
      resource_changes: { address: string; change: { after: Record<string, unknown> } }[];
    };
    const rc = json.resource_changes.find((r) => r.address === ADDRESS);
    if (!rc) throw new Error(`no ${ADDRESS}`);
    const policy = JSON.parse(String(rc.change.after.policy)) as { Statement: Statement[] };
    policy.Statement = edit(policy.Statement);
    rc.change.after.policy = JSON.stringify(policy);
    return new PlanView(json as unknown as PlanJson);
  };
}
const without =
  (...sids: string[]) =>
  (statements: Statement[]) =>
    statements.filter((s) => !sids.includes(s.Sid));
const s3Findings = (result: AnalysisResult) =>
  result.findings.filter((f) => f.ruleId === 'CPA-S3-1').map((f) => ({ target: f.target, detail: f.detail }));

test('GIVEN the planned trail bucket policy WHEN analysed THEN it is compliant, and the probes say why', async () => {
  const result = await analyzeFocused('audit-trail');
  expect(s3Findings(result)).toEqual([]);
  const prod = result.access.find((a) => a.environment === 'prod');
  const tls = [{ 'aws:SecureTransport': 'true' }];
  expect(prod?.artifactBuckets).toEqual({});
  expect(prod?.auditTrailBuckets).toEqual({
    [BUCKET]: {
      [SAME_ACCOUNT]: { 's3:GetObject': tls, 's3:PutObject': [], 's3:ListBucket': tls },
      [OTHER_ACCOUNT]: { 's3:GetObject': [], 's3:PutObject': [], 's3:ListBucket': [] },
      [CLOUDTRAIL]: {
        's3:GetBucketAcl': [
          { 'aws:SecureTransport': 'true', 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': TRAIL_ARN },
        ],
        's3:PutObject': [
          {
            'aws:SecureTransport': 'true',
            'aws:SourceAccount': ACCOUNT,
            'aws:SourceArn': TRAIL_ARN,
            's3:x-amz-acl': 'bucket-owner-full-control',
          },
        ],
      },
    },
  });
  expect(result.access.find((a) => a.environment === 'shared')?.auditTrailBuckets).toBeUndefined();
});

test('GIVEN the trail bucket policy without its TLS deny WHEN analysed THEN every plain-HTTP request is a finding', async () => {
  const result = await analyzeFocused('audit-trail', withTrailPolicy(without('DenyInsecureTransport')));
  expect(s3Findings(result)).toEqual([
    { target: ADDRESS, detail: 'Probe::GetObject over plain HTTP' },
    { target: ADDRESS, detail: 'Probe::ListBucket over plain HTTP' },
  ]);
  // (PutObject over plain HTTP stays denied: no one but CloudTrail may upload at all)
  expect(result.findings.find((f) => f.detail === 'Probe::GetObject over plain HTTP')?.message).toBe(
    `bucket ${BUCKET} does not deny GetObject over plain HTTP: s3:GetObject is allowed with any context`,
  );
});

test('GIVEN the trail bucket policy without the deny of other writers WHEN analysed THEN principals of the account may forge log files', async () => {
  const result = await analyzeFocused('audit-trail', withTrailPolicy(without('DenyWritesByOthersThanCloudTrail')));
  expect(s3Findings(result)).toEqual([
    { target: ADDRESS, detail: 'Probe::PutObject by a principal other than CloudTrail' },
  ]);
  expect(result.findings.find((f) => f.ruleId === 'CPA-S3-1')?.message).toBe(
    `bucket ${BUCKET} does not deny PutObject by a principal other than CloudTrail: s3:PutObject is allowed with aws:SecureTransport=true`,
  );
});

test('GIVEN CloudTrail allowed without aws:SourceArn WHEN analysed THEN its calls for another trail are findings', async () => {
  const anyTrail = (statements: Statement[]) =>
    statements.map((s) => {
      const equals = s.Condition?.StringEquals;
      if (!equals) return s;
      const { ['aws:SourceArn']: _dropped, ...rest } = equals;
      void _dropped;
      return { ...s, Condition: { StringEquals: rest } };
    });
  const result = await analyzeFocused('audit-trail', withTrailPolicy(anyTrail));
  expect(s3Findings(result)).toEqual([
    { target: ADDRESS, detail: "Probe::CloudTrail's GetBucketAcl for another trail" },
    { target: ADDRESS, detail: "Probe::CloudTrail's PutObject for another trail" },
  ]);
});

test("GIVEN the trail bucket policy without CloudTrail's write WHEN analysed THEN the trail cannot deliver", async () => {
  const result = await analyzeFocused('audit-trail', withTrailPolicy(without('AWSCloudTrailWrite20150319')));
  expect(s3Findings(result)).toEqual([{ target: ADDRESS, detail: 'Probe::CloudTrail PutObject for this trail' }]);
  expect(result.findings.find((f) => f.ruleId === 'CPA-S3-1')?.message).toBe(
    `bucket ${BUCKET} does not allow CloudTrail's s3:PutObject with aws:SourceArn=${TRAIL_ARN}: the trail cannot deliver its log files (CreateTrail refuses such a bucket)`,
  );
});
