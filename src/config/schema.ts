/**
 * The access config file, as a zod schema: the single source of the config's shape and of the per-field rules
 * (names, ids, regions, tags, ARN forms, ranges). Rules between fields (an ARN in the environment's own account,
 * references by name) are in references.ts and environment-arns.ts; AWS limits on the resolved model in
 * src/model/limits.ts.
 */
import { z } from 'zod';
import { KNOWN_REGIONS, REGION_LIST_SOURCE } from '../iam/regions';
import { bucketNameProblem } from './bucket-name';
import { didYouMean } from './did-you-mean';
import { localStatePathProblem } from './local-state-path';
import { pgpKeyProblem } from './pgp-key';
import { SUPPRESSIBLE_RULE_IDS } from './rule-ids';
import { trailNameProblem } from './trail-name';

/** IAM's name charset; the lengths differ per entity (REFERENCE: user 64, group/policy 128, role 64). */
const IAM_NAME = /^[\w+=,.@-]+$/;
const iamName = (entity: string, max: number) =>
  z
    .string()
    .min(1, { message: `${entity} name must not be empty` })
    .max(max, { message: `${entity} name must be at most ${max} characters` })
    .regex(IAM_NAME, { message: `${entity} name may only contain letters, digits and + = , . @ _ -` });

const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, {
    message: `${what} must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 100)`,
  });

/** A string field checked by a function that returns why it is wrong (or undefined): one precise message. */
const checkedString = (why: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = why(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });

const accountId = z.string().regex(/^\d{12}$/, { message: 'account id must be exactly 12 digits, quoted' });
const region = checkedString((value) =>
  KNOWN_REGIONS.has(value)
    ? undefined
    : `unknown AWS region${didYouMean(value, KNOWN_REGIONS, 3, 2)}; must be one of ${REGION_LIST_SOURCE}, e.g. us-east-1, us-east-2, eu-west-1, ap-southeast-2`,
);
const PARTITION = '(aws|aws-cn|aws-us-gov)';
const roleArn = z.string().regex(new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/-]+$`), {
  message: 'must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>',
});
const KMS_KEY_ARN = new RegExp(
  `^arn:${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`,
);
/** A KMS key ARN (never an alias); `aliasReason` says why an alias cannot do where the key is used. */
const kmsKeyArnFor = (aliasReason: string) =>
  checkedString((value) => {
    if (KMS_KEY_ARN.test(value)) return undefined;
    if (/^(arn:[^:]*:kms:[^:]*:[^:]*:)?alias\//.test(value)) {
      return `an alias cannot be used here: ${aliasReason}; give the key ARN arn:aws:kms:<region>:<account>:key/<key id> (aws kms describe-key --key-id <alias> prints it)`;
    }
    return 'must be a KMS key ARN: arn:aws:kms:<region>:<12-digit account>:key/<key id> (a UUID, or mrk-<32 hex> for a multi-Region key)';
  });
const kmsKeyArn = kmsKeyArnFor("S3's s3:x-amz-server-side-encryption-aws-kms-key-id condition compares the key ARN");
/** CodePipeline names: 1-100 of [A-Za-z0-9.@_-] (CreatePipeline API). */
const pipelineName = z.string().regex(/^[A-Za-z0-9.@_-]{1,100}$/, {
  message: 'pipeline, stage and action names must be 1-100 characters of letters, digits and . @ _ -',
});
const bucketName = checkedString(bucketNameProblem);
/** AWS tag rules (the same for IAM, S3 and CodePipeline): letters, digits, spaces and _ . : / = + - @. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARSET = 'Unicode letters, digits, spaces and _ . : / = + - @';
const characters = (value: string) => [...value].length;
const tagKey = checkedString((key) => {
  if (characters(key) < 1 || characters(key) > 128)
    return `tag key must be 1-128 characters; it has ${characters(key)}`;
  if (!TAG_CHARS.test(key)) return `tag key may only contain ${TAG_CHARSET}`;
  if (key.toLowerCase().startsWith('aws:')) return 'tag keys starting with "aws:" are reserved for AWS';
  return undefined;
});
const tagValue = checkedString((value) => {
  if (characters(value) > 256) return `tag value must be at most 256 characters; it has ${characters(value)}`;
  if (!TAG_CHARS.test(value)) return `tag value may only contain ${TAG_CHARSET}`;
  return undefined;
});
const tags = z.record(tagKey, tagValue);

const stage = z.strictObject({
  name: pipelineName,
  /** Names of the manual approval actions in this stage. */
  approvals: z.array(pipelineName).default([]),
});

/** CodePipeline webhook names: 1-100 of [A-Za-z0-9.@_-] (PutWebhook API, WebhookDefinition.name). */
const webhookName = z.string().regex(/^[A-Za-z0-9.@_-]{1,100}$/, {
  message: 'webhook name must be 1-100 characters of letters, digits and . @ _ - (the name given to PutWebhook)',
});

const pipeline = z.strictObject({
  name: pipelineName,
  tags: tags.default({}),
  stages: z.array(stage).default([]),
  /** CodePipeline webhooks of this pipeline (PutWebhook names); @default - none: webhook actions cannot be granted on it */
  webhooks: z.array(webhookName).default([]),
  /**
   * The pipeline's service role, a role of the environment's own account; admins may pass only declared service
   * roles. @default - none: an admin of this pipeline cannot create or update it (no iam:PassRole)
   */
  serviceRoleArn: roleArn.optional(),
});

/** CreateCustomActionType: the action type's id (the owner of a custom action type is always Custom). */
export const ACTION_CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval'] as const;
const actionType = z.strictObject({
  owner: z
    .literal('Custom', { error: 'owner must be "Custom": CreateCustomActionType creates Custom action types only' })
    .default('Custom'),
  category: z.enum(ACTION_CATEGORIES, { error: `category must be one of ${ACTION_CATEGORIES.join(', ')}` }),
  provider: z.string().regex(/^[0-9A-Za-z_-]{1,35}$/, {
    message: 'provider must be 1-35 characters of letters, digits, "_" and "-" (CreateCustomActionType)',
  }),
  version: z.string().regex(/^[0-9A-Za-z_-]{1,9}$/, {
    message: 'version must be 1-9 characters of letters, digits, "_" and "-", quoted (CreateCustomActionType)',
  }),
});

const artifactBucket = z.strictObject({
  name: bucketName,
  /** Uploads must use this key (in addition to aws:kms). */
  kmsKeyArn: kmsKeyArn.optional(),
  /** Cross-account roles of this environment that may read artifacts. */
  readers: z.array(iamName('role', 64)).default([]),
});

const passwordPolicy = z.strictObject({
  minimumLength: z.number().int().min(6).max(128).default(14),
  requireLowercase: z.boolean().default(true),
  requireUppercase: z.boolean().default(true),
  requireNumbers: z.boolean().default(true),
  requireSymbols: z.boolean().default(true),
  allowUsersToChangePassword: z.boolean().default(true),
  /** Days; 0 disables expiry. */
  maxAgeDays: z.number().int().min(0).max(1095).default(90),
  reusePrevention: z.number().int().min(0).max(24).default(24),
  hardExpiry: z.boolean().default(false),
});

/** S3 object key: AWS's "safe" characters in '/'-separated segments, no leading, trailing or doubled '/'. */
const s3Key = z
  .string()
  .max(1024, { message: 'S3 key must be at most 1024 characters' })
  .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, {
    message:
      "S3 key must be '/'-separated segments of letters, digits and ! _ . * ' ( ) -, without a leading, trailing or doubled '/'",
  });
/** RFC 1123 host name, optionally with a port. */
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}(:|$))[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/,
    {
      message:
        'hostname must be a host name such as app.terraform.io or tfe.example.com (optionally :port), without a scheme or path',
    },
  );

const backend = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('local'),
      /**
       * Relative to the project root (where cdktf.json is, the working directory); never inside a directory the
       * project deletes or regenerates (see local-state-path.ts). @default - chosen by the backend construct
       */
      path: checkedString((path) => localStatePathProblem(path)).optional(),
    }),
    z.strictObject({
      type: z.literal('s3'),
      bucket: bucketName,
      /** @default codepipeline-access/<environment>.tfstate */
      key: s3Key.optional(),
      region,
      /** @default - S3 native locking (use_lockfile) */
      dynamodbTable: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,255}$/, {
          message: 'DynamoDB table name must be 3-255 letters, digits, "_", "." or "-"',
        })
        .optional(),
      roleArn: roleArn.optional(),
    }),
    z.strictObject({
      type: z.literal('cloud'),
      organization: z.string().regex(/^[A-Za-z0-9_-]+$/, {
        message: 'organization must be an HCP Terraform organization name: letters, digits, "_" and "-"',
      }),
      workspace: z.string().regex(/^[A-Za-z0-9_-]{1,90}$/, {
        message: 'workspace must be 1-90 letters, digits, "_" or "-"',
      }),
      /** @default app.terraform.io */
      hostname: hostname.optional(),
    }),
  ],
  { error: 'backend.type must be one of "local", "s3", "cloud"' },
);

/** `all`, a list of pipeline names, or pipelines whose config tags match every given tag. */
const pipelineSelector = z.union(
  [
    z.literal('all'),
    z.array(pipelineName).min(1),
    z.strictObject({
      tags: tags.refine((t) => Object.keys(t).length > 0, { message: 'a tag selector needs at least one tag' }),
    }),
  ],
  { error: 'pipelines must be "all", a list of pipeline names, or { tags: { key: value } }' },
);

const crossAccountRole = z.strictObject({
  name: iamName('role', 64),
  description: z.string().max(1000).optional(),
  profile: name('profile'),
  pipelines: pipelineSelector,
  /** The environment (managed here) or the account (managed elsewhere) whose principals may assume the role. */
  trust: z.strictObject({
    environment: name('environment').optional(),
    accountId: accountId.optional(),
    /** Teams in the trusted environment whose groups get the sts:AssumeRole policy. */
    teams: z.array(name('team')).default([]),
  }),
  requireMfa: z.boolean().default(true),
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/)
    .optional(),
  maxSessionDurationSeconds: z.number().int().min(3600).max(43200).default(3600),
});

/** A file path, relative to the config file's directory (guardrails.ts reads and checks the file). */
const policyFile = z.string().min(1, { message: 'a file path must not be empty' });
/** A customer managed policy (12-digit account) or an AWS managed policy (account `aws`), with an optional path. */
const iamPolicyArn = z
  .string()
  .regex(new RegExp(`^arn:${PARTITION}:iam::(\\d{12}|aws):policy/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`), {
    message:
      'must be an IAM policy ARN: arn:aws:iam::<12-digit account>:policy/<name> (customer managed) or arn:aws:iam::aws:policy/<name> (AWS managed)',
  });

/**
 * Policies the organisation puts over the account, outside this stack. They are fed to the simulator, and the
 * boundary is also set on every user and role the stack creates. @default - none
 */
const guardrails = z.strictObject({
  /** `aws organizations describe-policy` output files (or plain policy documents) in effect for the account. */
  serviceControlPolicies: z.array(policyFile).default([]),
  /** The same for resource control policies. */
  resourceControlPolicies: z.array(policyFile).default([]),
  /** Set on every IAM user and role the stack creates. @default - none */
  permissionsBoundary: z
    .strictObject({
      arn: iamPolicyArn,
      /** The boundary's document, or `aws iam get-policy-version` output. */
      file: policyFile,
    })
    .optional(),
});

/** `<group>/<policy>`: a group and a policy attached to it, by name. */
const groupPolicyPair = z.string().regex(/^[\w+=,.@-]{1,128}\/[\w+=,.@-]{1,128}$/, {
  message: 'must be <group name>/<policy name>, the group and a policy the stack attaches to it',
});
/** `<role>/<policy>`: a role and a policy attached to it, by name. */
const rolePolicyPair = z.string().regex(/^[\w+=,.@-]{1,64}\/[\w+=,.@-]{1,128}$/, {
  message: 'must be <role name>/<policy name>, the role and a policy the stack attaches to it',
});

/**
 * Existing IAM resources of the account that the stack takes over at its first deploy instead of creating them
 * (cdktf `importFrom`, Terraform `import` blocks), by name: what `npm run adopt` proposes. Each must be one the
 * environment creates (src/model/imports.ts checks). @default - none: every resource is created
 */
const imports = z.strictObject({
  groups: z.array(iamName('group', 128)).default([]),
  policies: z.array(iamName('policy', 128)).default([]),
  groupPolicyAttachments: z.array(groupPolicyPair).default([]),
  /** Roles: the cross-account roles and the team roles (`delivery: iam-role`) the environment creates. */
  roles: z.array(iamName('role', 64)).default([]),
  rolePolicyAttachments: z.array(rolePolicyPair).default([]),
  users: z.array(iamName('user', 64)).default([]),
  /** Users whose console login profile exists (the password stays the user's). */
  loginProfiles: z.array(iamName('user', 64)).default([]),
  /** Users whose membership of the environment's groups is taken over (one `aws_iam_user_group_membership` each). */
  groupMemberships: z.array(iamName('user', 64)).default([]),
  /** The account password policy (there is one per account). */
  passwordPolicy: z.boolean().default(false),
});

/** A bucket policy statement as IAM's grammar has it (the user's own trail bucket policy). */
const stringOrList = z.union([z.string(), z.array(z.string())]);
const policyPrincipal = z.union([z.literal('*'), z.record(z.string(), stringOrList)]);
const conditionValue = z.union([z.string(), z.boolean(), z.number()]);
const bucketPolicyStatement = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny'], { error: 'Effect must be "Allow" or "Deny"' }),
    Principal: policyPrincipal.optional(),
    NotPrincipal: policyPrincipal.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.optional(),
    NotResource: stringOrList.optional(),
    Condition: z
      .record(z.string(), z.record(z.string(), z.union([conditionValue, z.array(conditionValue)])))
      .optional(),
  })
  .superRefine((statement, ctx) => {
    for (const [a, b] of [
      ['Principal', 'NotPrincipal'],
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
    ] as const)
      if ((statement[a] === undefined) === (statement[b] === undefined))
        ctx.addIssue({ code: 'custom', message: `a bucket policy statement needs exactly one of ${a} and ${b}` });
  });

/** CloudTrail log delivery: the trail's bucket. */
const trailBucket = z.strictObject({
  name: bucketName,
  /**
   * The stack creates the bucket (with public access blocked); false: the bucket exists in this account and region,
   * and the stack sets only its policy (replacing the one it has). @default true
   */
  create: z.boolean().default(true),
  /** The trail's S3 key prefix (CreateTrail S3KeyPrefix). @default - log files go under AWSLogs/ */
  keyPrefix: s3Key
    .max(200, { message: 'keyPrefix must be at most 200 characters (CreateTrail S3KeyPrefix)' })
    .optional(),
  /** Days after which log files expire (an S3 lifecycle rule); only for a bucket the stack creates. @default - kept */
  retentionDays: z
    .number()
    .int({ message: 'retentionDays must be a whole number of days' })
    .min(1, { message: 'retentionDays must be at least 1 (S3 expires objects after a positive number of days)' })
    .max(36500, { message: 'retentionDays must be at most 36500 (100 years)' })
    .optional(),
  /**
   * The bucket's whole policy, when it must hold statements of your own (an existing bucket's, say: aws s3api
   * get-bucket-policy prints it). It replaces the generated policy and must contain every statement of that one.
   * @default - the generated policy (TLS only, CloudTrail alone may write, for this trail)
   */
  policy: z
    .strictObject({
      Version: z.literal('2012-10-17', { error: 'Version must be "2012-10-17"' }).optional(),
      Id: z.string().optional(),
      Statement: z.array(bucketPolicyStatement).min(1, { message: 'a bucket policy needs statements' }),
    })
    .optional(),
});

export const NOTIFICATION_EVENTS = ['approval-recorded', 'pipeline-changed', 'iam-policy-changed'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const snsTopicName = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, {
  message: 'a topic name must be 1-256 letters, digits, "_" or "-" (a standard SNS topic)',
});
const snsTopicArn = z.string().regex(new RegExp(`^arn:${PARTITION}:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$`), {
  message: 'must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<12-digit account>:<topic name>',
});

/** EventBridge rules on what reviewers care about, publishing to an SNS topic. */
const notifications = z.strictObject({
  /** @default every event: approval-recorded, pipeline-changed, iam-policy-changed */
  events: z
    .array(z.enum(NOTIFICATION_EVENTS, { error: `events must be some of ${NOTIFICATION_EVENTS.join(', ')}` }))
    .min(1, { message: 'name at least one event, or leave notifications out' })
    .default([...NOTIFICATION_EVENTS]),
  /**
   * `{ name }`: the stack creates a topic of that name in the environment's region, and in IAM's region when IAM
   * events are watched from another; `{ arn, iamEventsArn }`: existing topics of this account (the stack sets their
   * policies). @default - a topic named codepipeline-access-audit, created by the stack
   */
  topic: z
    .union(
      [
        z.strictObject({ name: snsTopicName }),
        z.strictObject({
          /** A topic in the environment's region. */
          arn: snsTopicArn,
          /** A topic in IAM's region, for iam-policy-changed when the environment is elsewhere. @default - none */
          iamEventsArn: snsTopicArn.optional(),
        }),
      ],
      { error: 'topic must be { name: <topic name> } or { arn: <topic ARN>, iamEventsArn?: <topic ARN> }' },
    )
    .default({ name: 'codepipeline-access-audit' }),
});

/**
 * A CloudTrail trail recording the account's management events (CodePipeline and IAM included), or the trail that
 * already does. @default - none: the stack creates nothing for auditing
 */
const auditTrail = z.strictObject({
  /**
   * A trail that already records this account's management events (the organisation's trail, say): the stack then
   * creates no trail and no bucket. @default - the stack creates a trail
   */
  existingTrailArn: z
    .string()
    .regex(new RegExp(`^arn:${PARTITION}:cloudtrail:[a-z0-9-]+:\\d{12}:trail/[A-Za-z0-9._-]{3,128}$`), {
      message:
        'must be a CloudTrail trail ARN: arn:aws:cloudtrail:<region>:<12-digit account>:trail/<name> (TrailARN in aws cloudtrail describe-trails)',
    })
    .optional(),
  /** @default codepipeline-access-audit */
  name: checkedString(trailNameProblem).optional(),
  bucket: trailBucket.optional(),
  /** The trail encrypts its log files with this key (SSE-KMS), in the environment's region. @default - SSE-S3 */
  kmsKeyArn: kmsKeyArnFor(
    'an alias can be pointed at another key without a change to this config, and the key must be in the region of the trail and its bucket, which the checks compare',
  ).optional(),
  /**
   * Makes it an organisation trail (every account's events), created in the organisation's management account or a
   * delegated administrator. @default - a trail of this account only
   */
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, {
      message:
        'organizationId must be an AWS Organizations id: "o-" and 10-32 lowercase letters or digits (Id in aws organizations describe-organization)',
    })
    .optional(),
  notifications: notifications.optional(),
});

const environment = z.strictObject({
  name: name('environment'),
  accountId,
  region,
  /** Role the deploying credentials assume; @default - none, the credentials act directly */
  deploymentRoleArn: roleArn.optional(),
  backend: backend.default({ type: 'local' }),
  defaultTags: tags.default({}),
  pipelines: z.array(pipeline).default([]),
  /** Custom action types of this account and region; @default - none: action-type actions cannot be granted here */
  actionTypes: z.array(actionType).default([]),
  artifactBuckets: z.array(artifactBucket).default([]),
  passwordPolicy: passwordPolicy.default(passwordPolicy.parse({})),
  crossAccountRoles: z.array(crossAccountRole).default([]),
  /** Group every console user joins so they can change their own password. */
  selfServiceGroup: iamName('group', 128).default('codepipeline-access-self-service'),
  /** SCPs, RCPs and a permissions boundary over this account; @default - none */
  guardrails: guardrails.optional(),
  /** Existing resources the first deploy takes over; @default - none */
  imports: imports.optional(),
  /** A CloudTrail trail and notifications (see auditTrail above); @default - none */
  auditTrail: auditTrail.optional(),
});

export const PROFILE_KINDS = ['viewer', 'operator', 'approver', 'admin', 'custom'] as const;

const profile = z.strictObject({
  name: name('profile'),
  kind: z.enum(PROFILE_KINDS),
  description: z.string().max(1000).optional(),
  /** Only for kind custom: exact CodePipeline action names. */
  actions: z.array(z.string()).optional(),
});

const grant = z.strictObject({
  profile: name('profile'),
  pipelines: pipelineSelector,
  /** Only for approver profiles: `pipeline/stage/action` to approve; @default - every approval action of the pipelines */
  approvalActions: z
    .array(z.string().regex(/^[^/]+\/[^/]+\/[^/]+$/, { message: 'must be pipeline/stage/action' }))
    .optional(),
  /** @default <team>-<profile> */
  policyName: iamName('policy', 128).optional(),
});

/**
 * How a team's access reaches its people: an IAM group per environment (with IAM users), an in-account IAM role
 * its members assume (their group may only assume it), an IAM Identity Center permission set assigned in each
 * environment's account (with Identity Center users and groups), or an IAM kind and Identity Center together while a
 * team moves from one to the other.
 */
export const DELIVERY_KINDS = ['iam-group', 'iam-role', 'identity-center'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
const DELIVERY_RULE = `delivery must be ${DELIVERY_KINDS.map((k) => `"${k}"`).join(', ')}, or a list of an IAM kind and "identity-center" (during a migration)`;
const deliveryKind = z.enum(DELIVERY_KINDS, { error: DELIVERY_RULE });

/** Permission set names (CreatePermissionSet): 1-32 of IAM's name characters. */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const PERMISSION_SET_NAME_RULE = 'permission set name must be 1-32 characters of letters, digits and + = , . @ _ -';

/** ISO 8601 durations of hours and minutes (PT8H, PT1H30M): what Identity Center takes as a session duration. */
const ISO_DURATION = /^PT(?:(\d{1,2})H)?(?:(\d{1,4})M)?$/;
/** Minutes of an ISO 8601 duration such as PT1H30M, or undefined when it is not one. */
export function durationMinutes(value: string): number | undefined {
  const match = ISO_DURATION.exec(value);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
const sessionDuration = checkedString((value) => {
  const minutes = durationMinutes(value);
  if (minutes === undefined)
    return 'sessionDuration must be an ISO 8601 duration of hours and minutes, e.g. PT8H or PT1H30M';
  return minutes < 60 || minutes > 720
    ? `sessionDuration ${value} is ${minutes} minutes; Identity Center allows PT1H to PT12H (60 to 720 minutes)`
    : undefined;
});

/** Identity store group ids (GroupId): a UUID, optionally after a 10-hex-digit prefix. */
const identityStoreGroupId = z
  .string()
  .regex(/^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/, {
    message:
      'groupId must be an identity store group id such as 906701a8e5-3f5e5a72-0e7d-4a5d-9d7e-8c1f2e3d4c5b (aws identitystore list-groups prints it)',
  });
/** Identity store display names and name parts: 1-1024 printable characters (CreateGroup, CreateUser). */
const displayText = (what: string) =>
  z
    .string()
    .min(1, { message: `${what} must not be empty` })
    .max(1024, { message: `${what} must be at most 1024 characters` })
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+$/u, { message: `${what} may only contain printable characters` });

/** How a team delivered through Identity Center is named and assigned there. @default - derived from the team */
const teamIdentityCenter = z.strictObject({
  /** @default the team name (which must then fit the permission set name rule) */
  permissionSetName: z.string().regex(PERMISSION_SET_NAME, { message: PERMISSION_SET_NAME_RULE }).optional(),
  /** The permission set's description. @default - one naming the team */
  description: z.string().min(1).max(700).optional(),
  /** The identity store group's display name. @default the team's groupName, or its name */
  groupName: displayText('groupName').optional(),
  /**
   * The group's identity store id, when it comes from an external identity provider through SCIM: the project then
   * creates no group and manages no members (your identity provider does). @default - the group is created here
   */
  groupId: identityStoreGroupId.optional(),
  /**
   * Only with groupId (required there: its members are not in the config): the environments whose accounts the
   * group gets the team's permission set in. @default - a group managed here is assigned where its members are
   */
  environments: z.array(name('environment')).min(1).optional(),
  /** @default identityCenter.sessionDuration */
  sessionDuration: sessionDuration.optional(),
});

/** How a team delivered as an in-account role is assumed. @default - the defaults below, in every environment */
const teamRole = z.strictObject({
  /** @default the team name */
  name: iamName('role', 64).optional(),
  /** The members must have signed in with MFA to assume it. @default true */
  requireMfa: z.boolean().default(true),
  maxSessionDurationSeconds: z.number().int().min(3600).max(43200).default(3600),
  /**
   * The environments the team is delivered as a role in; elsewhere it is an IAM group. @default every environment
   * where the team has members
   */
  environments: z.array(name('environment')).min(1).optional(),
});

const team = z.strictObject({
  name: name('team'),
  description: z.string().max(1000).optional(),
  /** @default the team name */
  groupName: iamName('group', 128).optional(),
  grants: z.array(grant).min(1, { message: 'a team needs at least one grant' }),
  role: teamRole.optional(),
  /** @default iam-group */
  delivery: z.union([deliveryKind, z.array(deliveryKind).min(1)], { error: DELIVERY_RULE }).default('iam-group'),
  identityCenter: teamIdentityCenter.optional(),
});

/** What Identity Center needs of a person whose user the project manages there (CreateUser). */
const personIdentityCenter = z.strictObject({
  /** Unique in the identity store; often the e-mail address. */
  userName: z
    .string()
    .min(1, { message: 'userName must not be empty' })
    .max(128, { message: 'userName must be at most 128 characters' })
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]*$/u, { message: 'userName may not contain spaces or control characters' }),
  displayName: displayText('displayName'),
  givenName: displayText('givenName'),
  familyName: displayText('familyName'),
  email: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'email must be an e-mail address: name@domain' }),
});

const person = z.strictObject({
  name: iamName('user', 64),
  /** Console access with a generated password; @default enabled with a forced reset */
  console: z
    .strictObject({
      enabled: z.boolean().default(true),
      passwordResetRequired: z.boolean().default(true),
      /** Base64 public key or `keybase:<user>`; without it the generated password sits in state in plain text. */
      pgpKey: checkedString(pgpKeyProblem).optional(),
    })
    .default({ enabled: true, passwordResetRequired: true }),
  /** Teams per environment: `{ prod: [team-a, team-b] }`. */
  memberships: z.record(name('environment'), z.array(name('team')).min(1)),
  tags: tags.default({}),
  /** The person's Identity Center user, managed here. @default - none: no Identity Center user is created */
  identityCenter: personIdentityCenter.optional(),
});

/** A rule finding accepted on purpose; the reason is shown in every review report. */
const suppression = z.strictObject({
  rule: checkedString((rule) =>
    (SUPPRESSIBLE_RULE_IDS as readonly string[]).includes(rule)
      ? undefined
      : `unknown rule${didYouMean(rule, SUPPRESSIBLE_RULE_IDS, 2, 1)}; must be one of ${SUPPRESSIBLE_RULE_IDS.join(', ')}`,
  ),
  /** An environment of the config; @default - every environment */
  environment: name('environment').optional(),
  /** The finding's target: a plan address such as aws_iam_policy.x, or user/<name>. */
  target: z.string().min(1),
  /** The finding's detail, to suppress one finding of several on the same target. */
  detail: z.string().min(1).optional(),
  reason: z.string().min(10, { message: 'a suppression needs a written reason of at least 10 characters' }),
});

/**
 * The organisation's IAM Identity Center instance, administered from one environment of this config (the
 * management account or a delegated administrator): teams with `delivery: identity-center` become permission sets
 * and account assignments in that environment's stack. @default - none: no team may be delivered through it
 */
const identityCenter = z.strictObject({
  instanceArn: z.string().regex(/^arn:(aws|aws-us-gov|aws-cn):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/, {
    message:
      'instanceArn must be an Identity Center instance ARN: arn:aws:sso:::instance/ssoins-<16 characters> (aws sso-admin list-instances prints it)',
  }),
  identityStoreId: z.string().regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message:
      'identityStoreId must be d-<10 hex digits> or a UUID (aws sso-admin list-instances prints it as IdentityStoreId)',
  }),
  /** The environment of this config whose account administers the instance; its stack holds the resources. */
  environment: name('environment'),
  /** The instance's home region. @default the environment's region */
  region: region.optional(),
  /** How long a session lasts. @default PT1H (Identity Center's own default) */
  sessionDuration: sessionDuration.default('PT1H'),
  /** The AWS access portal URL people sign in at. @default https://<identityStoreId>.awsapps.com/start */
  portalUrl: z
    .string()
    .regex(/^https:\/\/[A-Za-z0-9.-]+(\/[\w./-]*)?$/, { message: 'portalUrl must be an https:// URL' })
    .optional(),
});

/** Each top-level section, validated on its own so one broken section does not hide the others' problems. */
export const sectionSchemas = {
  version: z.literal(1, { error: 'version must be 1' }),
  environments: z.array(environment).min(1, { message: 'at least one environment is required' }),
  profiles: z.array(profile).min(1, { message: 'at least one profile is required' }),
  teams: z.array(team).default([]),
  people: z.array(person).default([]),
  suppressions: z.array(suppression).default([]),
  identityCenter: identityCenter.optional(),
};

export type SectionName = keyof typeof sectionSchemas;
export const SECTION_NAMES = Object.keys(sectionSchemas) as SectionName[];

export type AccessConfig = { readonly [K in SectionName]: z.output<(typeof sectionSchemas)[K]> };
export type EnvironmentConfig = AccessConfig['environments'][number];
export type PipelineConfig = EnvironmentConfig['pipelines'][number];
export type ActionTypeConfig = EnvironmentConfig['actionTypes'][number];
export type ArtifactBucketConfig = EnvironmentConfig['artifactBuckets'][number];
export type PasswordPolicyConfig = EnvironmentConfig['passwordPolicy'];
export type BackendConfig = EnvironmentConfig['backend'];
export type CrossAccountRoleConfig = EnvironmentConfig['crossAccountRoles'][number];
export type GuardrailsConfig = NonNullable<EnvironmentConfig['guardrails']>;
export type ImportsConfig = NonNullable<EnvironmentConfig['imports']>;
export type AuditTrailConfig = NonNullable<EnvironmentConfig['auditTrail']>;
export type ProfileConfig = AccessConfig['profiles'][number];
export type ProfileKind = ProfileConfig['kind'];
export type TeamConfig = AccessConfig['teams'][number];
export type GrantConfig = TeamConfig['grants'][number];
export type PipelineSelector = GrantConfig['pipelines'];
export type PersonConfig = AccessConfig['people'][number];
export type IdentityCenterConfig = NonNullable<AccessConfig['identityCenter']>;
export type TeamRoleConfig = NonNullable<TeamConfig['role']>;

/** The ways a team is delivered, as a set (the config takes one kind or a list). */
/** Whether the team reaches its people as IAM users: through its group, or a role its group may assume. */
export function deliveredByIam(team: Pick<TeamConfig, 'delivery'>): boolean {
  const kinds = deliveriesOf(team);
  return kinds.has('iam-group') || kinds.has('iam-role');
}

export function deliveriesOf(team: Pick<TeamConfig, 'delivery'>): ReadonlySet<DeliveryKind> {
  return new Set(Array.isArray(team.delivery) ? team.delivery : [team.delivery]);
}
