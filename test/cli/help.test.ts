/**
 * Every CLI answers --help with its usage line, each flag and each environment variable it reads (exit 0), and
 * refuses unknown flags and arguments with the usage line (exit 2), before doing anything.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit, PROJECT_ROOT, type CliResult } from '../helpers/cli';

interface Cli {
  readonly script: string;
  readonly usage: string;
  readonly flags: readonly string[];
  readonly variables: readonly string[];
  /** The exit status of a usage error. @default 2 */
  readonly usageExit?: number;
}

/** The variables plan and report both read (src/cli/review-command.ts REVIEW_ENVIRONMENT). */
const REVIEW_VARIABLES = [
  'ACCESS_CONFIG',
  'CDKTF_OUTDIR',
  'TERRAFORM_BIN',
  'TF_PROVIDER_MIRROR',
  'PLAN_TIMEOUT_SECONDS',
  'LOCK_WAIT_SECONDS',
];

const CLIS: readonly Cli[] = [
  {
    script: 'dist/main.js',
    usage: 'usage: npm run synth',
    flags: ['--help'],
    variables: ['ACCESS_CONFIG', 'CDKTF_OUTDIR', 'LOCK_WAIT_SECONDS'],
  },
  {
    script: 'dist/src/cli/plan.js',
    usage:
      'usage: npm run plan -- [--env <environment>]... [--list-changed] [--out <dir>] [--base <git ref>] [--fail-on-new-access] [--no-cache]',
    flags: [
      '--env <environment>',
      '--list-changed',
      '--out <dir>',
      '--base <git ref>',
      '--fail-on-new-access',
      '--no-cache',
      '--help',
    ],
    variables: REVIEW_VARIABLES,
  },
  {
    script: 'dist/src/cli/report.js',
    usage:
      'usage: npm run report -- [--plans <dir>]... [--out <dir>] [--base <git ref>] [--fail-on-new-access] [--no-cache]',
    flags: ['--plans <dir>', '--out <dir>', '--base <git ref>', '--fail-on-new-access', '--no-cache', '--help'],
    variables: REVIEW_VARIABLES,
  },
  {
    script: 'dist/src/cli/drift.js',
    usage:
      'usage: npm run drift -- [--env <environment>] [--from <file or dir>] [--out <dir>] [--plans <dir>]... [--no-cache]',
    flags: ['--env <environment>', '--from <file or dir>', '--out <dir>', '--plans <dir>', '--no-cache', '--help'],
    variables: [...REVIEW_VARIABLES, 'SYNTH_HCL_OUTPUT'],
    usageExit: 1,
  },
  {
    script: 'dist/src/cli/adopt.js',
    usage: 'usage: npm run adopt -- [--env <environment>] [--from <file or dir>] [--out <dir>] [--write]',
    flags: ['--env <environment>', '--from <file or dir>', '--out <dir>', '--write', '--help'],
    variables: ['ACCESS_CONFIG', 'LOCK_WAIT_SECONDS'],
  },
  {
    script: 'dist/src/cli/access.js',
    usage: 'usage: npm run access -- [--plans <dir>]',
    flags: ['--plans <dir>', '--help'],
    variables: ['ACCESS_CONFIG', 'LOCK_WAIT_SECONDS'],
  },
  {
    script: 'dist/src/cli/terraformrc.js',
    usage: 'usage: npm run --silent terraformrc',
    flags: ['--help'],
    variables: ['TF_PROVIDER_MIRROR'],
  },
  {
    script: 'dist/src/bench/benchmark.js',
    usage:
      'usage: npm run bench -- [--runs <n>] [--sizes <users,...>] [--skip-tests] [--skip-identity-center] [--skip-drift] [--org <environments,...>]',
    flags: [
      '--runs <n>',
      '--sizes <users,...>',
      '--skip-tests',
      '--skip-identity-center',
      '--skip-drift',
      '--org <environments,...>',
      '--help',
    ],
    variables: ['TERRAFORM_BIN', 'TF_PROVIDER_MIRROR'],
  },
  {
    script: 'dist/src/bench/analysis-benchmark.js',
    usage: 'usage: npm run bench:analysis -- [--full] [--sample <n>]',
    flags: ['--full', '--sample <n>', '--help'],
    variables: ['TERRAFORM_BIN', 'TF_PROVIDER_MIRROR'],
  },
];

/** Runs in an empty directory: none of this may write anything. */
const cwd = mkdtempSync(join(tmpdir(), 'cli-help-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function run(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(PROJECT_ROOT, script), ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

const results = new Map<string, CliResult>();

beforeAll(async () => {
  const runs = CLIS.flatMap((cli) => [
    [cli.script, ['--help']],
    [cli.script, ['--frobnicate']],
    [cli.script, ['extra']],
  ]) as [string, string[]][];
  await mapLimit(runs, 3, async ([script, args]) =>
    results.set(`${script} ${args.join(' ')}`, await run(script, args)),
  );
}, 120_000);

describe.each(CLIS)('$script', (cli) => {
  test('--help: the usage line, every flag and every environment variable, exit 0', () => {
    const result = results.get(`${cli.script} --help`);
    expect([result?.exitCode, result?.stderr]).toEqual([0, '']);
    const help = result?.stdout ?? '';
    expect(help.split('\n')[0]).toBe(cli.usage);
    for (const flag of cli.flags) expect(entry(help, flag)).toMatch(/\w/);
    for (const variable of cli.variables) expect(entry(help, variable)).toMatch(/\w.*\(default: .+\)$/);
    expect(help).toContain('exit status:');
  });

  test(`an unknown flag: the problem and the usage line, exit ${cli.usageExit ?? 2}`, () => {
    const result = results.get(`${cli.script} --frobnicate`);
    expect(result?.exitCode).toBe(cli.usageExit ?? 2);
    expect(result?.stderr.split('\n').slice(0, 2)).toEqual(['unknown option --frobnicate', cli.usage]);
    expect(result?.stdout).toBe('');
  });

  test(`an unexpected argument: the problem and the usage line, exit ${cli.usageExit ?? 2}`, () => {
    const result = results.get(`${cli.script} extra`);
    expect(result?.exitCode).toBe(cli.usageExit ?? 2);
    expect(result?.stderr).toContain('unexpected argument "extra"; this command takes flags only');
    expect(result?.stderr).toContain(cli.usage);
  });
});

test('flag values are checked before a benchmark starts', async () => {
  const [runs, sizes, sample] = await Promise.all([
    run('dist/src/bench/benchmark.js', ['--runs', '0']),
    run('dist/src/bench/benchmark.js', ['--sizes', '10,lots']),
    run('dist/src/bench/analysis-benchmark.js', ['--sample=-3']),
  ]);
  expect([runs.exitCode, runs.stderr.split('\n')[0]]).toEqual([2, '--runs: must be a whole number from 1 up; got "0"']);
  expect(sizes.stderr).toContain('--sizes: must be a whole number from 1 up; got "lots"');
  expect(sample.exitCode).toBe(2);
  expect(sample.stderr).toContain('--sample: must be a whole number from 1 up; got "-3"');
}, 60_000);

test('an internal CLI with positional arguments says which are missing', async () => {
  const result = await run('dist/src/bench/analysis-run.js', ['tfplans']);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('missing <environment>');
  expect(result.stderr).toContain(
    'usage: node dist/src/bench/analysis-run.js [--no-dedupe] [--sample <n>] <plans dir> <environment>',
  );
}, 60_000);

test('none of it wrote anything', () => {
  expect(readdirSync(cwd)).toEqual([]);
});

/** The description of a flag or variable in the help: its row and the continuation lines, joined. */
function entry(help: string, key: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${key}  `));
  if (start < 0) return '';
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => !/^ {4,}\S/.test(line));
  return [lines[start].slice(key.length + 2), ...rest.slice(0, end < 0 ? rest.length : end)]
    .map((line) => line.trim())
    .join(' ');
}
