/**
 * Checks of an environment's `auditTrail` against the rest of the config, each problem located, all reported at
 * once (the schema checked the form of every field):
 *
 * - an existing trail named together with settings that only creating a trail uses; an existing trail of another
 *   environment of this config must be the organisation trail that environment creates;
 * - a trail to create needs a bucket; a bucket that is also an artifact bucket, a lifecycle on a bucket the stack
 *   does not create, a KMS key outside the trail's region;
 * - one organisation trail per organisation;
 * - a bucket policy of the user's own must hold every statement the stack would write (trail-bucket-policy.ts);
 * - notification topics in the account, in the region of the rules that publish to them.
 */
import { parseArn, partitionOf } from '../iam/arns';
import { auditArns, iamEventsRegion } from '../iam/audit-arns';
import { missingTrailBucketStatements, statementJson, type TrailBucketPolicyInput } from '../iam/trail-bucket-policy';
import { problem, type ConfigPath, type ConfigProblem } from './problems';
import type { PartialConfig } from './references';
import type { AuditTrailConfig, EnvironmentConfig } from './schema';

/** The name a trail gets when the config gives none. */
export const DEFAULT_TRAIL_NAME = 'codepipeline-access-audit';

/** Settings that only a trail the stack creates uses. */
const CREATION_SETTINGS = ['name', 'bucket', 'kmsKeyArn', 'organizationId'] as const;

/** What the bucket policy of a trail the config creates must name. */
export function trailBucketPolicyInput(env: EnvironmentConfig, trail: AuditTrailConfig): TrailBucketPolicyInput {
  return {
    accountId: env.accountId,
    region: env.region,
    trailName: trail.name ?? DEFAULT_TRAIL_NAME,
    bucket: trail.bucket?.name ?? '',
    keyPrefix: trail.bucket?.keyPrefix,
    organizationId: trail.organizationId,
  };
}

/** The ARN of the trail an environment's config creates, or undefined when it names an existing one. */
function createdTrailArn(env: EnvironmentConfig): string | undefined {
  const trail = env.auditTrail;
  if (!trail || trail.existingTrailArn !== undefined) return undefined;
  return auditArns.trail(env, trail.name ?? DEFAULT_TRAIL_NAME);
}

export function checkAuditTrails({ environments }: PartialConfig): ConfigProblem[] {
  if (!environments) return [];
  const problems: ConfigProblem[] = [];
  const organisationTrails = new Map<string, ConfigPath>();
  environments.forEach((env, e) => {
    const trail = env.auditTrail;
    if (!trail) return;
    const at = (...rest: (string | number)[]): ConfigPath => ['environments', e, 'auditTrail', ...rest];
    if (trail.existingTrailArn !== undefined) {
      problems.push(...existingTrailProblems(env, trail, trail.existingTrailArn, environments, at));
    } else {
      problems.push(...createdTrailProblems(env, trail, at));
      if (trail.organizationId !== undefined) {
        const first = organisationTrails.get(trail.organizationId);
        if (first)
          problems.push(
            problem(
              at('organizationId'),
              `organisation ${trail.organizationId} already gets an organisation trail at {related}: one records every management event of every account; a second would record (and charge for) each of them again`,
              { related: first },
            ),
          );
        else organisationTrails.set(trail.organizationId, at('organizationId'));
      }
    }
    if (trail.notifications) problems.push(...notificationProblems(env, trail.notifications, at));
  });
  return problems;
}

function existingTrailProblems(
  env: EnvironmentConfig,
  trail: AuditTrailConfig,
  arn: string,
  environments: readonly EnvironmentConfig[],
  at: (...rest: (string | number)[]) => ConfigPath,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of CREATION_SETTINGS)
    if (trail[key] !== undefined)
      problems.push(
        problem(
          at(key),
          `an existing trail is named (existingTrailArn), so the stack creates no trail and no bucket and ${key} would not be used; remove ${key}, or remove existingTrailArn to have the stack create the trail`,
        ),
      );
  const parsed = parseArn(arn);
  if (!parsed) return problems;
  const partition = partitionOf(env.region);
  if (parsed.partition !== partition)
    problems.push(
      problem(
        at('existingTrailArn'),
        `the trail is in partition "${parsed.partition}", but region ${env.region} is in partition "${partition}"; a trail records the accounts of its own partition only`,
      ),
    );
  // A trail of another environment of this config: that environment must create it, as an organisation trail.
  const owner = environments.find((other) => other.accountId === parsed.accountId && other !== env);
  if (owner) {
    const created = createdTrailArn(owner);
    const organisation = owner.auditTrail?.organizationId !== undefined;
    if (created !== arn || !organisation)
      problems.push(
        problem(
          at('existingTrailArn'),
          created === undefined
            ? `account ${parsed.accountId} is environment "${owner.name}", which creates no trail; name the organisation trail that records this account`
            : created !== arn
              ? `environment "${owner.name}" (account ${parsed.accountId}) creates the trail ${created}, not this one`
              : `the trail of environment "${owner.name}" records its own account only; give it organizationId to make it the organisation trail that also records account ${env.accountId}`,
        ),
      );
  }
  return problems;
}

function createdTrailProblems(
  env: EnvironmentConfig,
  trail: AuditTrailConfig,
  at: (...rest: (string | number)[]) => ConfigPath,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { bucket } = trail;
  if (!bucket) {
    problems.push(
      problem(
        at(),
        'a trail needs a bucket for its log files: bucket: { name: <bucket> } (or name the trail that already records this account with existingTrailArn)',
      ),
    );
  } else {
    if (env.artifactBuckets.some((b) => b.name === bucket.name))
      problems.push(
        problem(
          at('bucket', 'name'),
          `bucket "${bucket.name}" is an artifact bucket of this environment too; a trail needs a bucket of its own (its policy lets only CloudTrail write)`,
        ),
      );
    if (bucket.retentionDays !== undefined && !bucket.create)
      problems.push(
        problem(
          at('bucket', 'retentionDays'),
          "retentionDays needs a bucket the stack creates (create: true): on an existing bucket the stack's lifecycle configuration would replace the bucket's own lifecycle rules",
        ),
      );
    if (bucket.policy) {
      for (const missing of missingTrailBucketStatements(bucket.policy, trailBucketPolicyInput(env, trail)))
        problems.push(
          problem(
            at('bucket', 'policy'),
            `the trail bucket's policy lacks the statement "${missing.statement.sid}": ${missing.why}; add it (its Sid may differ, lists may be in any order): ${JSON.stringify(statementJson(missing.statement))}`,
          ),
        );
    }
  }
  const key = trail.kmsKeyArn === undefined ? undefined : parseArn(trail.kmsKeyArn);
  if (key && (key.region !== env.region || key.partition !== partitionOf(env.region)))
    problems.push(
      problem(
        at('kmsKeyArn'),
        `the KMS key is in region ${key.region}, but the trail of environment "${env.name}" and its bucket are in ${env.region}; CloudTrail needs a key of the bucket's region: arn:${partitionOf(env.region)}:kms:${env.region}:<account>:key/<key id>`,
      ),
    );
  return problems;
}

function notificationProblems(
  env: EnvironmentConfig,
  notifications: NonNullable<AuditTrailConfig['notifications']>,
  at: (...rest: (string | number)[]) => ConfigPath,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  notifications.events.forEach((event, i) => {
    if (notifications.events.indexOf(event) !== i)
      problems.push(problem(at('notifications', 'events', i), `event "${event}" is listed twice`));
  });
  const { topic } = notifications;
  if (!('arn' in topic)) return problems;
  const iamRegion = iamEventsRegion(env.region);
  const watchesIam = notifications.events.includes('iam-policy-changed');
  const watchesPipelines = notifications.events.some((event) => event !== 'iam-policy-changed');
  const elsewhere = env.region !== iamRegion;
  /** A topic ARN that must be in this account and in `region`, where the rules publishing to it are. */
  const inPlace = (arn: string, path: ConfigPath, region: string, why: string) => {
    const parsed = parseArn(arn);
    if (!parsed) return;
    const wrong = [
      ...(parsed.accountId === env.accountId
        ? []
        : [
            `is in account ${parsed.accountId}, but the stack sets the topic's policy, which it can only in this environment's account ${env.accountId}`,
          ]),
      ...(parsed.region === region
        ? []
        : [
            `is in region ${parsed.region}, but ${why}, and an EventBridge rule publishes only to a topic of its own region`,
          ]),
    ];
    if (wrong.length > 0) problems.push(problem(path, `the topic ${wrong.join('; and it ')}`));
  };
  if (watchesPipelines)
    inPlace(
      topic.arn,
      at('notifications', 'topic', 'arn'),
      env.region,
      `the rules on CodePipeline events are in the environment's region ${env.region}`,
    );
  if (topic.iamEventsArn !== undefined && !watchesIam)
    problems.push(
      problem(
        at('notifications', 'topic', 'iamEventsArn'),
        'iamEventsArn is only used for iam-policy-changed, which events does not list; remove it',
      ),
    );
  if (!watchesIam) return problems;
  const iamWhy = `IAM's events reach EventBridge only in ${iamRegion}, where the iam-policy-changed rule is`;
  if (topic.iamEventsArn !== undefined)
    inPlace(topic.iamEventsArn, at('notifications', 'topic', 'iamEventsArn'), iamRegion, iamWhy);
  else if (elsewhere && watchesPipelines)
    problems.push(
      problem(
        at('notifications', 'topic'),
        `iam-policy-changed needs a topic in ${iamRegion} too: ${iamWhy}, and an EventBridge rule publishes only to a topic of its own region; add iamEventsArn: arn:${partitionOf(env.region)}:sns:${iamRegion}:${env.accountId}:<topic>`,
      ),
    );
  else inPlace(topic.arn, at('notifications', 'topic', 'arn'), iamRegion, iamWhy);
  return problems;
}
