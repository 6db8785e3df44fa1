/**
 * Config -> the audit trail of one environment: the trail and its bucket (or the existing trail the config names),
 * and the EventBridge rules and SNS topics of its notifications. What each rule matches:
 *
 * - approval-recorded: CodePipeline's PutApprovalResult, in the environment's region;
 * - pipeline-changed: UpdatePipeline and DeletePipeline, in the environment's region;
 * - iam-policy-changed: a change outside Terraform to an IAM policy of this stack (a new or default version of its
 *   managed policies or their deletion; a policy attached to, detached from, put on or deleted from its groups,
 *   roles or users; a role's trust policy or permissions boundary; a member added to or removed from its groups).
 *   IAM is global: its events reach EventBridge only in IAM's region (us-east-1 in the aws partition), so these
 *   rules are there, publishing to a topic there (a rule's SNS target must be in the rule's region).
 *
 * "Outside Terraform": the caller's user agent is not the Terraform AWS provider's (`terraform-provider-aws/...`,
 * which `cdktf deploy` sends too). A user agent is the caller's to choose, so when the environment has a
 * deployment role (the only principal this stack's Terraform acts as), a change by any other principal matches as
 * well, whatever its user agent: only the deployment role with the provider's user agent is taken for Terraform.
 *
 * Each pattern stays within EventBridge's default event pattern quota (2,048 characters): a stack with more
 * names than fit gets the rule again, numbered, for the rest.
 */
import { DEFAULT_TRAIL_NAME, trailBucketPolicyInput } from '../config/audit-trail';
import type { ConfigPath } from '../config/problems';
import type { AuditTrailConfig, EnvironmentConfig, NotificationEvent } from '../config/schema';
import { parseArn } from '../iam/arns';
import { auditArns, iamEventsRegion } from '../iam/audit-arns';
import { renderPolicy, type PolicyDocument } from '../iam/policy-document';
import { trailBucketPolicy } from '../iam/trail-bucket-policy';
import type {
  AuditTrailModel,
  CreatedTrailModel,
  EventRuleModel,
  GroupModel,
  NotificationTopicModel,
  RoleModel,
  UserModel,
} from './types';

/** EventBridge's default quota for an event pattern, in characters. */
export const EVENT_PATTERN_QUOTA = 2048;

const RULE_PREFIX = 'codepipeline-access';
const API_CALL = 'AWS API Call via CloudTrail';
/** The Terraform AWS provider's user agent token (`terraform-provider-aws/5.100.0 (+https://registry...)`). */
export const TERRAFORM_USER_AGENT = '*terraform-provider-aws/*';

/** What the stack's IAM rules watch: the entities this stack manages in the account. */
export interface WatchedIam {
  readonly groups: readonly GroupModel[];
  readonly roles: readonly RoleModel[];
  readonly users: readonly UserModel[];
}

interface IamWatch {
  readonly suffix: string;
  readonly what: string;
  readonly field: 'policyArn' | 'groupName' | 'roleName' | 'userName';
  readonly eventNames: readonly string[];
  readonly values: readonly string[];
}

function iamWatches(env: EnvironmentConfig, watched: WatchedIam): IamWatch[] {
  const policies = [...watched.groups, ...watched.roles].flatMap((holder) => holder.policies);
  const sorted = (values: readonly string[]) => [...new Set(values)].sort();
  return [
    {
      suffix: 'policies',
      what: 'a managed policy of this stack (new or default version, deletion)',
      field: 'policyArn',
      eventNames: ['CreatePolicyVersion', 'DeletePolicy', 'DeletePolicyVersion', 'SetDefaultPolicyVersion'],
      values: sorted(policies.map((p) => auditArns.iamPolicy(env, p.name))),
    },
    {
      suffix: 'groups',
      what: "the policies or members of this stack's groups",
      field: 'groupName',
      eventNames: [
        'AddUserToGroup',
        'AttachGroupPolicy',
        'DeleteGroupPolicy',
        'DetachGroupPolicy',
        'PutGroupPolicy',
        'RemoveUserFromGroup',
      ],
      values: sorted(watched.groups.map((g) => g.name)),
    },
    {
      suffix: 'roles',
      what: "the policies, trust or permissions boundary of this stack's roles",
      field: 'roleName',
      eventNames: [
        'AttachRolePolicy',
        'DeleteRolePermissionsBoundary',
        'DeleteRolePolicy',
        'DetachRolePolicy',
        'PutRolePermissionsBoundary',
        'PutRolePolicy',
        'UpdateAssumeRolePolicy',
      ],
      values: sorted(watched.roles.map((r) => r.name)),
    },
    {
      suffix: 'users',
      what: "a policy or permissions boundary of this stack's users (it gives them none)",
      field: 'userName',
      eventNames: [
        'AttachUserPolicy',
        'DeleteUserPermissionsBoundary',
        'DeleteUserPolicy',
        'DetachUserPolicy',
        'PutUserPermissionsBoundary',
        'PutUserPolicy',
      ],
      values: sorted(watched.users.map((u) => u.name)),
    },
  ];
}

const apiCalls = (service: 'codepipeline' | 'iam', detail: Record<string, unknown>) => ({
  source: [`aws.${service}`],
  'detail-type': [API_CALL],
  detail: { eventSource: [`${service}.amazonaws.com`], ...detail },
});

/** The part of an IAM pattern that says "not by this stack's Terraform" (see the top of the file). */
function outsideTerraform(deploymentRoleArn: string | undefined): Record<string, unknown> {
  const userAgent = { userAgent: [{ 'anything-but': { wildcard: TERRAFORM_USER_AGENT } }] };
  if (deploymentRoleArn === undefined) return userAgent;
  return {
    $or: [
      userAgent,
      { userIdentity: { type: [{ 'anything-but': 'AssumedRole' }] } },
      { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': deploymentRoleArn }] } } } },
    ],
  };
}

/** `values` in as few patterns as fit the quota, each holding as many as fit, in order. */
function packedPatterns(values: readonly string[], pattern: (values: readonly string[]) => unknown): string[] {
  const packed: string[] = [];
  let chunk: string[] = [];
  for (const value of values) {
    const next = [...chunk, value];
    if (chunk.length > 0 && JSON.stringify(pattern(next)).length > EVENT_PATTERN_QUOTA) {
      packed.push(JSON.stringify(pattern(chunk)));
      chunk = [value];
    } else chunk = next;
  }
  if (chunk.length > 0) packed.push(JSON.stringify(pattern(chunk)));
  return packed;
}

interface RuleDraft {
  readonly name: string;
  readonly region: string;
  readonly event: NotificationEvent;
  readonly description: string;
  readonly eventPattern: string;
}

function ruleDrafts(env: EnvironmentConfig, events: readonly NotificationEvent[], watched: WatchedIam): RuleDraft[] {
  const drafts: RuleDraft[] = [];
  if (events.includes('approval-recorded'))
    drafts.push({
      name: `${RULE_PREFIX}-approval-recorded`,
      region: env.region,
      event: 'approval-recorded',
      description: 'codepipeline-access: an approval recorded on a manual approval action (PutApprovalResult)',
      eventPattern: JSON.stringify(apiCalls('codepipeline', { eventName: ['PutApprovalResult'] })),
    });
  if (events.includes('pipeline-changed'))
    drafts.push({
      name: `${RULE_PREFIX}-pipeline-changed`,
      region: env.region,
      event: 'pipeline-changed',
      description: 'codepipeline-access: a pipeline updated or deleted (UpdatePipeline, DeletePipeline)',
      eventPattern: JSON.stringify(apiCalls('codepipeline', { eventName: ['DeletePipeline', 'UpdatePipeline'] })),
    });
  if (events.includes('iam-policy-changed')) {
    const caller = outsideTerraform(env.deploymentRoleArn);
    for (const watch of iamWatches(env, watched)) {
      const patterns = packedPatterns(watch.values, (values) =>
        apiCalls('iam', { eventName: watch.eventNames, requestParameters: { [watch.field]: values }, ...caller }),
      );
      patterns.forEach((eventPattern, i) =>
        drafts.push({
          name: `${RULE_PREFIX}-iam-${watch.suffix}${i === 0 ? '' : `-${i + 1}`}`,
          region: iamEventsRegion(env.region),
          event: 'iam-policy-changed',
          description: `codepipeline-access: ${watch.what} changed outside Terraform${patterns.length > 1 ? ` (part ${i + 1} of ${patterns.length})` : ''}`,
          eventPattern,
        }),
      );
    }
  }
  return drafts;
}

/** The topic each rule publishes to: one per region the stack creates, or the config's existing ones. */
function topicArnFor(
  env: EnvironmentConfig,
  topic: NonNullable<AuditTrailConfig['notifications']>['topic'],
  rule: RuleDraft,
): string {
  if ('name' in topic) return auditArns.snsTopic({ accountId: env.accountId, region: rule.region }, topic.name);
  return rule.event === 'iam-policy-changed' ? (topic.iamEventsArn ?? topic.arn) : topic.arn;
}

/** Lets EventBridge publish to the topic, for exactly the rules that target it (aws:SourceArn). */
function topicPolicy(topicArn: string, ruleArns: readonly string[]): string {
  const document: PolicyDocument = {
    id: 'CodePipelineAccessNotifications',
    statements: [
      {
        sid: 'AllowTheRulesToPublish',
        effect: 'Allow',
        principal: { Service: ['events.amazonaws.com'] },
        actions: ['sns:Publish'],
        resources: [topicArn],
        condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      },
    ],
  };
  return renderPolicy(document);
}

function createdTrail(env: EnvironmentConfig, trail: AuditTrailConfig, at: ConfigPath): CreatedTrailModel | undefined {
  const { bucket } = trail;
  if (!bucket) return undefined; // audit-trail.ts refuses it
  const input = trailBucketPolicyInput(env, trail);
  const name = trail.name ?? DEFAULT_TRAIL_NAME;
  return {
    kind: 'created',
    name,
    arn: auditArns.trail(env, name),
    bucket: {
      name: bucket.name,
      create: bucket.create,
      keyPrefix: bucket.keyPrefix,
      retentionDays: bucket.retentionDays,
      policyJson: bucket.policy ? JSON.stringify(bucket.policy) : renderPolicy(trailBucketPolicy(input)),
      logKeyPrefix: `${bucket.keyPrefix === undefined ? '' : `${bucket.keyPrefix}/`}AWSLogs/${env.accountId}/`,
      origin: [...at, 'bucket'],
    },
    kmsKeyArn: trail.kmsKeyArn,
    organizationId: trail.organizationId,
  };
}

export function auditTrailModel(env: EnvironmentConfig, e: number, watched: WatchedIam): AuditTrailModel | undefined {
  const config = env.auditTrail;
  if (!config) return undefined;
  const at: ConfigPath = ['environments', e, 'auditTrail'];
  const trail =
    config.existingTrailArn !== undefined
      ? ({ kind: 'existing', arn: config.existingTrailArn } as const)
      : createdTrail(env, config, at);
  if (!trail) return undefined;
  const notifications = config.notifications;
  const rules: EventRuleModel[] = notifications
    ? ruleDrafts(env, notifications.events, watched).map((draft) => ({
        ...draft,
        arn: auditArns.eventRule({ accountId: env.accountId, region: draft.region }, draft.name),
        topicArn: topicArnFor(env, notifications.topic, draft),
      }))
    : [];
  const topicArns = [...new Set(rules.map((r) => r.topicArn))];
  const topics: NotificationTopicModel[] = topicArns.map((arn) => ({
    arn,
    region: parseArn(arn)?.region ?? env.region,
    createName: notifications && 'name' in notifications.topic ? notifications.topic.name : undefined,
    policyJson: topicPolicy(
      arn,
      rules.filter((r) => r.topicArn === arn).map((r) => r.arn),
    ),
  }));
  return { trail, rules, topics, origin: at };
}
