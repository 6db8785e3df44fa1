/**
 * The statements a CloudTrail bucket's policy must hold, in one place: the stack renders them as the policy of a
 * trail bucket, and the config check refuses a bucket policy of the user's own that lacks any of them. So "the
 * trail bucket denies plain HTTP and lets only CloudTrail write, for this trail" holds either way.
 *
 * - CloudTrail's two statements as the CloudTrail User Guide documents them ("Amazon S3 bucket policy for
 *   CloudTrail"): the ACL check on the bucket and the write of `[prefix/]AWSLogs/<account>/*` with
 *   `s3:x-amz-acl = bucket-owner-full-control`, both with `aws:SourceArn` naming the trail (and `aws:SourceAccount`,
 *   which the guide recommends beside it). An organisation trail adds the documented write of
 *   `[prefix/]AWSLogs/<organization id>/*`; for it the guide gives `aws:SourceArn` only (the trail of the management
 *   account), so no `aws:SourceAccount` is added there.
 * - A deny of every request without TLS (`aws:SecureTransport` false), as for the artifact buckets.
 * - A deny of uploads by anyone but CloudTrail: `aws:PrincipalServiceName` is present only when an AWS service
 *   principal calls, so `StringNotEquals` is true for every IAM user and role (and every other service). Without it,
 *   any principal of the account whose own policies allow s3:PutObject could add forged log files.
 */
import { arns } from './arns';
import { auditArns } from './audit-arns';
import { policyJsonObject, type PolicyDocument, type PolicyStatement } from './policy-document';

export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';

export interface TrailBucketPolicyInput {
  readonly accountId: string;
  /** The trail's home region (the environment's). */
  readonly region: string;
  readonly trailName: string;
  readonly bucket: string;
  /** The trail's S3 key prefix, without slashes at either end. @default - none */
  readonly keyPrefix?: string;
  /** Set for an organisation trail: its log files go under AWSLogs/<organization id>/ too. @default - an account trail */
  readonly organizationId?: string;
}

/** A statement the policy must hold, and what it is for (shown when a user's own policy lacks it). */
export interface RequiredStatement {
  readonly statement: PolicyStatement;
  readonly why: string;
}

/** Where CloudTrail writes the log files of `owner` (an account id or an organization id). */
export function logFilesArn(input: TrailBucketPolicyInput, owner: string): string {
  const prefix = input.keyPrefix === undefined ? '' : `${input.keyPrefix}/`;
  return `${arns.bucket(input, input.bucket)}/${prefix}AWSLogs/${owner}/*`;
}

export function requiredTrailBucketStatements(input: TrailBucketPolicyInput): RequiredStatement[] {
  const bucketArn = arns.bucket(input, input.bucket);
  const trailArn = auditArns.trail(input, input.trailName);
  const organisation = input.organizationId !== undefined;
  const source: Record<string, string> = organisation
    ? { 'aws:SourceArn': trailArn }
    : { 'aws:SourceArn': trailArn, 'aws:SourceAccount': input.accountId };
  const cloudTrail = { Service: [CLOUDTRAIL_SERVICE] };
  /** CloudTrail's write of the log files of `owner` (an account or the organisation), for this trail. */
  const write = (sid: string, owner: string, why: string): RequiredStatement => ({
    why,
    statement: {
      sid,
      effect: 'Allow',
      principal: cloudTrail,
      actions: ['s3:PutObject'],
      resources: [logFilesArn(input, owner)],
      condition: { StringEquals: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
  });
  const required: RequiredStatement[] = [
    {
      why: 'it denies every request without TLS',
      statement: {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:*'],
        resources: [bucketArn, arns.bucketObjects(input, input.bucket)],
        condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    },
    {
      why: 'it denies uploads by anyone but CloudTrail',
      statement: {
        sid: 'DenyWritesByOthersThanCloudTrail',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:PutObject'],
        resources: [arns.bucketObjects(input, input.bucket)],
        condition: { StringNotEquals: { 'aws:PrincipalServiceName': CLOUDTRAIL_SERVICE } },
      },
    },
    {
      why: "it lets CloudTrail check the bucket's ACL, for this trail only",
      statement: {
        sid: 'AWSCloudTrailAclCheck20150319',
        effect: 'Allow',
        principal: cloudTrail,
        actions: ['s3:GetBucketAcl'],
        resources: [bucketArn],
        condition: { StringEquals: source },
      },
    },
    write(
      'AWSCloudTrailWrite20150319',
      input.accountId,
      "it lets CloudTrail write this account's log files, for this trail only",
    ),
  ];
  if (input.organizationId !== undefined)
    required.push(
      write(
        'AWSCloudTrailOrganizationWrite20150319',
        input.organizationId,
        "it lets CloudTrail write the organisation's log files, for this trail only",
      ),
    );
  return required;
}

/** The policy the stack puts on a trail bucket when the config brings none of its own. */
export function trailBucketPolicy(input: TrailBucketPolicyInput): PolicyDocument {
  return { id: 'CloudTrailBucketPolicy', statements: requiredTrailBucketStatements(input).map((r) => r.statement) };
}

/** One required statement as policy JSON (the form a user copies into their own policy). */
export function statementJson(statement: PolicyStatement): Record<string, unknown> {
  return (policyJsonObject({ statements: [statement] }).Statement as Record<string, unknown>[])[0];
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const sortedText = (values: unknown[], fold = false) =>
  values.map((v) => (fold ? String(v).toLowerCase() : String(v))).sort();

/** A principal as a comparable value: `*` and `{ AWS: "*" }` are the same principal. */
function canonicalPrincipal(principal: unknown): unknown {
  if (principal === undefined || principal === '*') return principal;
  if (principal === null || typeof principal !== 'object') return String(principal);
  const entries = Object.entries(principal as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0] === 'AWS' && list(entries[0][1]).every((p) => p === '*')) return '*';
  return Object.fromEntries(entries.map(([kind, ids]) => [kind, sortedText(list(ids))]).sort());
}

/**
 * A statement's meaning as a comparable value: the Sid and the order of list entries do not count, nor the case of
 * action names, condition operators and keys (IAM ignores it), nor a value written as a list of one or a boolean.
 */
function canonicalStatement(statement: Record<string, unknown>): string {
  const condition = Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)
    .map(([operator, block]): [string, [string, string[]][]] => [
      operator.toLowerCase(),
      Object.entries(block ?? {})
        .map(([key, value]): [string, string[]] => [key.toLowerCase(), sortedText(list(value))])
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([
    statement.Effect,
    canonicalPrincipal(statement.Principal),
    canonicalPrincipal(statement.NotPrincipal),
    sortedText(list(statement.Action), true),
    sortedText(list(statement.NotAction), true),
    sortedText(list(statement.Resource)),
    sortedText(list(statement.NotResource)),
    condition,
  ]);
}

/** The required statements a policy document (any JSON the user gave) does not hold, in their order. */
export function missingTrailBucketStatements(
  document: { readonly Statement?: unknown },
  input: TrailBucketPolicyInput,
): RequiredStatement[] {
  const present = new Set(
    list(document.Statement)
      .filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object')
      .map(canonicalStatement),
  );
  return requiredTrailBucketStatements(input).filter(
    (r) => !present.has(canonicalStatement(statementJson(r.statement))),
  );
}
