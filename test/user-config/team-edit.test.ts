/**
 * The proof that CI survives a real change: in a copy of the project as shipped (the example config, its access
 * files and cases), a team edits config/access.yaml as teams do, runs `npm run plan` (real Terraform, the machine's
 * provider mirror), commits nothing, and the suite passes there. The copy starts from the example rather than from
 * your config so the proof holds whatever your config is; inside the copy this test skips itself.
 *
 * The suite in the copy is the part an edit can reach: the lint (`npm run lint`, the edited YAML included) and
 * test/user-config, which reads the edited files. Every other test file runs, in this very run, with the user's files
 * out of reach (test/helpers/user-file-guard.ts: reads refused, CLIs that would read or write them refused, proven by
 * test/docs/user-file-guard.test.ts), so it passes in the copy exactly as it passes here. That halves CI: the whole
 * suite again in the copy took as long as the suite itself.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { AccessCase } from '../helpers/access-cases';
import { readAccessCases } from '../helpers/access-cases';
import { EXAMPLE_ACCESS_CASES_FILE, EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { fixturePlansDir } from '../helpers/plans';
import { changedInCopy, commitCopy, copyProject, runInCopy } from '../helpers/project-copy';

/** Set for the suite run inside the copy, so this test does not run itself again there. */
const NESTED_RUN = 'CODEPIPELINE_ACCESS_NESTED_SUITE';
/** Tells the copy's global setup to plan the user's config only (test/global-setup.ts). */
const USER_SUITE_ONLY = 'CODEPIPELINE_ACCESS_USER_SUITE';

const REMOVED_TEAM = 'release-managers';
const NEW_PERSON = 'lee';
const NEW_ENVIRONMENT = { name: 'sandbox', accountId: '333333333333', pipeline: 'helprr-backend-sandbox' };

/** Items of a YAML sequence of mappings, and a mapping's string value. */
const maps = (seq: unknown): YAMLMap[] => (isSeq(seq) ? seq.items.filter(isMap) : []);
const name = (item: YAMLMap): unknown => item.get('name');

/**
 * The edit, on the YAML document so comments and layout stay as the team wrote them: add a person with a
 * membership, remove a team and every reference to it (a person left in no team leaves too), add an environment
 * with a pipeline and a member. Returns the people who left.
 */
function editConfig(doc: Document): string[] {
  const people = doc.get('people') as YAMLSeq;
  const teams = doc.get('teams') as YAMLSeq;
  people.add(doc.createNode({ name: NEW_PERSON, memberships: { dev: ['helprr-backend-developer'] } }));

  teams.items = teams.items.filter((team) => !isMap(team) || name(team) !== REMOVED_TEAM);
  const left: string[] = [];
  for (const person of maps(people)) {
    const memberships = person.get('memberships') as YAMLMap;
    for (const pair of [...memberships.items]) {
      const list = pair.value as YAMLSeq;
      list.items = list.items.filter((team) => (isScalar(team) ? team.value : team) !== REMOVED_TEAM);
      if (list.items.length === 0) memberships.delete(pair.key);
    }
    if (memberships.items.length === 0) left.push(String(name(person)));
  }
  people.items = people.items.filter((person) => !isMap(person) || !left.includes(String(name(person))));

  (doc.get('environments') as YAMLSeq).add(
    doc.createNode({
      name: NEW_ENVIRONMENT.name,
      accountId: NEW_ENVIRONMENT.accountId,
      region: 'us-east-2',
      defaultTags: { ManagedBy: 'codepipeline-access', Environment: NEW_ENVIRONMENT.name },
      pipelines: [{ name: NEW_ENVIRONMENT.pipeline, tags: { team: 'backend' } }],
    }),
  );
  const jin = maps(people).find((person) => name(person) === 'jin');
  (jin?.get('memberships') as YAMLMap).set(NEW_ENVIRONMENT.name, doc.createNode(['helprr-backend-developer']));
  return left;
}

/** The team's cases follow: none about people who left, one for each new grant. */
function editCases(cases: readonly AccessCase[], left: readonly string[]): AccessCase[] {
  const start = (account: string, user: string, pipeline: string): AccessCase => ({
    name: `${user} starts ${pipeline}`,
    principal: `arn:aws:iam::${account}:user/${user}`,
    action: 'codepipeline:StartPipelineExecution',
    resource: `arn:aws:codepipeline:us-east-2:${account}:${pipeline}`,
    expect: 'Allowed',
  });
  return [
    ...cases.filter((c) => !left.some((person) => c.principal.endsWith(`:user/${person}`))),
    start('111111111111', NEW_PERSON, 'helprr-backend-dev'),
    start(NEW_ENVIRONMENT.accountId, 'jin', NEW_ENVIRONMENT.pipeline),
  ];
}

const lastLines = (text: string, count: number) => text.trimEnd().split('\n').slice(-count).join('\n');
/** jest's FAIL lines and failed-test headers, which the tail of a long output does not show. */
const failedTests = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^(FAIL |\s+● )/.test(line) && !line.includes('● Console'))
    .join('\n');

(process.env[NESTED_RUN] === '1' ? test.skip : test)(
  'a team edits config/access.yaml in a copy of the project, plans, and the whole suite passes there',
  async () => {
    const copy = mkdtempSync(join(tmpdir(), 'copy-'));
    try {
      // GIVEN a checkout of the project as shipped: the example config, its access files and cases, committed
      copyProject(copy);
      copyFileSync(EXAMPLE_CONFIG_FILE, join(copy, 'config', 'access.yaml'));
      copyFileSync(EXAMPLE_ACCESS_CASES_FILE, join(copy, 'config', 'access-cases.json'));
      for (const file of readdirSync(join(copy, 'tfplans')).filter((f) => f.endsWith('.access.json')))
        rmSync(join(copy, 'tfplans', file));
      for (const file of readdirSync(fixturePlansDir('example')).filter((f) => f.endsWith('.access.json')))
        copyFileSync(join(fixturePlansDir('example'), file), join(copy, 'tfplans', file));
      commitCopy(copy, 'the project as shipped');

      // WHEN the team edits the config and its cases, and runs npm run plan (committing nothing)
      const doc = parseDocument(readFileSync(join(copy, 'config', 'access.yaml'), 'utf8'));
      const left = editConfig(doc);
      writeFileSync(join(copy, 'config', 'access.yaml'), doc.toString());
      const cases = editCases(readAccessCases(join(copy, 'config', 'access-cases.json')), left);
      writeFileSync(join(copy, 'config', 'access-cases.json'), `${JSON.stringify(cases, null, 2)}\n`);
      expect(left).toEqual(['sam']);
      expect(doc.toString()).not.toContain(REMOVED_TEAM);
      const plan = await runInCopy(copy, 'npm', ['run', 'plan'], 600);
      if (plan.exitCode !== 0) throw new Error(`npm run plan failed in the copy:\n${lastLines(plan.output, 40)}`);

      // THEN the plan changed every committed access file and added the new environment's: a suite that ignored
      // the user's files, or compared them with the example's, could not pass after it
      expect(changedInCopy(copy, 'tfplans')).toEqual([
        ' M tfplans/dev.access.json',
        ' M tfplans/prod.access.json',
        ' M tfplans/staging.access.json',
        `?? tfplans/${NEW_ENVIRONMENT.name}.access.json`,
      ]);

      // AND the part of the suite the edit reaches passes in the copy: the lint, and the user-config tests (with only
      // the user's config planned: the product's fixtures are the same in the copy as here)
      const lint = await runInCopy(copy, 'npm', ['run', 'lint'], 600);
      if (lint.exitCode !== 0)
        throw new Error(`npm run lint failed in the edited copy:\n${lastLines(lint.output, 40)}`);
      const suite = await runInCopy(
        copy,
        'npx',
        ['jest', 'test/user-config', '--cacheDirectory', join(copy, '.cache', 'jest')],
        900,
        { [NESTED_RUN]: '1', [USER_SUITE_ONLY]: '1' },
      );
      console.log(
        `lint and the user-config suite in the edited copy ran in ${(lint.seconds + suite.seconds).toFixed(1)} s`,
      );
      if (suite.exitCode !== 0)
        throw new Error(
          `the suite failed in the edited copy (exit ${suite.exitCode}):\n` +
            `${failedTests(suite.output)}\n...\n${lastLines(suite.output, 60)}`,
        );
      for (const file of ['config', 'access-files', 'access-cases'])
        expect(suite.output).toContain(`PASS test/user-config/${file}.test.ts`);
      expect(suite.output).toMatch(/Tests: +1 skipped, \d+ passed, \d+ total/);
      // The rest of the suite is out of the edit's reach here, as in every run: the guard is on for it.
      expect(readFileSync(join(copy, 'jest.config.js'), 'utf8')).toContain('test/helpers/user-file-guard-setup.ts');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  },
  20 * 60_000,
);
