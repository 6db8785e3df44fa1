/**
 * ARNs of what an environment's audit trail consists of (a CloudTrail trail, EventBridge rules, SNS topics, the
 * stack's managed policies the rules watch), and the one region per partition where IAM's events arrive. Computed,
 * never read back from AWS: the policies that name them (a bucket policy's aws:SourceArn, a topic policy) are
 * rendered before anything exists, and the plan shows them in full.
 */
import { partitionOf, type AccountRegion, type Partition } from './arns';

/**
 * IAM is a global service: CloudTrail records its calls in one region per partition, and EventBridge receives them
 * on the default bus of that region only (us-east-1 for aws; cn-north-1 and us-gov-west-1 for China and GovCloud).
 * A rule on IAM events must live there, whatever the environment's region.
 */
export const IAM_EVENTS_REGION: Readonly<Record<Partition, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};

export const iamEventsRegion = (region: string): string => IAM_EVENTS_REGION[partitionOf(region)];

export const auditArns = {
  /** A trail's ARN names its home region, where it was created. */
  trail: (env: AccountRegion, name: string) =>
    `arn:${partitionOf(env.region)}:cloudtrail:${env.region}:${env.accountId}:trail/${name}`,
  /** A rule on the account's default event bus of `env.region`. */
  eventRule: (env: AccountRegion, name: string) =>
    `arn:${partitionOf(env.region)}:events:${env.region}:${env.accountId}:rule/${name}`,
  snsTopic: (env: AccountRegion, name: string) =>
    `arn:${partitionOf(env.region)}:sns:${env.region}:${env.accountId}:${name}`,
  /** A customer managed policy without a path, as the stack creates them. */
  iamPolicy: (env: AccountRegion, name: string) =>
    `arn:${partitionOf(env.region)}:iam::${env.accountId}:policy/${name}`,
};
