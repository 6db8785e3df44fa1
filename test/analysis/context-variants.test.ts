/**
 * Decisions that depend on the request's context are reported with the context they need, on real plans of the
 * focused fixtures: a vendor's external id, MFA plus an external id, an artifact bucket pinned to one KMS key.
 * Nothing that some context allows is reported as denied.
 */
import type { AnalysisResult } from '../../src/analysis/analyze';
import { dimensionsOf, reduceAllowed, variantsOf } from '../../src/analysis/context-variants';
import { ABSENT } from '../../src/analysis/environment-access';
import type { PolicyStatementJson } from '../../src/analysis/plan-principals';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { FOCUSED_FIXTURES, focusedAccessCasesFile } from '../helpers/fixture-files';
import { analyzeFocused } from '../helpers/focused';

const KEY = 'arn:aws:kms:us-east-2:111222333444:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BUCKET = 'codepipeline-us-east-2-111222333444';
const SAME_ACCOUNT_PROBE = 'a principal of 111222333444 whose own policies allow s3:*';

describe.each(FOCUSED_FIXTURES)('focused fixture %s', (name) => {
  let result: AnalysisResult;
  beforeAll(async () => {
    result = await analyzeFocused(name);
  });
  test('has no rule finding but those it is about: what a guardrail denies, a migration under way (CPA-INT2, CPA-IC1)', () => {
    const expected = result.findings.filter(
      (f) =>
        (f.ruleId === 'CPA-INT2' &&
          / denied by (scp:|rcp:|service control policies|permissions boundary)/.test(f.message)) ||
        // The migration fixture's Identity Center roles: their IAM users are flagged, MFA never reaches them.
        (name === 'identity-center-migration' &&
          (f.ruleId === 'CPA-IC1' || (f.ruleId === 'CPA-INT2' && f.target.includes('AWSReservedSSO_')))),
    );
    expect(result.findings.filter((f) => !expected.includes(f))).toEqual([]);
    expect(expected.length > 0).toBe(name === 'guardrails' || name === 'identity-center-migration');
  });
  testAccessCases(readAccessCases(focusedAccessCasesFile(name)), () => result.analysis);
});

describe('external trust', () => {
  test('each role is assumable by its account exactly with the external id (and MFA where required)', async () => {
    const [prod] = (await analyzeFocused('external-trust')).access;
    expect(prod.assumeRole).toEqual({
      AuditorViewer: {
        'arn:aws:iam::444455556666:root': [{ 'aws:MultiFactorAuthPresent': 'true', 'sts:ExternalId': 'audit-2026' }],
      },
      VendorReleaseViewer: { 'arn:aws:iam::999988887777:root': [{ 'sts:ExternalId': 'vendor-7f3a' }] },
    });
  });
});

/** The fixture's prod plan with the bucket policy's statement `sid` removed (a dropped KMS key pin). */
function withoutStatement(sid: string) {
  return (environment: string, plan: PlanView): PlanView => {
    const json = structuredClone(plan.plan) as unknown as {
      resource_changes: { type: string; change: { after: Record<string, unknown> } }[];
    };
    for (const rc of json.resource_changes.filter((r) => r.type === 'aws_s3_bucket_policy')) {
      const policy = JSON.parse(String(rc.change.after.policy)) as { Statement: { Sid?: string }[] };
      policy.Statement = policy.Statement.filter((s) => s.Sid !== sid);
      rc.change.after.policy = JSON.stringify(policy);
    }
    void environment;
    return new PlanView(json as unknown as PlanJson);
  };
}

describe('a bucket pinned to one KMS key', () => {
  test('uploads get through with TLS, SSE-KMS and the configured key only; reads with TLS', async () => {
    const [prod] = (await analyzeFocused('kms-pin')).access;
    expect(prod.artifactBuckets[BUCKET][SAME_ACCOUNT_PROBE]).toEqual({
      's3:GetObject': [{ 'aws:SecureTransport': 'true' }],
      's3:ListBucket': [{ 'aws:SecureTransport': 'true' }],
      's3:PutObject': [
        {
          'aws:SecureTransport': 'true',
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': KEY,
        },
      ],
    });
    expect(prod.principals['role/ArtifactReader'].conditional).toEqual({
      [`arn:aws:s3:::${BUCKET}`]: { 's3:ListBucket': [{ 'aws:SecureTransport': 'true' }] },
      [`arn:aws:s3:::${BUCKET}/*`]: { 's3:GetObject': [{ 'aws:SecureTransport': 'true' }] },
    });
  });

  test('GIVEN the pin dropped from the bucket policy THEN uploads with any key are flagged (CPA-INT1)', async () => {
    const result = await analyzeFocused('kms-pin', withoutStatement('DenyOtherKmsKeys'));
    const flagged = result.findings.filter((f) => f.ruleId === 'CPA-INT1');
    expect(flagged.map(({ target, detail }) => ({ target, detail }))).toEqual([
      { target: SAME_ACCOUNT_PROBE, detail: `Cell::${BUCKET}` },
    ]);
    expect(flagged[0].message).toContain(
      's3:PutObject (aws:SecureTransport=true and s3:x-amz-server-side-encryption=aws:kms)',
    );
  });
});

test('an "other" value names what it is other than, so plans naming different values never report the same', () => {
  const deny = (values: string[]): PolicyStatementJson[] => [
    { Effect: 'Deny', Condition: { StringEquals: { 'sts:ExternalId': values } } },
  ];
  const report = (values: string[]) => {
    const dimensions = dimensionsOf(deny(values));
    return reduceAllowed(
      dimensions,
      variantsOf(dimensions).map((v) => !values.includes(v['sts:ExternalId'])),
    );
  };
  expect(report(['a', 'b'])).toEqual([{ 'sts:ExternalId': '(absent)' }, { 'sts:ExternalId': '(none of: a, b)' }]);
  expect(report(['a'])).not.toEqual(report(['a', 'b']));
});

test('an address range is asked with an address inside it', () => {
  const [dimension] = dimensionsOf([{ Effect: 'Deny', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
  expect(dimension.values).toEqual(['10.0.0.1', '203.0.113.7', ABSENT]);
});

describe('reducing the allowed variants', () => {
  const statements: PolicyStatementJson[] = [
    { Effect: 'Allow', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    { Effect: 'Allow', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
  ];
  const dimensions = dimensionsOf(statements);
  const variants = variantsOf(dimensions);

  test('every key gets the values named, another value and absent', () => {
    expect(dimensions).toEqual([
      { key: 'aws:MultiFactorAuthPresent', values: ['false', 'true', ABSENT], labels: {} },
      {
        key: 'sts:ExternalId',
        values: ['x', 'codepipeline-access-other-value', ABSENT],
        labels: { 'codepipeline-access-other-value': '(none of: x)' },
      },
    ]);
    expect(variants).toHaveLength(9);
  });

  test('allowed everywhere is [{}], nowhere is [], in between the fewest general conditions', () => {
    expect(
      reduceAllowed(
        dimensions,
        variants.map(() => true),
      ),
    ).toEqual([{}]);
    expect(
      reduceAllowed(
        dimensions,
        variants.map(() => false),
      ),
    ).toEqual([]);
    const mfaAndId = variants.map((v) => v['aws:MultiFactorAuthPresent'] === 'true' && v['sts:ExternalId'] === 'x');
    expect(reduceAllowed(dimensions, mfaAndId)).toEqual([
      { 'aws:MultiFactorAuthPresent': 'true', 'sts:ExternalId': 'x' },
    ]);
    const mfaOrId = variants.map((v) => v['aws:MultiFactorAuthPresent'] === 'true' || v['sts:ExternalId'] === 'x');
    expect(reduceAllowed(dimensions, mfaOrId)).toEqual([
      { 'aws:MultiFactorAuthPresent': 'true' },
      { 'sts:ExternalId': 'x' },
    ]);
  });
});
