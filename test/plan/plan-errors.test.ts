/**
 * Planning failures: one clear error naming the environment, with Terraform's own words, and nothing written:
 * the project's cache (sandboxes, CLI config) is left byte-identical, even where some environments planned.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanFailures, planEnvironments, type PlanRequest } from '../../src/plan/planner';
import { providerSourceFromEnv, type ProviderSource } from '../../src/plan/terraform-cli-config';
import { WriteTransaction } from '../../src/synth/write-transaction';
import { snapshotTree } from '../helpers/tree';
import { runPlanCli } from '../helpers/cli';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { fixtureOutdir, fixturePlansDir, TEST_PLANS_DIR } from '../helpers/plans';

const workdir = mkdtempSync(join(tmpdir(), 'plan-errors-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const FIXTURE_STACKS = join(__dirname, '..', 'fixtures', 'stacks');

type Request = Omit<PlanRequest, 'transaction'>;

/** The provider source of this machine (its mirror, or the registry), as the CLI would find it. */
function machineProvider(): ProviderSource {
  const found = providerSourceFromEnv();
  if ('problem' in found) throw new Error(found.problem);
  return found.source;
}

function request(overrides: Partial<Request> & Pick<Request, 'environments' | 'stacksDir'>): Request {
  return {
    cacheDir: mkdtempSync(join(workdir, 'cache-')),
    terraform: { binary: 'terraform', timeoutSeconds: 120 },
    provider: machineProvider(),
    ...overrides,
  };
}

/** Plans in a transaction, as the CLI does; a failure rolls it back. */
function plan(req: Request) {
  return WriteTransaction.run((transaction) => planEnvironments({ ...req, transaction }));
}

/** The failure of a run expected to fail, after checking that it left the cache as it was. */
async function failure(req: Request): Promise<PlanFailures> {
  const before = snapshotTree(req.cacheDir);
  try {
    await plan(req);
  } catch (error) {
    if (!(error instanceof PlanFailures)) throw error;
    expect(snapshotTree(req.cacheDir)).toEqual(before);
    return error;
  }
  throw new Error('planning was expected to fail');
}

test('terraform not found: names the binary and how to fix it, for every environment', async () => {
  const error = await failure(
    request({
      environments: ['dev', 'prod'],
      stacksDir: join(fixtureOutdir('example'), 'stacks'),
      terraform: { binary: join(workdir, 'no-such-terraform'), timeoutSeconds: 30 },
    }),
  );
  expect(error.failures.map((f) => f.environment)).toEqual(['dev', 'prod']);
  expect(error.message).toContain(`2 environments could not be planned; nothing was written`);
  expect(error.message).toContain(
    `[dev] terraform was not found at "${join(workdir, 'no-such-terraform')}"; install Terraform >= 1.10 or set TERRAFORM_BIN`,
  );
});

test("a plan Terraform rejects: the environment, the failing command and Terraform's message", async () => {
  const error = await failure(request({ environments: ['invalid-argument'], stacksDir: FIXTURE_STACKS }));
  expect(error.message).toContain('[invalid-argument] terraform plan failed (exit 1):');
  expect(error.message).toContain('Error: Extraneous JSON object property');
  expect(error.message).toContain('No argument or block type is named "nmae". Did you mean "name"?');
}, 120_000);

test('one failing environment: the sandbox of the one that planned is left as it was, and no tfplan is kept', async () => {
  // GIVEN a cache where dev planned once, and stacks where dev plans and another environment fails
  const stacks = join(workdir, 'mixed-stacks');
  mkdirSync(stacks);
  cpSync(join(fixtureOutdir('example'), 'stacks', 'dev'), join(stacks, 'dev'), { recursive: true });
  cpSync(join(FIXTURE_STACKS, 'invalid-argument'), join(stacks, 'invalid-argument'), { recursive: true });
  const req = request({ environments: ['dev'], stacksDir: stacks });
  const [dev] = await plan(req);
  expect(dev.counts.create).toBe(15);
  const sandboxes = readdirSync(join(req.cacheDir, 'sandboxes'));
  expect(readdirSync(join(req.cacheDir, 'sandboxes', sandboxes[0], 'dev')).sort()).toEqual([
    '.terraform',
    '.terraform.lock.hcl',
    'main.tf.json',
  ]);
  // WHEN both are planned THEN the run fails, naming only the failing one, and the cache is byte-identical
  const error = await failure({ ...req, environments: ['dev', 'invalid-argument'] });
  expect(error.failures.map((f) => f.environment)).toEqual(['invalid-argument']);
}, 180_000);

test('a plan that runs past its time limit is stopped with a clear error', async () => {
  const error = await failure(
    request({
      environments: ['prod'],
      stacksDir: join(fixtureOutdir('example'), 'stacks'),
      terraform: { binary: 'terraform', timeoutSeconds: 0.2 },
    }),
  );
  expect(error.message).toMatch(
    /\[prod\] terraform (init|plan|show) timed out after 0\.2 s and was stopped \(PLAN_TIMEOUT_SECONDS sets the limit\)/,
  );
});

test('a mirror without the AWS provider: terraform init fails with its own message, naming the mirror', async () => {
  const mirror = mkdtempSync(join(workdir, 'empty-mirror-'));
  const error = await failure(
    request({ environments: ['dev'], stacksDir: join(fixtureOutdir('example'), 'stacks'), provider: { mirror } }),
  );
  expect(error.message).toContain('[dev] terraform init failed (exit 1):');
  expect(error.message).toContain('provider registry.terraform.io/hashicorp/aws was not found');
  expect(error.message).toContain(mirror);
}, 120_000);

describe('the plan CLI', () => {
  // The product's example, never the user's config/access.yaml.
  const EXAMPLE = { ACCESS_CONFIG: EXAMPLE_CONFIG_FILE };

  test('--env plans one environment and writes only its plan files, byte-identical to a whole run of the same config', async () => {
    const out = join(workdir, 'cli-dev');
    // WHEN dev alone is planned (--no-cache: Terraform runs, nothing comes from the plan store)
    const result = await runPlanCli(['--env', 'dev', '--out', out, '--no-cache'], {
      ...EXAMPLE,
      CDKTF_OUTDIR: join(TEST_PLANS_DIR, 'cli-dev-synth'),
    });
    // THEN dev's plan files only, and they are the global setup's, byte for byte
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/\[dev\] planned in \d+\.\d s( \(with terraform init\))?: 15 to create/);
    expect(result.stdout).not.toMatch(/\[(staging|prod)\]/);
    expect(readdirSync(out).sort()).toEqual(['dev.plan.json', 'dev.plan.source.json', 'dev.plan.txt']);
    for (const file of readdirSync(out))
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(fixturePlansDir('example'), file), 'utf8'));
    expect(readFileSync(join(out, 'dev.plan.json'), 'utf8')).not.toContain('"timestamp"');
  }, 120_000);

  test('an unknown environment is refused with the allowed names', async () => {
    const result = await runPlanCli(['--env', 'qa', '--out', join(workdir, 'cli-qa-out')], {
      ...EXAMPLE,
      CDKTF_OUTDIR: join(workdir, 'cli-qa-synth'),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--env "qa": unknown environment; must be one of "dev", "staging", "prod"');
    expect(existsSync(join(workdir, 'cli-qa-synth'))).toBe(false);
  }, 60_000);

  test('an unknown flag prints the usage', async () => {
    const result = await runPlanCli(['--environment', 'dev', '--out', join(workdir, 'cli-flag-out')], EXAMPLE);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown option --environment (did you mean --env?)');
    expect(result.stderr).toContain('usage: npm run plan');
  }, 60_000);

  test('terraform missing: a usage error naming TERRAFORM_BIN, before anything is synthesized', async () => {
    const out = join(workdir, 'cli-missing');
    const result = await runPlanCli(['--env', 'prod', '--out', out], {
      ...EXAMPLE,
      CDKTF_OUTDIR: join(workdir, 'cli-missing-synth'),
      TERRAFORM_BIN: '/nonexistent/terraform',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'TERRAFORM_BIN: "/nonexistent/terraform" cannot be run (not found, or not executable)',
    );
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(workdir, 'cli-missing-synth'))).toBe(false);
  }, 60_000);

  test('a TF_PROVIDER_MIRROR that does not exist is refused before anything runs', async () => {
    const result = await runPlanCli(['--out', join(workdir, 'cli-no-mirror')], {
      ...EXAMPLE,
      CDKTF_OUTDIR: join(workdir, 'cli-no-mirror-synth'),
      TF_PROVIDER_MIRROR: join(workdir, 'missing-mirror'),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('TF_PROVIDER_MIRROR: must be a provider mirror directory, or unset for ');
    expect(result.stderr).toContain(`; got "${join(workdir, 'missing-mirror')}", which does not exist`);
    expect(existsSync(join(workdir, 'cli-no-mirror-synth'))).toBe(false);
  }, 60_000);
});
