/**
 * Account dumps as the AWS CLI prints them (test/fixtures/live/, hand-written from the API reference): the good ones
 * are read whole, across pages and files; every malformed one (fixtures/live/malformed-dumps.yaml) is refused with one
 * error naming the file and what is missing or wrong, all problems at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readAccountDump } from '../../src/live/account-dump';
import { DumpError, splitJsonDocuments } from '../../src/live/dump-files';
import { readLiveEnvironment } from '../../src/live/live-environment';
import { FIXTURES_DIR } from '../helpers/isolated-project';

const LIVE = join(FIXTURES_DIR, 'live');
const PROD = { accountId: '111222333444', environment: 'prod' };

interface MalformedCase {
  readonly file: string;
  readonly problems: number;
  readonly expect: readonly string[];
}

const malformed = parse(readFileSync(join(LIVE, 'malformed-dumps.yaml'), 'utf8')) as MalformedCase[];

describe.each(malformed)('the malformed dump $file', (c) => {
  test(`is refused with ${c.problems} located problem(s), each naming the file`, () => {
    // WHEN it is read as the dump of prod
    let error: unknown;
    try {
      readAccountDump(join(LIVE, 'malformed', c.file), PROD);
    } catch (e) {
      error = e;
    }
    // THEN one error lists every problem, each line naming the file
    expect(error).toBeInstanceOf(DumpError);
    const { problems, message } = error as DumpError;
    expect(problems).toHaveLength(c.problems);
    expect(message).toContain(
      `${c.problems} problem${c.problems === 1 ? '' : 's'} in the account dump; nothing was compared`,
    );
    for (const problem of problems) expect(problem).toContain(c.file);
    for (const fragment of c.expect) expect(message).toContain(fragment);
  });
});

test('every malformed fixture file has its row', () => {
  const files = readdirSync(join(LIVE, 'malformed'));
  expect(files.sort()).toEqual(malformed.map((c) => c.file).sort());
});

test('a directory that does not exist, or holds no .json file, is refused', () => {
  expect(() => readAccountDump(join(LIVE, 'no-such-dump'), PROD)).toThrow(/no-such-dump: does not exist/);
  expect(() => readAccountDump(join(FIXTURES_DIR, 'fake-terraform'), PROD)).toThrow(
    /no \.json files in it; the README lists the aws commands that make them/,
  );
});

test('concatenated pages are split at their brackets; strings with brackets and escapes do not end one', () => {
  const text = '{"a": "}{\\"", "b": [1, {"c": "]"}]}\n  {"d": 2}\n';
  expect(splitJsonDocuments(text, 'x.json')).toEqual({ values: [{ a: '}{"', b: [1, { c: ']' }] }, { d: 2 }] });
});

describe('the drifted dump: two pages in one file, a bucket policy, the password policy, a credential report', () => {
  const dump = readAccountDump(join(LIVE, 'drifted'), PROD);

  test('is read whole: the second page holds what the first page refers to', () => {
    expect(dump.documents).toEqual({
      'authorization details': 2,
      'bucket policy': 1,
      'password policy': 1,
      'credential report': 1,
    });
    expect(dump.users.map((u) => u.name).sort()).toEqual(['jin', 'kai', 'kim', 'mina', 'sam']);
    expect(dump.roles.map((r) => r.name).sort()).toEqual([
      'CrossAccountPipelineViewers',
      'codepipeline-MyFirstPipeline-service-role',
      'release-operators',
    ]);
    expect(dump.policies.get('arn:aws:iam::aws:policy/AWSCodePipeline_FullAccess')?.description).toBe(
      'Provides full access to AWS CodePipeline via the AWS Management Console.',
    );
    expect([...dump.bucketPolicies.keys()]).toEqual(['codepipeline-us-east-2-1234567890']);
    expect(dump.consolePasswords).toEqual(
      new Map([
        ['jin', true],
        ['kai', true],
        ['mina', true],
        ['sam', true],
        ['kim', true],
      ]),
    );
  });

  test("as a live environment, each user holds its own and its groups' policies, each saying where it comes from", () => {
    const live = readLiveEnvironment(dump, {
      name: 'prod',
      accountId: '111222333444',
      region: 'us-east-2',
      partition: 'aws',
      pipelines: [],
      actionTypes: [],
      guardrails: { serviceControlPolicies: [], resourceControlPolicies: [] },
      bucketPolicies: [],
    });
    const mina = live.users.find((u) => u.name === 'mina');
    expect(mina?.groups).toEqual(['codepipeline-access-self-service', 'release-approvers']);
    expect(mina?.policies.map((p) => p.source)).toEqual([
      {
        kind: 'AWS managed',
        name: 'AWSCodePipeline_FullAccess',
        arn: 'arn:aws:iam::aws:policy/AWSCodePipeline_FullAccess',
        holder: 'user/mina',
      },
      {
        kind: 'customer managed',
        name: 'codepipeline-access-self-service-change-own-password',
        arn: 'arn:aws:iam::111222333444:policy/codepipeline-access-self-service-change-own-password',
        holder: 'group/codepipeline-access-self-service',
      },
      {
        kind: 'customer managed',
        name: 'release-approvers-approver',
        arn: 'arn:aws:iam::111222333444:policy/release-approvers-approver',
        holder: 'group/release-approvers',
      },
    ]);
    const developers = live.groups.find((g) => g.name === 'helprr-backend-developer-group');
    expect(developers?.policies.map((p) => `${p.source.kind} ${p.name}`)).toEqual([
      'customer managed helprr-backend-developer-policy',
      'inline helprr-backend-developer-group/allow-pipeline-edits',
    ]);
    expect(live.groups.find((g) => g.name === 'release-approvers')?.members).toEqual(['kim', 'mina']);
    // No bucket is declared here: the dump's bucket policy is one of a bucket the project does not declare.
    expect(live.undeclaredBuckets).toEqual(['codepipeline-us-east-2-1234567890']);
  });
});
