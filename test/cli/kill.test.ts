/**
 * Terraform dies with the CLI, however the CLI dies: `kill -9` of the plan CLI leaves no Terraform running, and the
 * next run takes over the lock the killed one left and clears its staged output.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, type CliResult } from '../helpers/cli';
import { cliEnvironment } from '../helpers/cli-env';

const project = mkdtempSync(join(tmpdir(), 'kill-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const CONFIG = `version: 1
environments: [{ name: solo, accountId: "123456789012", region: us-east-2, pipelines: [{ name: app }] }]
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: [app] }] }]
people: [{ name: kim, memberships: { solo: [viewers] } }]
`;

/** Polls `condition` every 100 ms until it holds or `seconds` pass (a generous bound, not a measurement). */
async function eventually(condition: () => boolean, seconds: number): Promise<boolean> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** Gone, or a zombie nobody has reaped yet (it runs no more): what `ps` says. */
function isGone(pid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return true; // ps exits 1 when there is no such process
  }
}

test('kill -9 of the plan CLI while Terraform runs: Terraform is gone within seconds', async () => {
  // GIVEN a Terraform that records its pid and then runs until it is killed
  mkdirSync(join(project, 'config'));
  writeFileSync(join(project, 'config', 'access.yaml'), CONFIG);
  const pids = join(project, 'terraform.pids');
  const terraform = join(project, 'slow-terraform.sh');
  writeFileSync(
    terraform,
    `#!/bin/sh\ncase "$1" in\n  version) echo '{"terraform_version": "1.11.4"}' ;;\n  *) echo $$ >> '${pids}'; exec sleep 300 ;;\nesac\n`,
  );
  chmodSync(terraform, 0o755);
  const cli = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js')], {
    cwd: project,
    env: cliEnvironment({ TERRAFORM_BIN: terraform }),
    stdio: 'ignore',
  });
  const cliExited = new Promise((resolve) => cli.on('exit', resolve));
  expect(await eventually(() => existsSync(pids) && readFileSync(pids, 'utf8').trim() !== '', 60)).toBe(true);
  const terraformPid = Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);
  expect(isGone(terraformPid)).toBe(false);

  // WHEN the CLI is killed with SIGKILL (no handler can run)
  cli.kill('SIGKILL');
  await cliExited;

  // THEN its Terraform does not outlive it
  expect(await eventually(() => isGone(terraformPid), 10)).toBe(true);

  // AND the next run takes over the lock the killed run left, and clears the synth output it had staged
  expect(readdirSync(project)).toEqual(expect.arrayContaining(['cdktf.out.lock', `cdktf.out.staging-${cli.pid}`]));
  const synth = await new Promise<CliResult>((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'main.js')], {
      cwd: project,
      env: cliEnvironment({}),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout: '', stderr }));
  });
  expect(synth.exitCode).toBe(0);
  expect(synth.stderr).toMatch(
    new RegExp(
      `^note: took over the lock of cdktf\\.out left by pid ${cli.pid} \\(node .*plan\\.js, started .+\\), which is no longer running$`,
      'm',
    ),
  );
  // (tfplans.lock stays until the next plan run takes it over: synth does not write tfplans/)
  expect(readdirSync(project).sort()).toEqual([
    '.cache',
    'cdktf.out',
    'config',
    'slow-terraform.sh',
    'terraform.pids',
    'tfplans.lock',
  ]);
}, 120_000);
