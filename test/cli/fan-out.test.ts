/**
 * A pull request costs what it changes, and planning fans out: on real plans, in throwaway git projects.
 * - `plan --base`: environments whose analysis inputs equal the base's are not planned and reported as unchanged;
 *   a stack planned before is not planned again (.cache/plans), on either side.
 * - The CI building blocks: `--list-changed`, `--env` writing only plan files (the base's into base/), and
 *   `npm run report -- --plans <dir>` merging plans made by separate processes into the same outputs as one run.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IsolatedProjects, type IsolatedProject } from '../helpers/isolated-project';

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

/** dev; prod, whose role trusts dev's viewers (prod's analysis reads dev's plan); tools, on its own. */
const CONFIG = `version: 1
environments:
  - name: dev
    accountId: '111111111111'
    region: us-east-2
    pipelines: [{ name: app-dev }]
  - name: prod
    accountId: '111222333444'
    region: us-east-2
    pipelines: [{ name: app }]
    crossAccountRoles:
      - { name: PipelineViewers, profile: viewer, pipelines: [app], trust: { environment: dev, teams: [viewers] } }
  - name: tools
    accountId: '333333333333'
    region: eu-west-1
    pipelines: [{ name: images }]
profiles: [{ name: viewer, kind: viewer }, { name: operator, kind: operator }]
teams:
  - { name: viewers, grants: [{ profile: viewer, pipelines: all }] }
  - { name: developers, grants: [{ profile: operator, pipelines: all }] }
people:
  - { name: jin, memberships: { dev: [viewers], prod: [developers], tools: [viewers] } }
`;
/** One more person, in prod only: only prod's stack changes. */
const WITH_LEE_IN_PROD = `${CONFIG}  - { name: lee, memberships: { prod: [developers] } }\n`;

const ENVIRONMENTS = ['dev', 'prod', 'tools'];
const files = (dir: string) => readdirSync(dir).sort();
const read = (project: IsolatedProject, file: string) => readFileSync(join(project.dir, file), 'utf8');
const lines = (stdout: string, pattern: RegExp) => stdout.split('\n').filter((l) => pattern.test(l));

function gitProject(name: string): IsolatedProject {
  const project = projects.create(name, CONFIG);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: project.dir });
  git('init', '-q');
  git('add', 'config/access.yaml');
  git('commit', '-q', '-m', 'base');
  return project;
}

test('GIVEN a planned base WHEN one person is added in prod THEN only prod is planned; dev and tools are unchanged, not planned on either side', async () => {
  const project = gitProject('pr costs what it changes');
  const first = await project.run({ command: 'plan' });
  expect([first.exitCode, first.stderr]).toEqual([0, '']);
  expect(lines(first.stdout, /\] planned in /)).toHaveLength(3);
  const devAccess = read(project, 'tfplans/dev.access.json');

  project.write('config/access.yaml', WITH_LEE_IN_PROD);
  const pr = await project.run({ command: 'plan', args: ['--base', 'HEAD'] });

  expect([pr.exitCode, pr.stderr]).toEqual([0, '']);
  expect(lines(pr.stdout, /unchanged against HEAD: not planned/)).toEqual([
    '[dev] unchanged against HEAD: not planned',
    '[tools] unchanged against HEAD: not planned',
  ]);
  // Terraform ran for prod's new stack only; the base's prod was planned by the first run and is reused.
  expect(lines(pr.stdout, /\] planned in /)).toEqual([expect.stringMatching(/^\[prod\] planned in /)]);
  expect(lines(pr.stdout, /plan reused/)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^\[base:prod\] plan reused/)]),
  );
  // dev's plan is read from the store (prod's analysis reads it: prod's role trusts dev); tools is not touched.
  expect(pr.stdout).not.toMatch(/\[(base:)?(dev|tools)\] planning|\[tools\] plan reused|\[base:(dev|tools)\]/);
  expect(pr.stdout).toContain('2 environments unchanged against HEAD');
  // The report still says who can do what everywhere: every access file is written; prod's shows lee.
  expect(files(join(project.dir, 'tfplans'))).toEqual(
    expect.arrayContaining(ENVIRONMENTS.map((e) => `${e}.access.json`)),
  );
  expect(read(project, 'tfplans/prod.access.json')).toContain('"user/lee"');
  expect(read(project, 'tfplans/dev.access.json')).toBe(devAccess);

  // WHEN nothing is stored (a cold CI runner): the unchanged environments are analysed once, for both sides.
  rmSync(join(project.dir, '.cache'), { recursive: true, force: true });
  const cold = await project.run({ command: 'plan', args: ['--base', 'HEAD'] });
  expect([cold.exitCode, cold.stderr]).toEqual([0, '']);
  // Terraform runs once per distinct stack: the base's dev is the head's dev, read back from the store.
  expect(lines(cold.stdout, /^\[base:\w+\] planning/)).toEqual(['[base:prod] planning']);
  expect(lines(cold.stdout, /^\[\w+\] planning/)).toEqual(['[dev] planning', '[prod] planning', '[tools] planning']);
  expect(read(project, 'tfplans/prod.access.json')).toContain('"user/lee"');
}, 600_000);

test('GIVEN environments planned by separate processes into separate directories WHEN report merges them THEN nothing is planned again and the outputs equal one plan run', async () => {
  const project = gitProject('fan out');
  project.write('config/access.yaml', WITH_LEE_IN_PROD);

  // The first CI job: what changed against the base.
  const listed = await project.run({ command: 'plan', args: ['--base', 'HEAD', '--list-changed'] });
  expect([listed.exitCode, listed.stderr]).toEqual([0, '']);
  expect(JSON.parse(listed.stdout)).toEqual(['prod']);

  // The matrix: one process per environment, each into its own directory (at once: they share cdktf.out's lock).
  const legs = await Promise.all(
    ENVIRONMENTS.map((env) =>
      project.run({ command: 'plan', args: ['--env', env, '--base', 'HEAD', '--out', `planned/${env}`] }),
    ),
  );
  for (const leg of legs) {
    expect(leg.exitCode).toBe(0);
    expect(leg.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('waiting for '))).toEqual([]);
  }
  // Only plan files; the base's plan only where the stack differs from the base's (prod).
  expect(files(join(project.dir, 'planned', 'dev'))).toEqual(['dev.plan.json', 'dev.plan.source.json', 'dev.plan.txt']);
  expect(files(join(project.dir, 'planned', 'prod'))).toEqual([
    'base',
    'prod.plan.json',
    'prod.plan.source.json',
    'prod.plan.txt',
  ]);
  expect(files(join(project.dir, 'planned', 'prod', 'base'))).toEqual([
    'prod.plan.json',
    'prod.plan.source.json',
    'prod.plan.txt',
  ]);

  // The last job runs elsewhere: nothing stored but what it downloaded.
  rmSync(join(project.dir, '.cache'), { recursive: true, force: true });
  const report = await project.run({ command: 'report', args: ['--plans', 'planned', '--base', 'HEAD'] });
  expect([report.exitCode, report.stderr]).toEqual([0, '']);
  expect(report.stdout).toContain('Read 4 plan files from planned');
  expect(lines(report.stdout, /\] (planning|planned in)/)).toEqual([]);
  const merged = Object.fromEntries(
    [...ENVIRONMENTS.map((e) => `${e}.access.json`), 'SUMMARY.md'].map((f) => [f, read(project, `tfplans/${f}`)]),
  );

  // THEN: the same files as one run of npm run plan that plans everything itself.
  const single = await project.run({ command: 'plan', args: ['--base', 'HEAD', '--no-cache', '--out', 'single'] });
  expect([single.exitCode, single.stderr]).toEqual([0, '']);
  for (const [file, content] of Object.entries(merged)) expect(read(project, `single/${file}`)).toBe(content);
}, 600_000);

test('WHEN report gets a plan file without its source file THEN it names the file and what is missing, and writes nothing', async () => {
  const project = projects.create('bad artifact', CONFIG);
  project.write('planned/dev/dev.plan.json', '{"format_version":"1.2","configuration":{"root_module":{}}}\n');
  const before = project.snapshot();
  const report = await project.run({ command: 'report', args: ['--plans', 'planned'] });
  expect(report.exitCode).toBe(1);
  expect(report.stderr).toContain('planned/dev/dev.plan.json: lacks dev.plan.source.json and dev.plan.txt beside it');
  expect(project.snapshot()).toEqual(before);
}, 120_000);
