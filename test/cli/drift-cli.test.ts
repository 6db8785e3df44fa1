/**
 * `npm run drift` as a user runs it, in a project of its own with the example config: the plan is the one the global
 * setup made (given with --plans, so Terraform plans nothing), the dump a recorded one. Exit 0 and a report saying
 * so when the account is as planned; exit 2, one line per finding and the report when it drifted. (Bad dumps and
 * flags, exit 1: test/fixtures/cli-faults.yaml.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { FIXTURES_DIR, IsolatedProjects, type IsolatedProject } from '../helpers/isolated-project';
import { fixturePlansDir } from '../helpers/plans';
import type { CliResult } from '../helpers/cli';

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

const runDrift = (project: IsolatedProject, dump: string): Promise<CliResult> =>
  project.run({
    command: 'drift',
    args: ['--env', 'prod', '--from', join(FIXTURES_DIR, 'live', dump), '--plans', fixturePlansDir('example')],
  });

let asPlanned: { project: IsolatedProject; result: CliResult };
let drifted: { project: IsolatedProject; result: CliResult };

beforeAll(async () => {
  const config = readFileSync(EXAMPLE_CONFIG_FILE, 'utf8');
  const a = projects.create('as planned', config);
  const b = projects.create('drifted', config);
  [asPlanned, drifted] = await Promise.all([
    runDrift(a, 'matches-plan').then((result) => ({ project: a, result })),
    runDrift(b, 'drifted').then((result) => ({ project: b, result })),
  ]);
}, 240_000);

test('an account as planned: exit 0, nothing on stdout, the report written beside the plan files', () => {
  expect([asPlanned.result.exitCode, asPlanned.result.stdout]).toEqual([0, '']);
  expect(asPlanned.result.stderr).toContain('No drift in prod: the live account gives exactly what the plan gives.');
  // Planned by nobody: the plan files given were used.
  expect(asPlanned.result.stderr).not.toContain('] planning');
  const report = readFileSync(join(asPlanned.project.dir, 'tfplans', 'prod.drift.md'), 'utf8');
  expect(report).toContain('**No drift:** the live account gives exactly what the plan gives.');
});

test('a drifted account: exit 2, one line per finding with its source, the same findings in the report', () => {
  expect(drifted.result.exitCode).toBe(2);
  const lines = drifted.result.stdout.trimEnd().split('\n');
  expect(lines.every((l) => /^DRIFT (live-only|missing-live|unmanaged|differs) \[prod\] /.test(l))).toBe(true);
  expect(lines).toContain(
    'DRIFT live-only [prod] user/mina DeletePipeline on MyFirstPipeline in any context (source: AWS managed policy AWSCodePipeline_FullAccess attached to user/mina)',
  );
  expect(lines).toContain(
    'DRIFT differs [prod] aws_iam_role.CrossAccountPipelineViewers trust policy: live 1 statement the plan does not have; planned 1 statement missing live',
  );
  expect(drifted.result.stderr).toMatch(/Drift in prod: \d+ cells live that the config does not give, /);
  const report = readFileSync(join(drifted.project.dir, 'tfplans', 'prod.drift.md'), 'utf8');
  expect(report).toContain(
    '| user/jin | MyFirstPipeline | UpdatePipeline | any context | inline policy allow-pipeline-edits of group/helprr-backend-developer-group |',
  );
});
