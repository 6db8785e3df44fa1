import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import type { BucketPolicyModel } from '../model/types';
import { resourceName } from './terraform-names';

export interface ArtifactBucketPolicyProps {
  readonly bucketPolicy: BucketPolicyModel;
}

/**
 * The policy of an existing artifact bucket (CodePipeline or the team created it): denies insecure transport
 * and non-KMS uploads, and lets named cross-account roles read artifacts.
 */
export class ArtifactBucketPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ArtifactBucketPolicyProps) {
    super(scope, id);
    const { bucketPolicy } = props;
    const resource = new S3BucketPolicy(this, 'policy', {
      bucket: bucketPolicy.bucket,
      policy: bucketPolicy.json,
    });
    resource.overrideLogicalId(resourceName(bucketPolicy.bucket));
  }
}
