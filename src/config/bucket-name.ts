/**
 * S3's naming rules for general purpose buckets (Amazon S3 User Guide, "General purpose bucket naming rules"), which
 * CreateBucket and PutBucketPolicy enforce only at apply: checked for every bucket a config names (artifact buckets,
 * trail buckets, state buckets), each broken rule with its own message.
 */

const CHARSET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why `name` cannot be an S3 bucket name, or undefined when it can. */
export function bucketNameProblem(name: string): string | undefined {
  if (!CHARSET.test(name)) return 'bucket name must be 3-63 characters of lowercase letters, digits, "." and "-"';
  if (name.includes('..')) return 'bucket name must not contain two periods in a row';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'bucket name must not be formatted as an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) return `bucket names starting with "${prefix}" are reserved by S3`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix !== undefined) return `bucket names ending with "${suffix}" are reserved by S3`;
  return undefined;
}
