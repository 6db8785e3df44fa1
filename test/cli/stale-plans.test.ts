/**
 * Outputs know where they came from: each plan file has a `<env>.plan.source.json` naming the configuration
 * Terraform planned. `npm run access` refuses plans the current config does not give, `npm run plan --env x`
 * writes that environment's plan files only, and the files of an environment removed from the
 * config go with the run's other writes. All on real plans, in a throwaway project.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsolatedProjects, VALID_MINIMAL_CONFIG, type IsolatedProject } from '../helpers/isolated-project';

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

const CONFIG = readFileSync(VALID_MINIMAL_CONFIG, 'utf8');
/** The same config with one more person, in dev only. */
const WITH_LEE = `${CONFIG}  - { name: lee, console: { enabled: false }, memberships: { dev: [developers] } }\n`;
/** The same config without prod (and what only prod had: the role). */
const DEV_ONLY = `version: 1
environments:
  - name: dev
    accountId: '111111111111'
    region: us-east-2
    pipelines: [{ name: app-dev, tags: { team: backend } }]
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people: [{ name: jin, console: { enabled: false }, memberships: { dev: [viewers] } }]
`;

const tfplans = (project: IsolatedProject) => readdirSync(join(project.dir, 'tfplans')).sort();

let project: IsolatedProject;
beforeAll(() => {
  project = projects.create('stale plans', CONFIG);
});

test('GIVEN planned environments WHEN the config changes THEN access refuses the stale plan and names it', async () => {
  const first = await project.run({ command: 'plan' });
  expect([first.exitCode, first.stderr]).toEqual([0, '']);
  expect(tfplans(project)).toEqual(
    expect.arrayContaining(['dev.plan.source.json', 'prod.plan.source.json', 'dev.access.json', 'prod.access.json']),
  );
  expect((await project.run({ command: 'access' })).exitCode).toBe(0);

  project.write('config/access.yaml', WITH_LEE);
  const access = await project.run({ command: 'access' });
  expect(access.exitCode).toBe(1);
  expect(access.stderr).toContain(
    'the plans in tfplans/ do not show what config/access.yaml gives now; run npm run plan:\n' +
      '  - dev: its plan was made from another config or code than the current one gives\n',
  );
  expect(access.stderr).not.toContain('prod:');
  expect(access.stdout).toBe('');
}, 180_000);

test('WHEN only prod is planned (--env) THEN only its plan files are written; access still refuses the stale dev until a full plan', async () => {
  const devAccessBefore = readFileSync(join(project.dir, 'tfplans', 'dev.access.json'), 'utf8');
  const prodOnly = await project.run({ command: 'plan', args: ['--env', 'prod', '--out', 'prod-only'] });
  expect([prodOnly.exitCode, prodOnly.stderr]).toEqual([0, '']);
  expect(readdirSync(join(project.dir, 'prod-only')).sort()).toEqual([
    'prod.plan.json',
    'prod.plan.source.json',
    'prod.plan.txt',
  ]);
  expect(prodOnly.stdout).toContain('npm run report -- --plans prod-only');
  expect((await project.run({ command: 'access' })).exitCode).toBe(1);

  const plan = await project.run({ command: 'plan' });
  expect([plan.exitCode, plan.stderr]).toEqual([0, '']);
  // dev's stack changed (lee): planned; prod's did not: its plan is reused from .cache/plans.
  expect(plan.stdout).toContain('[prod] plan reused: this exact stack was planned before');
  expect(plan.stdout).toContain('Planned 1 environment ');
  const devAccess = readFileSync(join(project.dir, 'tfplans', 'dev.access.json'), 'utf8');
  expect(devAccessBefore).not.toContain('user/lee');
  expect(devAccess).toContain('user/lee');

  const access = await project.run({ command: 'access' });
  expect([access.exitCode, access.stderr]).toEqual([0, '']);
  expect(access.stdout).toContain('user/lee');
}, 240_000);

test('WHEN an environment leaves the config THEN its plan and access files are removed with the run', async () => {
  project.write('config/access.yaml', DEV_ONLY);
  const plan = await project.run({ command: 'plan' });
  expect(plan.exitCode).toBe(0);
  expect(plan.stdout).toContain(
    'Removed tfplans/prod.access.json, tfplans/prod.plan.json, tfplans/prod.plan.source.json, tfplans/prod.plan.txt, tfplans/prod.review.md (environments no longer in the config, or reviewed in one line now)',
  );
  expect(tfplans(project).filter((f) => f.startsWith('prod.'))).toEqual([]);
  expect(existsSync(join(project.dir, 'tfplans', 'dev.access.json'))).toBe(true);
  expect(tfplans(project)).toContain('SUMMARY.md');
}, 180_000);
