/** Planning failures: one clear error naming the environment, with Terraform's own words, and no files written. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanFailures, planEnvironments, type PlanRequest } from '../../src/plan/planner';
import { runPlanCli } from '../helpers/cli';
import { fixtureOutdir, fixturePlansDir, TEST_PLANS_DIR } from '../helpers/plans';

const workdir = mkdtempSync(join(tmpdir(), 'plan-errors-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

function request(overrides: Partial<PlanRequest> & Pick<PlanRequest, 'environments' | 'stacksDir'>): PlanRequest {
  const out = mkdtempSync(join(workdir, 'out-'));
  return {
    outputDir: out,
    cacheDir: join(workdir, 'cache'),
    terraform: { binary: 'terraform', timeoutSeconds: 120 },
    ...overrides,
  };
}

async function failure(req: PlanRequest): Promise<PlanFailures> {
  try {
    await planEnvironments(req);
  } catch (error) {
    if (error instanceof PlanFailures) return error;
    throw error;
  }
  throw new Error('planning was expected to fail');
}

test('terraform not found: names the binary and how to fix it, for every environment', async () => {
  const req = request({
    environments: ['dev', 'prod'],
    stacksDir: join(fixtureOutdir('example'), 'stacks'),
    terraform: { binary: join(workdir, 'no-such-terraform'), timeoutSeconds: 30 },
  });
  const error = await failure(req);
  expect(error.failures.map((f) => f.environment)).toEqual(['dev', 'prod']);
  expect(error.message).toContain(`2 environments could not be planned; no plan file was written`);
  expect(error.message).toContain(
    `[dev] terraform was not found at "${join(workdir, 'no-such-terraform')}"; install Terraform >= 1.10 or set TERRAFORM_BIN`,
  );
  expect(readdirSync(req.outputDir)).toEqual([]);
});

test("a plan Terraform rejects: the environment, the failing command and Terraform's message", async () => {
  const req = request({ environments: ['invalid-argument'], stacksDir: join(__dirname, '..', 'fixtures', 'stacks') });
  const error = await failure(req);
  expect(error.message).toContain('[invalid-argument] terraform plan failed (exit 1):');
  expect(error.message).toContain('Error: Extraneous JSON object property');
  expect(error.message).toContain('No argument or block type is named "nmae". Did you mean "name"?');
  expect(readdirSync(req.outputDir)).toEqual([]);
});

test('one failing environment writes no file for the others either', async () => {
  const req = request({ environments: ['invalid-argument'], stacksDir: join(__dirname, '..', 'fixtures', 'stacks') });
  await failure({ ...req, environments: ['invalid-argument'] });
  expect(readdirSync(req.outputDir)).toEqual([]);
});

test('a plan that runs past its time limit is stopped with a clear error', async () => {
  const req = request({
    environments: ['prod'],
    stacksDir: join(fixtureOutdir('example'), 'stacks'),
    terraform: { binary: 'terraform', timeoutSeconds: 0.2 },
  });
  const error = await failure(req);
  expect(error.message).toMatch(
    /\[prod\] terraform (init|plan|show) timed out after 0\.2 s and was stopped \(PLAN_TIMEOUT_SECONDS sets the limit\)/,
  );
  expect(readdirSync(req.outputDir)).toEqual([]);
});

describe('provider source', () => {
  const saved = process.env.TF_PROVIDER_MIRROR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TF_PROVIDER_MIRROR;
    else process.env.TF_PROVIDER_MIRROR = saved;
  });

  test('a mirror without the AWS provider: terraform init fails with its own message', async () => {
    process.env.TF_PROVIDER_MIRROR = mkdtempSync(join(workdir, 'empty-mirror-'));
    const req = request({
      environments: ['dev'],
      stacksDir: join(fixtureOutdir('example'), 'stacks'),
      cacheDir: join(workdir, 'cache-empty-mirror'),
    });
    const error = await failure(req);
    expect(error.message).toContain('[dev] terraform init failed (exit 1):');
    expect(error.message).toContain('hashicorp/aws');
    expect(readFileSync(join(workdir, 'cache-empty-mirror', 'terraform.rc'), 'utf8')).toContain(
      `path    = "${process.env.TF_PROVIDER_MIRROR}"`,
    );
  });

  test('TF_PROVIDER_MIRROR naming a missing directory is refused before Terraform runs', async () => {
    process.env.TF_PROVIDER_MIRROR = join(workdir, 'missing-mirror');
    const error = await failure(
      request({ environments: ['dev'], stacksDir: join(fixtureOutdir('example'), 'stacks') }),
    );
    expect(error.message).toContain(
      `[dev] TF_PROVIDER_MIRROR is "${join(workdir, 'missing-mirror')}", which does not exist`,
    );
  });
});

describe('the plan CLI', () => {
  test('--env plans one environment, and an unchanged config gives byte-identical plan files', async () => {
    const out = join(workdir, 'cli-dev');
    // --no-cache: every decision simulated again must equal the global setup's (which could use the cache).
    const result = await runPlanCli(['--env', 'dev', '--out', out, '--no-cache'], {
      CDKTF_OUTDIR: join(TEST_PLANS_DIR, 'cli-dev-synth'),
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Planned 1 environment in \d+\.\d s: 15 to create/);
    expect(readdirSync(out).sort()).toEqual(['SUMMARY.md', 'dev.access.json', 'dev.plan.json', 'dev.plan.txt']);
    for (const file of ['dev.plan.json', 'dev.plan.txt']) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(fixturePlansDir('example'), file), 'utf8'));
    }
    expect(readFileSync(join(out, 'dev.plan.json'), 'utf8')).not.toContain('"timestamp"');
    expect(result.stdout).toMatch(/simulations, \d+ requests answered by an equal one, 0 by earlier runs\)/);
    expect(readFileSync(join(out, 'dev.access.json'), 'utf8')).toBe(
      readFileSync(join(fixturePlansDir('example'), 'dev.access.json'), 'utf8'),
    );
  }, 120_000);

  test('an unknown environment is refused with the allowed names', async () => {
    const result = await runPlanCli(['--env', 'qa'], { CDKTF_OUTDIR: join(workdir, 'cli-qa-synth') });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--env "qa": unknown environment; must be one of "dev", "staging", "prod"');
  });

  test('an unknown flag prints the usage', async () => {
    const result = await runPlanCli(['--environment', 'dev'], {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('usage: npm run plan');
  });

  test('terraform missing: exit 1, the error names the environment, nothing written', async () => {
    const out = join(workdir, 'cli-missing');
    const result = await runPlanCli(['--env', 'prod', '--out', out], {
      CDKTF_OUTDIR: join(workdir, 'cli-missing-synth'),
      TERRAFORM_BIN: '/nonexistent/terraform',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[prod] terraform was not found at "/nonexistent/terraform"');
    expect(existsSync(out)).toBe(false);
  });
});
