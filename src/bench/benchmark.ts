/**
 * `npm run bench`: the cost of each stage at 10, 300 and 1,000 users per environment (3 environments, 20 teams,
 * 50 pipelines), against what a user would run instead. Prints one table and writes bench/results.json.
 * Figures only; nothing is asserted. Each stage runs as its own process, timed from here, its peak memory read
 * by GNU time (`/usr/bin/time`) when the machine has it.
 *
 *   synth      node dist/main.js                       vs  cdktf synth with cdktf's default app (npx ts-node main.ts)
 *   plan       npm run plan -- --env env-01 --no-cache  vs  terraform init + plan + show -json on the same offline stack
 *              (synth of every environment and Terraform for one, warm sandbox; and a whole run with nothing changed)
 *   analysis   simulation + rules + report, with and without de-duplication of permission sets
 *   organisation  many environments, a one-person pull request, 200 spokes, 5,000 users (organisation-benchmark.ts)
 *   drift      npm run drift on an account of 5,000 users and 500 policies (drift-benchmark.ts); --skip-drift skips it
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { defineCommand, runCli, type CommandLine } from '../cli/command-line';
import { TERRAFORM_BIN, TF_PROVIDER_MIRROR } from '../cli/environment';
import { usable } from '../cli/usage-error';
import { parsePositiveInteger } from '../cli/values';
import { generateConfig, type GeneratedConfigSize } from '../fixtures/generate-config';
import { benchDrift } from './drift-benchmark';
import { benchOrganisation, type OrganisationFigure } from './organisation-benchmark';

const ROOT = resolve(__dirname, '..', '..', '..');
const WORK = join(ROOT, '.cache', 'bench', 'stages');
const GNU_TIME = '/usr/bin/time';

interface Measured {
  readonly seconds: number;
  /** Peak resident memory of the largest process of the stage, in MiB. */
  readonly peakMiB?: number;
  readonly stdout: string;
}

/** Runs a command, timing it; GNU time reports the largest descendant's peak RSS. */
export function measure(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  /** Exit statuses besides 0 that are an answer, not a failure (drift's 2). @default - none */
  okStatuses: readonly number[] = [],
): Measured {
  const memoryFile = join(WORK, 'time.out');
  const withTime = existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const result = spawnSync(
    withTime ? GNU_TIME : command,
    withTime ? ['-f', '%M', '-o', memoryFile, command, ...args] : args,
    {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && !okStatuses.includes(result.status ?? -1))
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.slice(-3000)}`);
  const peakKiB = withTime ? Number(readFileSync(memoryFile, 'utf8').trim().split('\n').pop()) : NaN;
  return { seconds, peakMiB: Number.isFinite(peakKiB) ? peakKiB / 1024 : undefined, stdout: result.stdout };
}

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

interface StageResult {
  readonly stage: string;
  readonly users: number;
  /** Set for the Identity Center variant of a size (every team delivered through it, no IAM users). */
  readonly variant?: string;
  readonly seconds: Summary;
  readonly peakMiB?: number;
  readonly note?: string;
}

interface Repeated {
  readonly seconds: Summary;
  readonly peakMiB?: number;
}

/** Runs `fn` `runs` times; `last` (the last run's output) is for reading figures, not for the results file. */
function repeat(runs: number, fn: () => Measured): { result: Repeated; last: Measured } {
  const all = Array.from({ length: runs }, fn);
  const peaks = all.map((m) => m.peakMiB).filter((p): p is number => p !== undefined);
  return {
    result: {
      seconds: summarize(all.map((m) => m.seconds)),
      peakMiB: peaks.length > 0 ? Math.max(...peaks) : undefined,
    },
    last: all[all.length - 1],
  };
}

function benchSize(users: number, runs: number, identityCenter = false): StageResult[] {
  const size: GeneratedConfigSize = { environments: 3, teams: 20, people: users, pipelines: 50, identityCenter };
  const variant = identityCenter ? 'Identity Center' : undefined;
  const dir = join(WORK, `users-${users}${identityCenter ? '-identity-center' : ''}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'access.yaml');
  writeFileSync(config, generateConfig(size));
  const results: StageResult[] = [];
  const log = (stage: Omit<StageResult, 'variant'>) => {
    const r: StageResult = { ...stage, ...(variant ? { variant } : {}) };
    results.push(r);
    console.log(
      `  ${r.stage.padEnd(34)} median ${r.seconds.median.toFixed(2)} s${r.peakMiB ? `, peak ${r.peakMiB.toFixed(0)} MiB` : ''}${r.note ? ` (${r.note})` : ''}`,
    );
  };
  console.log(`${users} users per environment${variant ? ` (${variant}: every team delivered through it)` : ''}:`);

  const ours = repeat(runs, () =>
    measure(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      ACCESS_CONFIG: config,
      CDKTF_OUTDIR: join(dir, 'synth'),
    }),
  );
  log({ stage: 'synth: npm run synth', users, ...ours.result });
  // The variant changes what is synthesized, not how: cdktf's own synth is timed on the IAM configs only.
  if (!identityCenter) {
    const cdktf = repeat(runs, () =>
      measure(
        join(ROOT, 'node_modules', '.bin', 'cdktf'),
        ['synth', '--app', 'npx ts-node main.ts', '--output', join(dir, 'cdktf-default')],
        { ACCESS_CONFIG: config },
      ),
    );
    log({
      stage: 'synth: cdktf synth (ts-node app)',
      users,
      ...cdktf.result,
      note: `${(cdktf.result.seconds.median / ours.result.seconds.median).toFixed(1)}x ours`,
    });
  }

  // Ours: the plan CLI for one environment, as a user runs it (synth, warm sandbox, plan, show, analysis), after
  // one run of all environments that initialises the sandboxes and leaves the other environments' plan files.
  const planOut = join(dir, 'tfplans');
  const planCli = (...extra: string[]) =>
    measure(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'plan.js'), '--out', planOut, ...extra], {
      ACCESS_CONFIG: config,
      CDKTF_OUTDIR: join(dir, 'plan-synth'),
    });
  planCli();
  // --no-cache: Terraform runs (the plan store would answer an unchanged stack); --env: no analysis (timed below).
  const plan = repeat(runs, () => planCli('--env', 'env-01', '--no-cache', '--out', join(dir, 'env-01-only')));
  const unchanged = repeat(runs, () => planCli());
  // Bare Terraform on the same offline stack: a fresh directory each time, so init + plan + show -json.
  const sandbox = execFileSync(
    'find',
    [join(ROOT, '.cache', 'terraform', 'sandboxes'), '-path', '*/env-01/main.tf.json', '-newer', config],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')[0];
  const cliConfig = join(ROOT, '.cache', 'terraform', 'terraform.rc');
  const bare = repeat(runs, () => {
    const bareDir = join(dir, 'bare');
    rmSync(bareDir, { recursive: true, force: true });
    mkdirSync(bareDir);
    cpSync(sandbox, join(bareDir, 'main.tf.json'));
    const script =
      'terraform init -input=false -no-color >/dev/null && terraform plan -refresh=false -input=false -lock=false -no-color -out=tfplan >/dev/null && terraform show -json tfplan >/dev/null';
    return measure('sh', ['-c', script], { TF_CLI_CONFIG_FILE: cliConfig }, bareDir);
  });
  log({ stage: 'plan: bare terraform init+plan+show', users, ...bare.result });
  const ratio = (r: Repeated) => `${(r.seconds.median / bare.result.seconds.median).toFixed(2)}x bare Terraform`;
  log({ stage: 'plan: npm run plan --env env-01 --no-cache', users, ...plan.result, note: ratio(plan.result) });
  log({
    stage: 'plan: npm run plan, nothing changed',
    users,
    ...unchanged.result,
    note: 'every plan and result reused',
  });

  const analysisRun = join(ROOT, 'dist', 'src', 'bench', 'analysis-run.js');
  const withDedupe = repeat(runs, () => measure(process.execPath, [analysisRun, planOut, 'env-01']));
  const stats = JSON.parse(withDedupe.last.stdout);
  log({
    stage: 'analysis: de-duplicated',
    users,
    ...withDedupe.result,
    note: `${stats.principals} principals, ${stats.permissionSets} permission sets, ${stats.simulations} simulations, ${stats.sharedCells} shared`,
  });
  // The Identity Center variant has no IAM users to analyse one by one: its principals are the provisioned roles.
  if (identityCenter) return results;
  const sample = Math.min(users, 100);
  const without = repeat(1, () =>
    measure(process.execPath, [analysisRun, planOut, 'env-01', '--no-dedupe', '--sample', String(sample)]),
  );
  const sampled = JSON.parse(without.last.stdout);
  log({
    stage: 'analysis: without de-duplication',
    users,
    seconds: summarize([sampled.seconds]),
    peakMiB: without.result.peakMiB,
    note: sample < users ? `${sample} users measured in ${sampled.measuredSeconds.toFixed(1)} s, scaled` : 'measured',
  });
  return results;
}

const COMMAND = defineCommand({
  name: 'bench',
  command: 'npm run bench --',
  description: [
    'Times each stage (synth, plan, analysis) on generated configs of each size (3 environments, 20 teams,',
    '50 pipelines), each run as its own process, against what a user would run instead. Prints one table and',
    'writes bench/results.json. Figures only; nothing is asserted.',
  ].join('\n'),
  options: {
    runs: { type: 'string', default: '3', value: '<n>', help: 'runs per stage' },
    sizes: {
      type: 'string',
      default: '10,300,1000',
      value: '<users,...>',
      help: 'users per environment, per config; "0" skips the per-stage figures',
    },
    'skip-tests': { type: 'boolean', help: 'do not time `npm test`' },
    'skip-identity-center': {
      type: 'boolean',
      help: 'do not time the largest size again with every team delivered through IAM Identity Center',
    },
    'skip-drift': { type: 'boolean', help: 'do not time npm run drift on the 5,000-user account' },
    org: {
      type: 'string',
      default: '10,50,100',
      value: '<environments,...>',
      help: 'organisation sizes (environments x 100 people), then 200 spokes and a 5,000-user account; "0" skips them',
    },
  },
  environment: [TERRAFORM_BIN, TF_PROVIDER_MIRROR],
  failure: 'a stage failed (its command and output are printed)',
});

async function main({ values }: CommandLine<(typeof COMMAND)['options']>): Promise<number> {
  const runs = usable(parsePositiveInteger('--runs', values.runs));
  const sizes =
    values.sizes === '0' ? [] : values.sizes.split(',').map((size) => usable(parsePositiveInteger('--sizes', size)));
  mkdirSync(WORK, { recursive: true });
  console.log(
    `codepipeline-access benchmark: ${runs} runs per stage, sizes ${sizes.join(', ')} users x 3 environments, 20 teams, 50 pipelines`,
  );
  const stages = sizes.flatMap((users) => benchSize(users, runs));
  // The largest size again with every team delivered through IAM Identity Center (issue 12).
  if (sizes.length > 0 && !values['skip-identity-center']) stages.push(...benchSize(Math.max(...sizes), runs, true));
  const orgSizes = values.org === '0' ? [] : values.org.split(',').map((n) => usable(parsePositiveInteger('--org', n)));
  const organisation = values.org === '0' ? [] : benchOrganisation(ROOT, WORK, measure, orgSizes, logFigure);
  const drift = values['skip-drift'] ? [] : benchDrift(ROOT, measure, logFigure);
  let testSeconds: number | undefined;
  if (!values['skip-tests']) {
    const tests = measure('npm', ['test', '--silent']);
    testSeconds = tests.seconds;
    console.log(`npm test: ${testSeconds.toFixed(1)} s wall`);
  }
  // A part skipped with "0" keeps the figures of the run that measured it.
  const resultsFile = join(ROOT, 'bench', 'results.json');
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const results = {
    machine: `${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores`,
    runs,
    stages: sizes.length > 0 ? stages : (previous.stages ?? []),
    organisation: values.org !== '0' ? organisation : (previous.organisation ?? []),
    drift: !values['skip-drift'] ? drift : (previous.drift ?? []),
    npmTestSeconds: testSeconds ?? previous.npmTestSeconds,
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log('');
  if (stages.length > 0) console.log(renderTable(stages));
  if (organisation.length > 0) console.log(`\n${renderOrganisationTable(organisation)}`);
  if (drift.length > 0) console.log(`\n${renderOrganisationTable(drift)}`);
  console.log(`\nwrote bench/results.json`);
  return 0;
}

/** One figure of the organisation and drift parts, as it is measured. */
function logFigure(f: OrganisationFigure): void {
  console.log(
    `  ${f.case}: ${f.seconds.toFixed(1)} s${f.peakMiB ? `, peak ${f.peakMiB.toFixed(0)} MiB` : ''}${f.note ? ` (${f.note})` : ''}`,
  );
}

/** The organisation figures as a Markdown table. */
export function renderOrganisationTable(figures: readonly OrganisationFigure[]): string {
  return [
    '| case | wall (s) | peak MiB | note |',
    '| --- | --- | --- | --- |',
    ...figures.map((f) => `| ${f.case} | ${f.seconds.toFixed(1)} | ${f.peakMiB?.toFixed(0) ?? ''} | ${f.note ?? ''} |`),
  ].join('\n');
}

/** A Markdown table: one row per stage, one column group per size. */
export function renderTable(stages: readonly StageResult[]): string {
  const column = (s: Pick<StageResult, 'users' | 'variant'>) => `${s.users} users${s.variant ? ` (${s.variant})` : ''}`;
  const columns = [...new Set(stages.map(column))];
  const names = [...new Set(stages.map((s) => s.stage))];
  const lines = [
    `| stage | ${columns.map((c) => `${c}: min / median / max (s), peak MiB`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const name of names) {
    const cells = columns.map((c) => {
      const s = stages.find((x) => x.stage === name && column(x) === c);
      if (!s) return '';
      const t = s.seconds;
      return `${t.min.toFixed(2)} / ${t.median.toFixed(2)} / ${t.max.toFixed(2)}${s.peakMiB ? `, ${s.peakMiB.toFixed(0)}` : ''}${s.note ? ` (${s.note})` : ''}`;
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (require.main === module) runCli(COMMAND, main);
