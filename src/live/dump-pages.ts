/**
 * One document of an account dump, recognised and checked: the output of `aws iam get-account-authorization-details`
 * (a page of it), `aws s3api get-bucket-policy`, `aws iam get-account-password-policy` or `aws iam get-credential-report`,
 * each with `--output json`, in the AWS CLI's format (policy documents as JSON objects: the CLI decodes the
 * URL-encoded text the API returns; a string, URL-encoded or not, is read too). Every missing or malformed field is a
 * problem naming the document and the field, e.g. `dump/iam.json: UserDetailList[3].GroupList is missing (user
 * "jin")`; a document that is none of these is one problem. Nothing is guessed: a field the analysis needs and the
 * document lacks is refused, not defaulted.
 */
import type { PolicyJson } from '../analysis/plan-principals';
import { documentLabel, type DumpDocument } from './dump-files';

export interface AttachedPolicyRef {
  readonly name: string;
  readonly arn: string;
  /** Where the attachment is listed, for problems: `dump/iam.json: UserDetailList[3].AttachedManagedPolicies[0]`. */
  readonly at: string;
}

export interface InlinePolicy {
  readonly name: string;
  readonly document: PolicyJson;
}

interface DumpPrincipal {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly attached: readonly AttachedPolicyRef[];
  readonly inline: readonly InlinePolicy[];
  /** Where it is listed, for problems. */
  readonly at: string;
}

export interface DumpUser extends DumpPrincipal {
  readonly groups: readonly { readonly name: string; readonly at: string }[];
  /** @default - none */
  readonly permissionsBoundary?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type DumpGroup = DumpPrincipal;

export interface DumpRole extends DumpPrincipal {
  readonly trust: PolicyJson;
  /** @default - none */
  readonly permissionsBoundary?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface DumpPolicy {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  /** @default - none ('' in IAM) */
  readonly description?: string;
  /** The default (operative) version's document. */
  readonly document: PolicyJson;
  readonly at: string;
}

export type DumpPage =
  | {
      readonly kind: 'authorization details';
      readonly label: string;
      readonly users: readonly DumpUser[];
      readonly groups: readonly DumpGroup[];
      readonly roles: readonly DumpRole[];
      readonly policies: readonly DumpPolicy[];
      /** The page says more follow (`NextToken` of the CLI's --max-items, or the API's `IsTruncated`). */
      readonly continues: boolean;
    }
  | { readonly kind: 'bucket policy'; readonly label: string; readonly bucket: string; readonly document: PolicyJson }
  | { readonly kind: 'password policy'; readonly label: string; readonly policy: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'credential report';
      readonly label: string;
      /** User name -> whether it has a console password (`password_enabled`). */
      readonly passwords: ReadonlyMap<string, boolean>;
    };

/** The file name a bucket policy must have, so that the dump says which bucket it is. */
export const BUCKET_POLICY_SUFFIX = '.bucket-policy.json';

type Json = Record<string, unknown>;

/** `UserDetailList[3].GroupList`, or the key alone at the top of a document. */
const field = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the fields of one document, adding a located problem for each one missing or malformed. */
class Fields {
  constructor(
    private readonly label: string,
    readonly problems: string[],
  ) {}

  problem(path: string, message: string, whose?: string): void {
    this.problems.push(`${this.label}: ${path} ${message}${whose ? ` (${whose})` : ''}`);
  }

  at(path: string): string {
    return `${this.label}: ${path}`;
  }

  string(record: Json, key: string, path: string, whose?: string): string | undefined {
    const value = record[key];
    if (value === undefined) this.problem(field(path, key), 'is missing', whose);
    else if (typeof value !== 'string' || value === '')
      this.problem(field(path, key), `must be a non-empty string; got ${JSON.stringify(value)}`, whose);
    else return value;
    return undefined;
  }

  optionalString(record: Json, key: string, path: string, whose?: string): string | undefined {
    return record[key] === undefined ? undefined : this.string(record, key, path, whose);
  }

  /** The objects of a list field (a missing list is a problem: a partial dump would otherwise look empty). */
  objects(record: Json, key: string, path: string, whose?: string): { value: Json; path: string }[] {
    const value = record[key];
    if (value === undefined) {
      this.problem(field(path, key), 'is missing', whose);
      return [];
    }
    if (!Array.isArray(value)) {
      this.problem(field(path, key), `must be a list; got ${typeof value}`, whose);
      return [];
    }
    return value.flatMap((item, i) => {
      const itemPath = `${field(path, key)}[${i}]`;
      if (isObject(item)) return [{ value: item, path: itemPath }];
      this.problem(itemPath, `must be an object; got ${JSON.stringify(item)}`, whose);
      return [];
    });
  }

  strings(record: Json, key: string, path: string, whose?: string): { value: string; path: string }[] {
    const value = record[key];
    if (value === undefined) {
      this.problem(field(path, key), 'is missing', whose);
      return [];
    }
    if (!Array.isArray(value)) {
      this.problem(field(path, key), `must be a list of names; got ${typeof value}`, whose);
      return [];
    }
    return value.flatMap((item, i) => {
      if (typeof item === 'string' && item !== '') return [{ value: item, path: `${field(path, key)}[${i}]` }];
      this.problem(`${field(path, key)}[${i}]`, `must be a name; got ${JSON.stringify(item)}`, whose);
      return [];
    });
  }

  /** A policy document: an object (as the CLI prints it), or its text, URL-encoded (as the API returns it) or not. */
  document(record: Json, key: string, path: string, whose?: string): PolicyJson | undefined {
    let value = record[key];
    const where = field(path, key);
    if (value === undefined) {
      this.problem(where, 'is missing', whose);
      return undefined;
    }
    if (typeof value === 'string') {
      try {
        value = JSON.parse(/^\s*[{[]/.test(value) ? value : decodeURIComponent(value));
      } catch {
        this.problem(where, 'is not a policy document (neither JSON nor URL-encoded JSON)', whose);
        return undefined;
      }
    }
    if (!isObject(value) || value.Statement === undefined) {
      this.problem(where, 'is not a policy document: it has no Statement', whose);
      return undefined;
    }
    const statements = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
    const bad = statements.findIndex((s) => !isObject(s) || (s.Effect !== 'Allow' && s.Effect !== 'Deny'));
    if (bad >= 0) {
      this.problem(`${where}.Statement[${bad}]`, 'must be a statement with Effect "Allow" or "Deny"', whose);
      return undefined;
    }
    return value as unknown as PolicyJson;
  }

  attached(record: Json, path: string, whose: string): AttachedPolicyRef[] {
    return this.objects(record, 'AttachedManagedPolicies', path, whose).flatMap(({ value, path: at }) => {
      const name = this.string(value, 'PolicyName', at, whose);
      const arn = this.string(value, 'PolicyArn', at, whose);
      return name && arn ? [{ name, arn, at: this.at(at) }] : [];
    });
  }

  inline(record: Json, key: string, path: string, whose: string): InlinePolicy[] {
    return this.objects(record, key, path, whose).flatMap(({ value, path: at }) => {
      const name = this.string(value, 'PolicyName', at, whose);
      const document = this.document(value, 'PolicyDocument', at, whose);
      return name && document ? [{ name, document }] : [];
    });
  }

  boundary(record: Json, path: string, whose: string): string | undefined {
    const boundary = record.PermissionsBoundary;
    if (boundary === undefined) return undefined;
    if (!isObject(boundary)) {
      this.problem(`${path}.PermissionsBoundary`, 'must be an object', whose);
      return undefined;
    }
    return this.string(boundary, 'PermissionsBoundaryArn', `${path}.PermissionsBoundary`, whose);
  }

  tags(record: Json, path: string, whose: string): Record<string, string> {
    if (record.Tags === undefined) return {};
    return Object.fromEntries(
      this.objects(record, 'Tags', path, whose).flatMap(({ value, path: at }) => {
        const key = this.string(value, 'Key', at, whose);
        const text = typeof value.Value === 'string' ? value.Value : this.string(value, 'Value', at, whose);
        return key !== undefined && text !== undefined ? [[key, text]] : [];
      }),
    );
  }

  /** `Path` of an IAM entity; the API always sends it (`/` at the least). */
  path(record: Json, path: string, whose: string): string {
    return this.string(record, 'Path', path, whose) ?? '/';
  }
}

function users(f: Fields, page: Json): DumpUser[] {
  if (page.UserDetailList === undefined) return [];
  return f.objects(page, 'UserDetailList', '').flatMap(({ value, path }) => {
    const name = f.string(value, 'UserName', path);
    const whose = name ? `user "${name}"` : undefined;
    const arn = f.string(value, 'Arn', path, whose);
    const entry = {
      path: f.path(value, path, whose ?? ''),
      groups: f.strings(value, 'GroupList', path, whose).map((g) => ({ name: g.value, at: f.at(g.path) })),
      attached: f.attached(value, path, whose ?? ''),
      inline: f.inline(value, 'UserPolicyList', path, whose ?? ''),
      permissionsBoundary: f.boundary(value, path, whose ?? ''),
      tags: f.tags(value, path, whose ?? ''),
      at: f.at(path),
    };
    return name && arn ? [{ name, arn, ...entry }] : [];
  });
}

function groups(f: Fields, page: Json): DumpGroup[] {
  if (page.GroupDetailList === undefined) return [];
  return f.objects(page, 'GroupDetailList', '').flatMap(({ value, path }) => {
    const name = f.string(value, 'GroupName', path);
    const whose = name ? `group "${name}"` : '';
    const arn = f.string(value, 'Arn', path, whose);
    const entry = {
      path: f.path(value, path, whose),
      attached: f.attached(value, path, whose),
      inline: f.inline(value, 'GroupPolicyList', path, whose),
      at: f.at(path),
    };
    return name && arn ? [{ name, arn, ...entry }] : [];
  });
}

function roles(f: Fields, page: Json): DumpRole[] {
  if (page.RoleDetailList === undefined) return [];
  return f.objects(page, 'RoleDetailList', '').flatMap(({ value, path }) => {
    const name = f.string(value, 'RoleName', path);
    const whose = name ? `role "${name}"` : '';
    const arn = f.string(value, 'Arn', path, whose);
    const trust = f.document(value, 'AssumeRolePolicyDocument', path, whose);
    const entry = {
      path: f.path(value, path, whose),
      attached: f.attached(value, path, whose),
      inline: f.inline(value, 'RolePolicyList', path, whose),
      permissionsBoundary: f.boundary(value, path, whose),
      tags: f.tags(value, path, whose),
      at: f.at(path),
    };
    return name && arn && trust ? [{ name, arn, trust, ...entry }] : [];
  });
}

function policies(f: Fields, page: Json): DumpPolicy[] {
  if (page.Policies === undefined) return [];
  return f.objects(page, 'Policies', '').flatMap(({ value, path }) => {
    const name = f.string(value, 'PolicyName', path);
    const whose = name ? `policy "${name}"` : '';
    const arn = f.string(value, 'Arn', path, whose);
    const defaultVersion = f.string(value, 'DefaultVersionId', path, whose);
    const versions = f.objects(value, 'PolicyVersionList', path, whose);
    const operative = versions.find(
      ({ value: v }) => v.VersionId === defaultVersion || (defaultVersion === undefined && v.IsDefaultVersion === true),
    );
    if (defaultVersion !== undefined && versions.length > 0 && !operative)
      f.problem(
        `${path}.PolicyVersionList`,
        `does not hold the default version ${defaultVersion}, whose document decides what the policy allows`,
        whose,
      );
    const document = operative ? f.document(operative.value, 'Document', operative.path, whose) : undefined;
    const description = f.optionalString(value, 'Description', path, whose);
    const entry = { path: f.path(value, path, whose), description, at: f.at(path) };
    return name && arn && document ? [{ name, arn, document, ...entry }] : [];
  });
}

/** The CSV of a credential report: user name -> password_enabled. */
function credentialReport(f: Fields, report: Json): Map<string, boolean> | undefined {
  const content = f.string(report, 'Content', '');
  if (content === undefined) return undefined;
  const lines = Buffer.from(content, 'base64').toString('utf8').split(/\r?\n/).filter(Boolean);
  const header = (lines[0] ?? '').split(',');
  const user = header.indexOf('user');
  const password = header.indexOf('password_enabled');
  if (user < 0 || password < 0) {
    f.problem('Content', 'is not a credential report: its CSV has no user and password_enabled columns');
    return undefined;
  }
  const passwords = new Map<string, boolean>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    // The root account's row says `not_supported`: it is not an IAM user.
    if (cells[user] !== '<root_account>') passwords.set(cells[user], cells[password] === 'true');
  }
  return passwords;
}

const AUTHORIZATION_LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];

/** One document, recognised by its fields and checked; undefined (with problems added) when it cannot be used. */
export function readDumpPage(document: DumpDocument, problems: string[]): DumpPage | undefined {
  const label = documentLabel(document);
  const f = new Fields(label, problems);
  const value = document.value;
  const found = problems.length;
  if (!isObject(value)) {
    problems.push(`${label}: not the output of an aws command this reads (a JSON object); see the README for them`);
    return undefined;
  }
  if (AUTHORIZATION_LISTS.some((key) => key in value)) {
    const page = {
      kind: 'authorization details' as const,
      label,
      users: users(f, value),
      groups: groups(f, value),
      roles: roles(f, value),
      policies: policies(f, value),
      continues: typeof value.NextToken === 'string' || value.IsTruncated === true,
    };
    return problems.length === found ? page : undefined;
  }
  if (typeof value.Policy === 'string' && Object.keys(value).length === 1) {
    if (!document.name.endsWith(BUCKET_POLICY_SUFFIX) || document.name === BUCKET_POLICY_SUFFIX) {
      problems.push(
        `${label}: a bucket policy (aws s3api get-bucket-policy output), but its file name does not say which bucket: name it <bucket>${BUCKET_POLICY_SUFFIX}`,
      );
      return undefined;
    }
    const policy = f.document(value, 'Policy', '');
    const bucket = document.name.slice(0, -BUCKET_POLICY_SUFFIX.length);
    return policy ? { kind: 'bucket policy', label, bucket, document: policy } : undefined;
  }
  if (isObject(value.PasswordPolicy)) return { kind: 'password policy', label, policy: value.PasswordPolicy };
  if ('Content' in value && 'ReportFormat' in value) {
    const passwords = credentialReport(f, value);
    return passwords ? { kind: 'credential report', label, passwords } : undefined;
  }
  problems.push(
    `${label}: not the output of an aws command this reads: expected aws iam get-account-authorization-details, aws s3api get-bucket-policy, aws iam get-account-password-policy or aws iam get-credential-report (--output json); it has ${Object.keys(
      value,
    )
      .slice(0, 5)
      .map((k) => JSON.stringify(k))
      .join(', ')}`,
  );
  return undefined;
}
