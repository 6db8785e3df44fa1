/**
 * Two `npm run plan` in one checkout, with different configs and the same outputs, on real Terraform: the second
 * waits for the first (they share cdktf.out/, tfplans/ and the sandboxes), each plans its own config, and what is
 * left is exactly what the last run's config gives.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, runSynthCli, type CliResult } from '../helpers/cli';
import { cliEnvironment } from '../helpers/cli-env';
import { snapshotTree } from '../helpers/tree';

const project = mkdtempSync(join(tmpdir(), 'concurrent-plans-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const ENVIRONMENT = `environments: [{ name: solo, accountId: "123456789012", region: us-east-2, pipelines: [{ name: app }] }]
profiles: [{ name: viewer, kind: viewer }, { name: operator, kind: operator }]
`;
/** Config A: one team, one person. */
const CONFIG_A = `version: 1
${ENVIRONMENT}teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: [app] }] }]
people: [{ name: kim, memberships: { solo: [viewers] } }]
`;
/** Config B: two teams, three people: more resources to create than A. */
const CONFIG_B = `version: 1
${ENVIRONMENT}teams:
  - { name: viewers, grants: [{ profile: viewer, pipelines: [app] }] }
  - { name: operators, grants: [{ profile: operator, pipelines: [app] }] }
people:
  - { name: kim, memberships: { solo: [viewers] } }
  - { name: lee, memberships: { solo: [operators] } }
  - { name: ana, memberships: { solo: [operators] } }
`;

interface Run extends CliResult {
  readonly pid: number;
}

/** Starts the compiled plan CLI in the project; `started` resolves when its output contains `signal`. */
function startPlan(config: string, signal: string): { pid: number; started: Promise<void>; done: Promise<Run> } {
  const env = cliEnvironment({ ACCESS_CONFIG: config });
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js')], { cwd: project, env });
  let stdout = '';
  let stderr = '';
  let seen: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (seen = resolve));
  const watch = () => (stdout + stderr).includes(signal) && seen();
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), watch()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), watch()));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ pid: child.pid ?? -1, exitCode: code ?? -1, stdout, stderr })),
  );
  return { pid: child.pid ?? -1, started, done };
}

/** What a first deploy of the config creates: every resource of its stack, synthesized into reference/<config>. */
async function synthesizedCount(config: string): Promise<number> {
  const outdir = join(project, 'reference', config);
  const synth = await runSynthCli({ ACCESS_CONFIG: join(project, 'config', `${config}.yaml`), CDKTF_OUTDIR: outdir });
  expect(synth.exitCode).toBe(0);
  const stack = JSON.parse(readFileSync(join(outdir, 'stacks', 'solo', 'cdk.tf.json'), 'utf8')) as {
    resource: Record<string, Record<string, unknown>>;
  };
  return Object.values(stack.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

const outputs = () => ({
  'cdktf.out': snapshotTree(join(project, 'cdktf.out')),
  tfplans: snapshotTree(join(project, 'tfplans')),
});

test('the second run waits for the first; each plans its own config; the last one is what remains', async () => {
  // GIVEN one project, two configs, and what each would synthesize on its own
  mkdirSync(join(project, 'config'));
  writeFileSync(join(project, 'config', 'a.yaml'), CONFIG_A);
  writeFileSync(join(project, 'config', 'b.yaml'), CONFIG_B);

  // WHEN A is planning (it holds the locks) and B starts
  const a = startPlan('config/a.yaml', '[solo] planning');
  await a.started;
  const b = startPlan('config/b.yaml', 'waiting for');
  const [runA, runB] = await Promise.all([a.done, b.done]);

  // THEN both succeed; B waited for A, saying so once and naming A
  expect([runA.exitCode, runA.stderr]).toEqual([0, '']);
  expect(runB.exitCode).toBe(0);
  expect(runB.stderr.match(/waiting for/g)).toHaveLength(1);
  expect(runB.stderr).toMatch(
    new RegExp(`^waiting for cdktf\\.out locked by pid ${runA.pid} \\(node .*plan\\.js, started `),
  );

  // AND each run's counts are those of its own config (synthesized on its own elsewhere)
  const [countA, countB] = [await synthesizedCount('a'), await synthesizedCount('b')];
  expect(countB).toBeGreaterThan(countA);
  expect(runA.stdout).toMatch(
    new RegExp(`Planned 1 environment in \\d+\\.\\d s \\(against empty state: ${countA} to create,`),
  );
  expect(runB.stdout).toMatch(
    new RegExp(`Planned 1 environment in \\d+\\.\\d s \\(against empty state: ${countB} to create,`),
  );

  // AND what is left is B's: its stack, and exactly the files a run of B alone writes
  // (the local backend's path is relative to the output directory, which differs: compared without it)
  const withoutBackend = (outdir: string) => {
    const stack = JSON.parse(readFileSync(join(project, outdir, 'stacks', 'solo', 'cdk.tf.json'), 'utf8'));
    delete stack.terraform.backend;
    return stack;
  };
  expect(withoutBackend('cdktf.out')).toEqual(withoutBackend(join('reference', 'b')));
  expect(readFileSync(join(project, 'tfplans', 'solo.plan.txt'), 'utf8')).toContain(`Plan: ${countB} to add`);
  const after = outputs();
  const again = startPlan('config/b.yaml', '');
  expect((await again.done).exitCode).toBe(0);
  expect(outputs()).toEqual(after);
}, 300_000);
