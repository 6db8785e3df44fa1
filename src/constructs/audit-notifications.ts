import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { AuditTrailModel, NotificationTopicModel } from '../model/types';
import { resourceName } from './terraform-names';

export interface AuditNotificationsProps {
  /** The rules and topics of the environment's audit trail. */
  readonly audit: AuditTrailModel;
  /**
   * The provider of a region: undefined for the stack's own region (the default provider), an aliased one for
   * IAM's region when the environment is elsewhere.
   */
  readonly providerFor: (region: string) => TerraformProvider | undefined;
}

/** A topic's (and its policy's) Terraform name: its name and region, as topics of one name live in two regions. */
export function topicResourceName(topic: NotificationTopicModel): string {
  return resourceName(topic.createName ?? topic.arn.split(':').pop() ?? topic.arn, topic.region);
}

/**
 * EventBridge rules on the CloudTrail events reviewers care about, each publishing to an SNS topic of its own
 * region (created here, or an existing one), whose policy lets exactly those rules publish (aws:SourceArn).
 */
export class AuditNotifications extends Construct {
  constructor(scope: Construct, id: string, props: AuditNotificationsProps) {
    super(scope, id);
    const { audit, providerFor } = props;
    const topicArns = new Map<string, string>();
    for (const topic of audit.topics) {
      const provider = providerFor(topic.region);
      const name = topicResourceName(topic);
      let arn = topic.arn;
      if (topic.createName !== undefined) {
        const created = new SnsTopic(this, `topic-${name}`, { name: topic.createName, provider });
        created.overrideLogicalId(name);
        arn = created.arn;
      }
      topicArns.set(topic.arn, arn);
      new SnsTopicPolicy(this, `topic-policy-${name}`, { arn, policy: topic.policyJson, provider }).overrideLogicalId(
        name,
      );
    }
    for (const rule of audit.rules) {
      const provider = providerFor(rule.region);
      const resource = new CloudwatchEventRule(this, `rule-${rule.name}`, {
        name: rule.name,
        description: rule.description,
        eventPattern: rule.eventPattern,
        provider,
      });
      resource.overrideLogicalId(resourceName(rule.name));
      new CloudwatchEventTarget(this, `target-${rule.name}`, {
        rule: resource.name,
        targetId: 'sns',
        arn: topicArns.get(rule.topicArn) ?? rule.topicArn,
        provider,
      }).overrideLogicalId(resourceName(rule.name));
    }
  }
}
