/**
 * An account's IAM as files made with the AWS CLI (`--from`), read whole and checked whole: the pages of
 * `aws iam get-account-authorization-details` (concatenated in any order: what matters is that none is missing),
 * the artifact buckets' `aws s3api get-bucket-policy`, and optionally `aws iam get-account-password-policy` and
 * `aws iam get-credential-report`. Every problem comes back at once in one DumpError, each naming its file and what
 * is missing or wrong: a page that says more pages follow when none is there (a partial dump), a user in a group the
 * dump does not list, a policy attached whose document the dump does not hold (a dump made with `--filter`), a user
 * listed twice (two dumps mixed), an ARN of another account than the environment's.
 *
 * The default `get-account-authorization-details` (no `--filter`) lists every user, group and role, every customer
 * managed policy and every AWS managed policy attached in the account, each with its versions: an attachment whose
 * document is missing is refused, never guessed.
 */
import { readDumpDocuments, DumpError } from './dump-files';
import {
  readDumpPage,
  type DumpGroup,
  type DumpPage,
  type DumpPolicy,
  type DumpRole,
  type DumpUser,
} from './dump-pages';
import type { PolicyJson } from '../analysis/plan-principals';
import { displayPath } from '../synth/paths';

export interface AccountDump {
  /** The `--from` path. */
  readonly from: string;
  readonly accountId: string;
  readonly users: readonly DumpUser[];
  readonly groups: readonly DumpGroup[];
  readonly roles: readonly DumpRole[];
  /** Managed policies (customer and AWS) by ARN, with their default version's document. */
  readonly policies: ReadonlyMap<string, DumpPolicy>;
  /** Bucket -> its policy, for the buckets the dump has one of. */
  readonly bucketPolicies: ReadonlyMap<string, PolicyJson>;
  /** The account password policy (the API's fields); undefined when the dump has none. */
  readonly passwordPolicy?: Readonly<Record<string, unknown>>;
  /** User name -> whether it has a console password; undefined when the dump has no credential report. */
  readonly consolePasswords?: ReadonlyMap<string, boolean>;
  /** How many documents of each kind were read, for the report. */
  readonly documents: Readonly<Record<DumpPage['kind'], number>>;
}

/** The account of an IAM ARN (`arn:aws:iam::111222333444:user/jin`), or `aws` for an AWS managed policy. */
const accountOf = (arn: string) => arn.split(':')[4] ?? '';

/** The first place of each name listed more than once, as problems. */
function duplicates<T extends { readonly at: string }>(entries: readonly T[], key: (e: T) => string, what: string) {
  const first = new Map<string, T>();
  const problems: string[] = [];
  for (const entry of entries) {
    const seen = first.get(key(entry));
    if (seen)
      problems.push(`${entry.at}: ${what} "${key(entry)}" is listed again (first at ${seen.at}): two dumps mixed?`);
    else first.set(key(entry), entry);
  }
  return problems;
}

/**
 * Reads `from` (a file or a directory of `.json` files) as the dump of `accountId` (environment `environment`).
 * Throws DumpError with every problem.
 */
export function readAccountDump(from: string, expected: { accountId: string; environment: string }): AccountDump {
  const { documents, problems } = readDumpDocuments(from);
  const pages = documents.flatMap((d) => readDumpPage(d, problems) ?? []);
  const of = <K extends DumpPage['kind']>(kind: K) =>
    pages.filter((p): p is Extract<DumpPage, { kind: K }> => p.kind === kind);
  const details = of('authorization details');
  if (details.length === 0 && problems.length === 0)
    problems.push(
      `${displayPath(from)}: no aws iam get-account-authorization-details output in it; make it with: aws iam get-account-authorization-details --output json`,
    );
  if (details.length > 0 && details.every((p) => p.continues))
    problems.push(
      `${details.map((p) => p.label).join(', ')}: every page says more follow (NextToken or IsTruncated), so the dump is partial: add the next page (--starting-token <NextToken>) or make it again without --max-items`,
    );

  const users = details.flatMap((p) => p.users);
  const groups = details.flatMap((p) => p.groups);
  const roles = details.flatMap((p) => p.roles);
  const policyList = details.flatMap((p) => p.policies);
  problems.push(
    ...duplicates(users, (u) => u.name, 'user'),
    ...duplicates(groups, (g) => g.name, 'group'),
    ...duplicates(roles, (r) => r.name, 'role'),
    ...duplicates(policyList, (p) => p.arn, 'policy'),
  );
  for (const entity of [...users, ...groups, ...roles, ...policyList]) {
    const account = accountOf(entity.arn);
    if (account !== expected.accountId && !(account === 'aws' && entity.arn.includes(':policy/')))
      problems.push(
        `${entity.at}: ${entity.arn} is of account ${account}, not of environment "${expected.environment}" (${expected.accountId}): the dump of another account?`,
      );
  }

  const policies = new Map(policyList.map((p) => [p.arn, p]));
  const groupNames = new Set(groups.map((g) => g.name));
  for (const user of users)
    for (const group of user.groups)
      if (!groupNames.has(group.name))
        problems.push(
          `${group.at}: group "${group.name}" is not in the dump's GroupDetailList (user "${user.name}" is in it): the dump is partial or was made with --filter; make it without --filter`,
        );
  for (const holder of [...users, ...groups, ...roles])
    for (const attached of holder.attached)
      if (!policies.has(attached.arn))
        problems.push(
          `${attached.at}: ${attached.arn} is attached, but its document is not in the dump's Policies: the dump was made with a --filter that leaves ${accountOf(attached.arn) === 'aws' ? 'AWS managed policies (AWSManagedPolicy)' : 'customer managed policies (LocalManagedPolicy)'} out, or is partial; make it without --filter`,
        );

  const buckets = of('bucket policy');
  problems.push(
    ...duplicates(
      buckets.map((b) => ({ ...b, at: b.label })),
      (b) => b.bucket,
      'bucket policy of',
    ),
  );
  const passwordPolicies = of('password policy');
  if (passwordPolicies.length > 1)
    problems.push(`${passwordPolicies.map((p) => p.label).join(', ')}: more than one account password policy`);
  const reports = of('credential report');
  if (reports.length > 1) problems.push(`${reports.map((p) => p.label).join(', ')}: more than one credential report`);
  if (problems.length > 0) throw new DumpError(from, problems);

  const count = (kind: DumpPage['kind']) => pages.filter((p) => p.kind === kind).length;
  return {
    from,
    accountId: expected.accountId,
    users,
    groups,
    roles,
    policies,
    bucketPolicies: new Map(buckets.map((b) => [b.bucket, b.document])),
    passwordPolicy: passwordPolicies[0]?.policy,
    consolePasswords: reports[0]?.passwords,
    documents: {
      'authorization details': count('authorization details'),
      'bucket policy': count('bucket policy'),
      'password policy': count('password policy'),
      'credential report': count('credential report'),
    },
  };
}
