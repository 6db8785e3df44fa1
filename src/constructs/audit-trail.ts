import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { Construct } from 'constructs';
import type { CreatedTrailModel } from '../model/types';
import { resourceName } from './terraform-names';

export interface AuditTrailProps {
  /** The trail to create and its bucket. */
  readonly trail: CreatedTrailModel;
}

/**
 * A CloudTrail trail of the account's management events (CodePipeline's and, being multi-region with global service
 * events, IAM's, which CloudTrail records in us-east-1), with log file validation, delivered to a bucket whose policy
 * denies plain HTTP and lets only CloudTrail write, for this trail. The bucket is created with public access
 * blocked, or it exists and only its policy is set. The trail waits for the bucket policy: CreateTrail checks it.
 */
export class AuditTrail extends Construct {
  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { trail } = props;
    const { bucket } = trail;
    const name = resourceName(bucket.name);
    // S3 refuses a bucket policy written while the public access block is being set on the same bucket
    // (OperationAborted: "A conflicting conditional operation is currently in progress"): one after the other.
    let publicAccessBlock: S3BucketPublicAccessBlock | undefined;
    if (bucket.create) {
      const created = new S3Bucket(this, 'bucket', { bucket: bucket.name });
      created.overrideLogicalId(name);
      publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
        bucket: created.bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      publicAccessBlock.overrideLogicalId(name);
      if (bucket.retentionDays !== undefined) {
        new S3BucketLifecycleConfiguration(this, 'lifecycle', {
          bucket: created.bucket,
          rule: [
            {
              id: 'expire-trail-log-files',
              status: 'Enabled',
              filter: [{ prefix: bucket.keyPrefix === undefined ? '' : `${bucket.keyPrefix}/` }],
              expiration: [{ days: bucket.retentionDays }],
            },
          ],
        }).overrideLogicalId(name);
      }
    }
    const policy = new S3BucketPolicy(this, 'policy', {
      bucket: bucket.name,
      policy: bucket.policyJson,
      dependsOn: publicAccessBlock ? [publicAccessBlock] : undefined,
    });
    policy.overrideLogicalId(name);

    new Cloudtrail(this, 'trail', {
      name: trail.name,
      s3BucketName: bucket.name,
      s3KeyPrefix: bucket.keyPrefix,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      isOrganizationTrail: trail.organizationId !== undefined ? true : undefined,
      kmsKeyId: trail.kmsKeyArn,
      eventSelector: [{ readWriteType: 'All', includeManagementEvents: true }],
      dependsOn: [policy],
    }).overrideLogicalId(resourceName(trail.name));
  }
}
