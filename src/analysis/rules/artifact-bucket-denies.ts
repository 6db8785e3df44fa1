import { RULE_IDS } from '../../config/rule-ids';
import { bucketProbes } from '../access-matrix';
import { describeContext } from '../environment-access';
import { findingsOf, type Rule } from './rule';

/**
 * What a compliant artifact bucket policy guarantees: the probe (a principal of the bucket's account whose own
 * policies allow s3:*, access-matrix.ts) gets nothing without TLS, and uploads nothing without SSE-KMS. Whatever
 * the probe may do in some context other than that, the policy failed to deny.
 */
const REQUIREMENTS: readonly { action: string; key: string; value: string; detail: string }[] = [
  { action: 's3:GetObject', key: 'aws:SecureTransport', value: 'true', detail: 'GetObject over plain HTTP' },
  { action: 's3:ListBucket', key: 'aws:SecureTransport', value: 'true', detail: 'ListBucket over plain HTTP' },
  { action: 's3:PutObject', key: 'aws:SecureTransport', value: 'true', detail: 'PutObject over plain HTTP' },
  {
    action: 's3:PutObject',
    key: 's3:x-amz-server-side-encryption',
    value: 'aws:kms',
    detail: 'PutObject without SSE-KMS',
  },
];

export const artifactBucketDenies: Rule = {
  id: RULE_IDS.artifactBucketDenies,
  severity: 'error',
  summary: 'An artifact bucket policy does not deny insecure transport and non-KMS uploads',
  explanation:
    'Artifacts carry source and build output. The bucket policy must explicitly deny every request without TLS (aws:SecureTransport false) and every upload not using aws:kms (StringNotEquals plus the Null check), as the CodePipeline documentation recommends.',
  check(context) {
    const finding = findingsOf(this, context);
    const [sameAccount] = bucketProbes(context.env);
    return Object.entries(context.access.artifactBuckets).flatMap(([bucket, byProbe]) => {
      const address = context.env.bucketPolicies.find((b) => b.bucket === bucket)?.address ?? bucket;
      return REQUIREMENTS.flatMap((r) => {
        const loose = (byProbe[sameAccount.name]?.[r.action] ?? []).filter((c) => c[r.key] !== r.value);
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
    });
  },
};
