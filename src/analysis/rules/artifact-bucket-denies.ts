import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

/** Probes (see access-matrix.ts) a compliant artifact bucket policy must deny explicitly. */
const MUST_DENY = [
  'PutObject over HTTPS with SSE-S3',
  'PutObject over HTTPS without encryption header',
  'GetObject over plain HTTP',
  'ListBucket over plain HTTP',
];

export const artifactBucketDenies: Rule = {
  id: RULE_IDS.artifactBucketDenies,
  severity: 'error',
  summary: 'An artifact bucket policy does not deny insecure transport and non-KMS uploads',
  explanation:
    'Artifacts carry source and build output. The bucket policy must explicitly deny every request without TLS (aws:SecureTransport false) and every upload not using aws:kms (StringNotEquals plus the Null check), as the CodePipeline documentation recommends.',
  check(context) {
    const finding = findingsOf(this, context);
    return Object.entries(context.access.artifactBuckets).flatMap(([bucket, decisions]) =>
      MUST_DENY.filter((probe) => decisions[probe] !== 'ExplicitlyDenied').map((probe) => {
        const address = context.env.bucketPolicies.find((b) => b.bucket === bucket)?.address ?? bucket;
        return finding(
          address,
          `Probe::${probe}`,
          `bucket ${bucket} does not explicitly deny "${probe}" (${decisions[probe] ?? 'not evaluated'})`,
        );
      }),
    );
  },
};
