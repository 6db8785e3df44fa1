/**
 * Terraform state is user data: losing it orphans every IAM user, group and role it tracks. Local state must live
 * where nothing the project regenerates reaches it, and survive every command a user runs: synth, plan, and
 * cdktf diff (which synthesizes, then runs `terraform init` and `plan` in the stack directory).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/cli';
import { copyEnvironment, copyProject } from '../helpers/project-copy';

const run = promisify(execFile);

const CONFIG = `version: 1
environments:
  - name: dev
    accountId: "111111111111"
    region: us-east-2
    pipelines: [{ name: app }]
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: all }] }]
people: [{ name: ana, memberships: { dev: [viewers] } }]
`;

mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
const projects = mkdtempSync(join(PROJECT_ROOT, '.cache', 'state-survival-'));
afterAll(() => rmSync(projects, { recursive: true, force: true }));
let project = '';

/** The project as a user's checkout holds it, with its built dist/ (saves a build) and the config above. */
function copyWithConfig(name: string): void {
  project = join(projects, name);
  mkdirSync(project);
  copyProject(project);
  cpSync(join(PROJECT_ROOT, 'dist'), join(project, 'dist'), { recursive: true });
  writeFileSync(join(project, 'config', 'access.yaml'), CONFIG);
}

/**
 * What `eval "$(npm run --silent terraformrc)"` gives a shell, plus AWS credentials that point at a closed port on
 * this machine, so a provider that asks AWS anything fails there and nothing leaves the machine.
 */
async function terraformEnvironment(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const { stdout: rc } = await run(process.execPath, ['dist/src/cli/terraformrc.js'], { cwd: project, env });
  return {
    ...env,
    TF_CLI_CONFIG_FILE: JSON.parse(rc.trim().replace(/^export TF_CLI_CONFIG_FILE=/, '')) as string,
    AWS_ACCESS_KEY_ID: 'state-survival-test',
    AWS_SECRET_ACCESS_KEY: 'state-survival-test',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** What a deploy wrote: a state with a resource, and Terraform's backup beside it. */
const STATE = `${JSON.stringify(
  {
    version: 4,
    terraform_version: '1.11.4',
    serial: 7,
    lineage: 'state-survival-lineage',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_iam_group',
        name: 'viewers',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: { id: 'viewers', name: 'viewers', path: '/' } }],
      },
    ],
    check_results: null,
  },
  null,
  2,
)}\n`;

test('GIVEN a deployed local state WHEN synth, plan and cdktf diff run THEN the state is where they cannot reach it, unchanged', async () => {
  copyWithConfig('deployed');
  // The copy's defaults (config/access.yaml, cdktf.out/), whatever the test run's environment says.
  const env = copyEnvironment();
  await run(process.execPath, ['dist/main.js'], { cwd: project, env });

  // Where a deploy would write: the backend path, as Terraform resolves it from the stack directory.
  const stackDir = join(project, 'cdktf.out', 'stacks', 'dev');
  const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const stateFile = resolve(stackDir, stack.terraform.backend.local.path);
  expect(relative(project, stateFile)).toBe(join('state', 'dev.tfstate'));
  for (const regenerated of ['cdktf.out', 'tfplans', '.cache', 'dist'])
    expect(relative(join(project, regenerated), stateFile).startsWith('..')).toBe(true);
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, STATE);
  writeFileSync(`${stateFile}.backup`, STATE.replace('"serial": 7', '"serial": 6'));
  const before = [sha256(stateFile), sha256(`${stateFile}.backup`)];

  // synth again, plan (offline sandbox), then cdktf diff as the README says; diff stops at the AWS credentials,
  // which point at a closed port on this machine so nothing leaves it.
  await run(process.execPath, ['dist/main.js'], { cwd: project, env });
  await run(process.execPath, ['dist/src/cli/plan.js'], { cwd: project, env, timeout: 180_000 });
  const tfEnv = await terraformEnvironment(env);
  const diff = await run(join(project, 'node_modules', '.bin', 'cdktf'), ['diff', 'dev', '--skip-provider-lock'], {
    cwd: project,
    env: tfEnv,
    timeout: 300_000,
  }).then(
    () => 'planned',
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
  // It got as far as the provider asking AWS who the credentials are, so init and the state read ran.
  expect(diff).toMatch(/GetCallerIdentity|127\.0\.0\.1:9/);

  expect([sha256(stateFile), sha256(`${stateFile}.backup`)]).toEqual(before);
  // And Terraform in the stack directory still finds that very state.
  const { stdout: pulled } = await run('terraform', ['state', 'pull'], { cwd: stackDir, env: tfEnv });
  expect(JSON.parse(pulled).lineage).toBe('state-survival-lineage');
  expect(existsSync(join(project, 'cdktf.out', 'stacks', 'dev', 'terraform.dev.tfstate'))).toBe(false);
}, 400_000);

test('GIVEN the old layout (state inside cdktf.out/, initialised there) WHEN synth runs THEN the state moves to state/ and Terraform takes it without a migration', async () => {
  copyWithConfig('upgrade');
  const env = copyEnvironment();
  await run(process.execPath, ['dist/main.js'], { cwd: project, env });
  const tfEnv = await terraformEnvironment(env);
  // What an earlier version left: a stack whose local backend kept the state beside it, initialised and deployed.
  const stackDir = join(project, 'cdktf.out', 'stacks', 'dev');
  const stackFile = join(stackDir, 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
  stack.terraform.backend.local.path = 'terraform.dev.tfstate';
  writeFileSync(stackFile, JSON.stringify(stack, null, 2));
  await run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv });
  writeFileSync(join(stackDir, 'terraform.dev.tfstate'), STATE);

  const synth = await run(process.execPath, ['dist/main.js'], { cwd: project, env });

  expect(synth.stderr).toContain(
    'warning: moved cdktf.out/stacks/dev/terraform.dev.tfstate to state/dev.tfstate: cdktf.out/ is replaced whole by every synth',
  );
  expect(readFileSync(join(project, 'state', 'dev.tfstate'), 'utf8')).toBe(STATE);
  // terraform init (what cdktf diff runs first) takes the new path as it is: no "Backend configuration changed"
  const init = await run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv });
  expect(init.stdout).toContain('Terraform has been successfully initialized');
  const { stdout: pulled } = await run('terraform', ['state', 'pull'], { cwd: stackDir, env: tfEnv });
  expect(JSON.parse(pulled).lineage).toBe('state-survival-lineage');
}, 300_000);
