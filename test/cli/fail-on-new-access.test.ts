/**
 * `npm run plan -- --base <ref> --fail-on-new-access`: the gate a team can require on protected branches. In a git
 * project whose commit is the base: a refactor that changes no access passes (exit 0), a person added to a team
 * fails it (exit 3) with exactly their new cells printed. (The flag without --base, a usage error, is a case of
 * test/fixtures/cli-faults.yaml.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsolatedProjects, VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

const base = readFileSync(VALID_MINIMAL_CONFIG, 'utf8');
const DEVELOPERS =
  '  - { name: developers, grants: [{ profile: operator, pipelines: { tags: { team: backend } } }] }\n';
const VIEWERS = '  - { name: viewers, grants: [{ profile: viewer, pipelines: all }] }\n';

/** The operator profile renamed (its policies are renamed with it) and the teams in another order. */
const refactored = base
  .replace('{ name: operator, kind: operator }', '{ name: operate, kind: operator }')
  .replace(VIEWERS + DEVELOPERS, DEVELOPERS.replace('profile: operator', 'profile: operate') + VIEWERS);

const newAccessLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('NEW ACCESS '));

test('GIVEN a base WHEN a refactor is planned THEN no new access (exit 0); WHEN a person joins a team THEN exit 3 with exactly their cells', async () => {
  expect(refactored).not.toContain('operator,');
  expect(refactored.indexOf('name: developers')).toBeLessThan(refactored.indexOf('name: viewers'));
  const project = projects.create('gate', base);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: project.dir });
  git('init', '-q');
  git('add', 'config/access.yaml');
  git('commit', '-q', '-m', 'base');

  // WHEN: a refactor that changes no access.
  project.write('config/access.yaml', refactored);
  const refactor = await project.run({ command: 'plan', args: ['--base', 'HEAD', '--fail-on-new-access'] });
  const refactorSummary = readFileSync(join(project.dir, 'tfplans', 'SUMMARY.md'), 'utf8');

  // WHEN: lee joins the developers team in prod.
  project.write('config/access.yaml', `${refactored}  - name: lee\n    memberships: { prod: [developers] }\n`);
  const gain = await project.run({ command: 'plan', args: ['--base', 'HEAD', '--fail-on-new-access'] });
  const gainSummary = readFileSync(join(project.dir, 'tfplans', 'SUMMARY.md'), 'utf8');

  // THEN: the refactor passes the gate; its plan changes, its access does not.
  expect([refactor.exitCode, refactor.stderr]).toEqual([0, '']);
  expect(newAccessLines(refactor.stdout)).toEqual([]);
  expect(refactor.stdout).toContain('No new access against HEAD.');
  expect(refactorSummary).toMatch(/\*\*Against the base:\*\* \d+ resources? added, [1-9]\d* removed/);
  const accessSections = refactorSummary.split('### Who gains and who loses access\n\n').slice(1);
  expect(accessSections.every((section) => section.startsWith('No change in who can do what.'))).toBe(true);
  // THEN: the new member fails it, with their cells and no one else's.
  expect(gain.exitCode).toBe(3);
  const cells = newAccessLines(gain.stdout);
  expect(cells.length).toBeGreaterThan(0);
  expect(cells.filter((line) => !line.startsWith('NEW ACCESS [prod] user/lee '))).toEqual([]);
  expect(cells).toContain('NEW ACCESS [prod] user/lee StartPipelineExecution on app in any context');
  expect(gain.stderr).toContain(`${cells.length} new access cell${cells.length === 1 ? '' : 's'} against HEAD`);
  expect(gainSummary).toContain('| + | user/lee | app |');
}, 600_000);
