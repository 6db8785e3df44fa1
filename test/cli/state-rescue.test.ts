/**
 * Replacing cdktf.out/ never drops a file synth did not write: Terraform state of the old default local backend
 * (`cdktf.out/stacks/<env>/terraform.<env>.tfstate`) and anything else unknown move to state/ with a warning,
 * never overwriting; Terraform's caches are carried over; cdktf's own working files are regenerated.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT, type CliResult } from '../helpers/cli';
import { cliEnvironment } from '../helpers/cli-env';

const project = mkdtempSync(join(tmpdir(), 'state-rescue-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const CONFIG = `version: 1
environments:
  - { name: dev, accountId: "111111111111", region: us-east-2, pipelines: [{ name: app }] }
  - { name: prod, accountId: "222222222222", region: us-east-2, pipelines: [{ name: app }] }
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: [app] }] }]
people: [{ name: kim, memberships: { dev: [viewers], prod: [viewers] } }]
`;

function write(path: string, content: string): void {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), content);
}

const read = (path: string) => readFileSync(join(project, path), 'utf8');

function synth(): Promise<CliResult> {
  const env = cliEnvironment();
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(PROJECT_ROOT, 'dist', 'main.js')],
      { cwd: project, env, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

test('old state, unknown files and caches in cdktf.out/ survive a synth', async () => {
  // GIVEN a project whose cdktf.out/ holds what an older version and cdktf diff/deploy left there,
  // and a state/ that already has a dev state (a deploy with the new default)
  write('config/access.yaml', CONFIG);
  write('cdktf.out/manifest.json', '{"old": true}');
  write('cdktf.out/stacks/dev/cdk.tf.json', '{"old": true}');
  write('cdktf.out/stacks/dev/terraform.dev.tfstate', 'old dev state');
  write('cdktf.out/stacks/dev/terraform.dev.tfstate.backup', 'old dev backup');
  write('cdktf.out/stacks/dev/.terraform/terraform.tfstate', 'backend cache');
  write('cdktf.out/stacks/dev/.terraform.lock.hcl', 'provider lock');
  write('cdktf.out/stacks/dev/plan', 'saved plan of cdktf diff');
  write('cdktf.out/stacks/prod/terraform.prod.tfstate', 'old prod state');
  write('cdktf.out/stacks/gone/terraform.gone.tfstate', 'state of an environment removed from the config');
  write('cdktf.out/stacks/gone/.terraform/terraform.tfstate', 'cache of a removed stack');
  write('cdktf.out/notes/deploy.txt', 'a note someone kept here');
  write('state/dev.tfstate', 'current dev state');

  // WHEN synth replaces cdktf.out/
  const result = await synth();

  // THEN nothing is lost, nothing is overwritten, and each move is named in a warning
  expect(result.exitCode).toBe(0);
  expect(read('state/dev.tfstate')).toBe('current dev state');
  expect(read('state/dev.rescued-1.tfstate')).toBe('old dev state');
  expect(read('state/dev.tfstate.backup')).toBe('old dev backup');
  expect(read('state/prod.tfstate')).toBe('old prod state');
  expect(read('state/gone.tfstate')).toBe('state of an environment removed from the config');
  expect(read('state/cdktf.out/notes/deploy.txt')).toBe('a note someone kept here');
  for (const [from, to] of [
    ['cdktf.out/stacks/dev/terraform.dev.tfstate', 'state/dev.rescued-1.tfstate'],
    ['cdktf.out/stacks/dev/terraform.dev.tfstate.backup', 'state/dev.tfstate.backup'],
    ['cdktf.out/stacks/prod/terraform.prod.tfstate', 'state/prod.tfstate'],
    ['cdktf.out/stacks/gone/terraform.gone.tfstate', 'state/gone.tfstate'],
    ['cdktf.out/notes/deploy.txt', 'state/cdktf.out/notes/deploy.txt'],
  ])
    expect(result.stderr).toContain(`warning: moved ${from} to ${to}: cdktf.out/ is replaced whole by every synth`);
  expect(result.stderr.match(/^warning: moved /gm)).toHaveLength(5);

  // The caches of stacks that still exist are carried over; the new output is synth's own.
  expect(read('cdktf.out/stacks/dev/.terraform/terraform.tfstate')).toBe('backend cache');
  expect(read('cdktf.out/stacks/dev/.terraform.lock.hcl')).toBe('provider lock');
  expect(readdirSync(join(project, 'cdktf.out', 'stacks')).sort()).toEqual(['dev', 'prod']);
  expect(readdirSync(join(project, 'cdktf.out', 'stacks', 'dev')).sort()).toEqual([
    '.terraform',
    '.terraform.lock.hcl',
    'cdk.tf.json',
  ]);
  expect(JSON.parse(read('cdktf.out/stacks/dev/cdk.tf.json')).provider.aws[0].allowed_account_ids).toEqual([
    '111111111111',
  ]);
  expect(readdirSync(project).sort()).toEqual(['cdktf.out', 'config', 'state']);

  // A second synth finds nothing to move.
  const again = await synth();
  expect([again.exitCode, again.stderr]).toEqual([0, '']);
  expect(existsSync(join(project, 'state', 'dev.rescued-2.tfstate'))).toBe(false);
}, 60_000);
