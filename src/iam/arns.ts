/** ARN and URL builders. CodePipeline matches ARNs exactly: ':' and '/' are not interchangeable. */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export interface AccountRegion {
  readonly accountId: string;
  readonly region: string;
}

/** A CodePipeline action type's id: `Custom/Build/MyTool/1`. */
export interface ActionTypeId {
  readonly owner: string;
  readonly category: string;
  readonly provider: string;
  readonly version: string;
}

function codepipelinePrefix(env: AccountRegion): string {
  return `arn:${partitionOf(env.region)}:codepipeline:${env.region}:${env.accountId}`;
}

export const arns = {
  pipeline: (env: AccountRegion, pipeline: string) => `${codepipelinePrefix(env)}:${pipeline}`,
  /** Every stage (and, since `*` spans '/', every action) of a pipeline. */
  pipelineStages: (env: AccountRegion, pipeline: string) => `${codepipelinePrefix(env)}:${pipeline}/*`,
  stage: (env: AccountRegion, pipeline: string, stage: string) => `${codepipelinePrefix(env)}:${pipeline}/${stage}`,
  action: (env: AccountRegion, pipeline: string, stage: string, action: string) =>
    `${codepipelinePrefix(env)}:${pipeline}/${stage}/${action}`,
  /** Every CodePipeline resource of the account in the region, including pipelines created later. */
  allCodePipeline: (env: AccountRegion) => `${codepipelinePrefix(env)}:*`,
  actionTypes: (env: AccountRegion) => `${codepipelinePrefix(env)}:actiontype:*`,
  webhooks: (env: AccountRegion) => `${codepipelinePrefix(env)}:webhook:*`,
  webhook: (env: AccountRegion, name: string) => `${codepipelinePrefix(env)}:webhook:${name}`,
  actionType: (env: AccountRegion, id: ActionTypeId) =>
    `${codepipelinePrefix(env)}:actiontype:${id.owner}/${id.category}/${id.provider}/${id.version}`,
  iamUser: (env: AccountRegion, user: string) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:user/${user}`,
  iamRole: (env: AccountRegion, role: string) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/${role}`,
  /** A customer managed policy at path `/`, where the stack creates its policies. */
  iamPolicy: (env: AccountRegion, policy: string) =>
    `arn:${partitionOf(env.region)}:iam::${env.accountId}:policy/${policy}`,
  iamAllRoles: (env: AccountRegion) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/*`,
  accountRoot: (env: AccountRegion) => `arn:${partitionOf(env.region)}:iam::${env.accountId}:root`,
  bucket: (env: AccountRegion, bucket: string) => `arn:${partitionOf(env.region)}:s3:::${bucket}`,
  bucketObjects: (env: AccountRegion, bucket: string) => `arn:${partitionOf(env.region)}:s3:::${bucket}/*`,
};

/**
 * The suffix IAM Identity Center gives the role it provisions for a permission set in an account
 * (`AWSReservedSSO_<permission set>_<16 hex digits>`): unknown until it is provisioned, so the analysis names the role
 * with this in its place. A policy that matches the role with `AWSReservedSSO_<permission set>_*` matches it.
 */
export const IDENTITY_CENTER_ROLE_SUFFIX = '(suffix-set-at-provisioning)';

/** `role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<set>_<suffix>`: the path, the set. */
const PROVISIONED_ROLE = new RegExp(
  `^role(/aws-reserved/sso\\.amazonaws\\.com/(?:[a-z0-9-]+/)?)AWSReservedSSO_(.+)_(?:[0-9a-f]{16}|${IDENTITY_CENTER_ROLE_SUFFIX.replace(/[()]/g, '\\$&')})$`,
);

/**
 * How the analysis keys a principal (the access files, the matrix, drift): the resource part of its ARN,
 * `user/jin`, `role/<path>/<name>`. A key passes through unchanged.
 */
export function principalKey(arnOrKey: string): string {
  return arnOrKey.startsWith('arn:') ? arnOrKey.split(':').slice(5).join(':') : arnOrKey;
}

/** `user/jin` of `user/staff/jin`: a principal's kind and name, whatever its path (IAM names are unique across paths). */
export function kindAndName(arnOrKey: string): string {
  const parts = principalKey(arnOrKey).split('/');
  return `${parts[0]}/${parts[parts.length - 1]}`;
}

/** The role IAM Identity Center provisions for a permission set in an account, and who may take it. */
export const identityCenterNames = {
  roleName: (permissionSet: string) => `AWSReservedSSO_${permissionSet}_${IDENTITY_CENTER_ROLE_SUFFIX}`,
  /** Under aws-reserved/sso.amazonaws.com/, with the instance's home region in the path unless it is us-east-1. */
  roleArn: (env: AccountRegion, homeRegion: string, permissionSet: string) =>
    `arn:${partitionOf(env.region)}:iam::${env.accountId}:role/aws-reserved/sso.amazonaws.com/${homeRegion === 'us-east-1' ? '' : `${homeRegion}/`}${identityCenterNames.roleName(permissionSet)}`,
  /**
   * The permission set and the path (with the home region) of a role Identity Center provisioned, from its key
   * (`role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<16 hex digits>`) or ARN; undefined for
   * any other role. The plan's own names, with the suffix not yet known, are provisioned roles too.
   */
  provisioned: (keyOrArn: string): { readonly permissionSet: string; readonly path: string } | undefined => {
    const match = PROVISIONED_ROLE.exec(principalKey(keyOrArn));
    return match ? { path: match[1], permissionSet: match[2] } : undefined;
  },
  /** A person who signs in at the access portal as this Identity Center user. */
  user: (userName: string) => `identity-center user ${userName}`,
  /** The members of a group from an external identity provider, whom the plan does not know. */
  externalGroup: (groupId: string) =>
    `identity-center group ${groupId} (its members are managed by your identity provider)`,
};

const CONSOLE_DOMAIN: Record<Partition, string> = {
  aws: 'signin.aws.amazon.com',
  'aws-cn': 'signin.amazonaws.cn',
  'aws-us-gov': 'signin.amazonaws-us-gov.com',
};

export const consoleUrls = {
  signIn: (env: AccountRegion) => `https://${env.accountId}.${CONSOLE_DOMAIN[partitionOf(env.region)]}/console`,
  switchRole: (env: AccountRegion, role: string, displayName: string) =>
    `https://${CONSOLE_DOMAIN[partitionOf(env.region)]}/switchrole?account=${env.accountId}` +
    `&roleName=${encodeURIComponent(role)}&displayName=${encodeURIComponent(displayName)}`,
};

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** The fields of `arn:partition:service:region:account:resource`, or undefined for anything else. */
export function parseArn(arn: string): ParsedArn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, service, region, accountId, resource] = match;
  return { partition, service, region, accountId, resource };
}
