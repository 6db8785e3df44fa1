import { RULE_IDS } from '../../config/rule-ids';
import { bucketProbes, CLOUDTRAIL_PROBE } from '../access-matrix';
import { describeContext, type AllowedWhen, type BucketProbes, type ContextCondition } from '../environment-access';
import type { PlannedEnvironment } from '../plan-principals';
import { findingsOf, type Rule } from './rule';

/**
 * What a compliant bucket policy guarantees, asked of the bucket probes (access-matrix.ts): a principal of the
 * bucket's account whose own policies allow s3:*, one of another account, and for the trail's bucket CloudTrail
 * itself. One table per kind of bucket, one mechanism for both: whatever a probe may do in a context a requirement
 * rules out, the policy failed to deny.
 *
 * - Artifact buckets: nothing without TLS, no upload without SSE-KMS.
 * - The trail's bucket (the plan's `audit_trail` output names it): nothing without TLS; no upload by anyone but
 *   CloudTrail; CloudTrail's ACL check and writes only for this trail (`aws:SourceArn`), and possible for it, or
 *   the trail cannot deliver.
 */
interface Requirement {
  readonly probe: 'same account' | 'other account' | 'cloudtrail';
  readonly action: string;
  /** What the policy must deny (the finding's detail, after `Probe::`). */
  readonly detail: string;
  /** The contexts in which the probe is allowed although it must not be. */
  readonly loose: (allowed: AllowedWhen, trailArn: string) => readonly ContextCondition[];
}

const without = (key: string, value: string) => (allowed: AllowedWhen) => allowed.filter((c) => c[key] !== value);
const inAnyContext = (allowed: AllowedWhen) => allowed;
const forAnotherTrail = (allowed: AllowedWhen, trailArn: string) =>
  allowed.filter((c) => c['aws:SourceArn'] !== trailArn);

const TLS: readonly Requirement[] = [
  {
    probe: 'same account',
    action: 's3:GetObject',
    detail: 'GetObject over plain HTTP',
    loose: without('aws:SecureTransport', 'true'),
  },
  {
    probe: 'same account',
    action: 's3:ListBucket',
    detail: 'ListBucket over plain HTTP',
    loose: without('aws:SecureTransport', 'true'),
  },
  {
    probe: 'same account',
    action: 's3:PutObject',
    detail: 'PutObject over plain HTTP',
    loose: without('aws:SecureTransport', 'true'),
  },
];

const ARTIFACT_BUCKET: readonly Requirement[] = [
  ...TLS,
  {
    probe: 'same account',
    action: 's3:PutObject',
    detail: 'PutObject without SSE-KMS',
    loose: without('s3:x-amz-server-side-encryption', 'aws:kms'),
  },
];

const TRAIL_BUCKET: readonly Requirement[] = [
  ...TLS,
  {
    probe: 'same account',
    action: 's3:PutObject',
    detail: 'PutObject by a principal other than CloudTrail',
    loose: inAnyContext,
  },
  { probe: 'other account', action: 's3:PutObject', detail: 'PutObject by another account', loose: inAnyContext },
  {
    probe: 'cloudtrail',
    action: 's3:GetBucketAcl',
    detail: "CloudTrail's GetBucketAcl for another trail",
    loose: forAnotherTrail,
  },
  {
    probe: 'cloudtrail',
    action: 's3:PutObject',
    detail: "CloudTrail's PutObject for another trail",
    loose: forAnotherTrail,
  },
];

/** The probe names of one environment, as the access file keys them. */
function probeNames(env: PlannedEnvironment): Record<Requirement['probe'], string> {
  const [sameAccount, otherAccount] = bucketProbes(env);
  return { 'same account': sameAccount.name, 'other account': otherAccount.name, cloudtrail: CLOUDTRAIL_PROBE.name };
}

export const artifactBucketDenies: Rule = {
  id: RULE_IDS.artifactBucketDenies,
  severity: 'error',
  summary:
    "A bucket policy does not deny what it must: plain HTTP and non-KMS uploads (artifact buckets); plain HTTP, uploads by anyone but CloudTrail, and CloudTrail's calls for another trail (the trail's bucket)",
  explanation:
    "Artifacts carry source and build output. The bucket policy must explicitly deny every request without TLS (aws:SecureTransport false) and every upload not using aws:kms (StringNotEquals plus the Null check), as the CodePipeline documentation recommends. The audit trail's log files are evidence: its bucket's policy must deny every request without TLS and every upload by anyone but CloudTrail (a principal whose own policies allow s3:PutObject could otherwise forge log files), and allow CloudTrail's ACL check and writes only with aws:SourceArn naming this trail, as the CloudTrail documentation gives them; without those allows the trail cannot deliver at all.",
  check(context) {
    const finding = findingsOf(this, context);
    const probes = probeNames(context.env);
    const checkBuckets = (buckets: BucketProbes, requirements: readonly Requirement[], isTrailBucket: boolean) =>
      Object.entries(buckets).flatMap(([bucket, byProbe]) => {
        const planned = context.env.bucketPolicies.find((b) => b.bucket === bucket);
        const address = planned?.address ?? bucket;
        const trailArn = planned?.trail?.arn ?? '';
        const denied = requirements.flatMap((r) => {
          const loose = r.loose(byProbe[probes[r.probe]]?.[r.action] ?? [], trailArn);
          return loose.length === 0
            ? []
            : [
                finding(
                  address,
                  `Probe::${r.detail}`,
                  `bucket ${bucket} does not deny ${r.detail}: ${r.action} is allowed with ${loose.map(describeContext).join(', or ')}`,
                ),
              ];
        });
        if (!isTrailBucket) return denied;
        // The trail needs both calls, for itself: a policy that allows either not even for this trail breaks
        // delivery (a context that does not name aws:SourceArn allows it for every trail, this one included).
        const forThisTrail = (c: ContextCondition) => !('aws:SourceArn' in c) || c['aws:SourceArn'] === trailArn;
        const undeliverable = ['s3:GetBucketAcl', 's3:PutObject'].filter(
          (action) => !(byProbe[probes.cloudtrail]?.[action] ?? []).some(forThisTrail),
        );
        return [
          ...denied,
          ...undeliverable.map((action) =>
            finding(
              address,
              `Probe::CloudTrail ${action.replace('s3:', '')} for this trail`,
              `bucket ${bucket} does not allow CloudTrail's ${action} with aws:SourceArn=${trailArn}: the trail cannot deliver its log files (CreateTrail refuses such a bucket)`,
            ),
          ),
        ];
      });
    return [
      ...checkBuckets(context.access.artifactBuckets, ARTIFACT_BUCKET, false),
      ...checkBuckets(context.access.auditTrailBuckets ?? {}, TRAIL_BUCKET, true),
    ];
  },
};
