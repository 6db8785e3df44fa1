/** The plan CLI's review outputs: --base against a git revision, and rule errors failing the run. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, runPlanCli } from '../helpers/cli';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { TEST_PLANS_DIR } from '../helpers/plans';

const dir = join(TEST_PLANS_DIR, 'review');
mkdirSync(dir, { recursive: true });

test('--base HEAD with an unchanged config plans nothing: one line per environment, and the new-access gate passes', async () => {
  const out = join(dir, 'base-head');
  const result = await runPlanCli(['--base', 'HEAD', '--fail-on-new-access', '--out', out], {
    ACCESS_CONFIG: EXAMPLE_CONFIG_FILE,
    CDKTF_OUTDIR: join(dir, 'base-head-synth'),
  });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  for (const environment of ['dev', 'staging', 'prod'])
    expect(result.stdout).toContain(`[${environment}] unchanged against HEAD: not planned`);
  expect(result.stdout).not.toMatch(/\] (planning|planned in)/);
  expect(result.stdout).toContain('No new access against HEAD.');
  expect(result.stdout).not.toContain('NEW ACCESS');
  const summary = readFileSync(join(out, 'SUMMARY.md'), 'utf8');
  expect(summary).toContain('3 environments (3 unchanged); 0 errors, 0 warnings; changes against the base branch.');
  expect(summary).toContain("Unchanged: `dev`, `staging`, `prod` (plan and access as the base's, no findings).");
  expect(summary).not.toContain('## ');
}, 120_000);

test('--base with an unknown revision is one clear error, before anything is planned', async () => {
  const result = await runPlanCli(['--env', 'prod', '--base', 'no-such-branch', '--out', join(dir, 'bad-base')], {
    ACCESS_CONFIG: EXAMPLE_CONFIG_FILE,
    CDKTF_OUTDIR: join(dir, 'bad-base-synth'),
  });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain('--base no-such-branch: not a commit in this repository');
  expect(result.stdout).not.toContain('planning');
}, 120_000);

test('error findings fail the run and are listed; a suppression with a reason silences one', async () => {
  const config = join(dir, 'risky.yaml');
  writeFileSync(
    config,
    `version: 1
environments: [{ name: solo, accountId: "123456789012", region: us-east-2, pipelines: [{ name: app }] }]
profiles: [{ name: editor, kind: custom, actions: [codepipeline:UpdatePipeline, codepipeline:GetPipeline] }]
teams: [{ name: editors, grants: [{ profile: editor, pipelines: [app] }] }]
people: [{ name: kim, memberships: { solo: [editors] } }]
suppressions:
  - { rule: CPA-IAM3, target: aws_iam_policy.editors-editor, detail: "Statement[CustomPipelineActions].Action::codepipeline:UpdatePipeline", reason: "editors own the pipeline's service role" }
`,
  );
  const out = join(dir, 'risky-out');
  const result = await runPlanCli(['--out', out], { ACCESS_CONFIG: config, CDKTF_OUTDIR: join(dir, 'risky-synth') });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain(
    'ERROR CPA-IAM2 [solo] user/kim Action::codepipeline:UpdatePipeline@app: user/kim may UpdatePipeline on app without an admin profile',
  );
  expect(result.stdout).toContain(
    "suppressed CPA-IAM3 [solo] aws_iam_policy.editors-editor Statement[CustomPipelineActions].Action::codepipeline:UpdatePipeline (editors own the pipeline's service role)",
  );
  expect(result.stderr).toContain('1 rule error: fix them or suppress each with a reason');
  expect(readFileSync(join(out, 'SUMMARY.md'), 'utf8')).toContain('| suppressed | CPA-IAM3 |');
}, 120_000);

test('Ctrl-C while Terraform runs: exit 130 and no file written', async () => {
  const { spawn } = await import('node:child_process');
  const out = join(dir, 'interrupted');
  // --no-cache: the plan store would answer the example's stacks without running Terraform.
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'), '--out', out, '--no-cache'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: join(dir, 'interrupted-synth') },
    },
  );
  let stdout = '';
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('planning')) resolve();
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  child.kill('SIGINT');
  expect(await exit).toBe(130);
  expect(existsSync(out)).toBe(false);
}, 120_000);
