/**
 * `npm run bench:analysis`: the analysis cost at scale, printed (not asserted). One environment with 1,000 users in
 * 20 teams and 50 pipelines; every principal x every pipeline, stage and approval action x all 44 actions.
 * The plan is made once with real Terraform and cached by config hash under .cache/bench/.
 * Without de-duplication every principal is simulated on its own; that is measured on a sample of principals
 * and scaled linearly (its cost is per principal), unless --full is given.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPlanFiles } from '../analysis/plan-files';
import { defineCommand, runCli, type CommandLine } from '../cli/command-line';
import { envValue, TERRAFORM_BIN, TF_PROVIDER_MIRROR } from '../cli/environment';
import { usable } from '../cli/usage-error';
import { parsePositiveInteger } from '../cli/values';
import { accessIntent } from '../model/intent';
import { loadAccessConfig } from '../model/load-model';
import { generateConfig, type GeneratedConfigSize } from '../fixtures/generate-config';
import { planEnvironments, planOutputFiles } from '../plan/planner';
import { synthesizeStaged } from '../synth/synthesize';
import { WriteTransaction } from '../synth/write-transaction';
import { timeAnalysis } from './time-analysis';

export const ANALYSIS_BENCH_SIZE: GeneratedConfigSize = { environments: 1, teams: 20, people: 1000, pipelines: 50 };

/** Plans a generated config once; later runs reuse the plan while the config text is the same. */
async function cachedPlan(size: GeneratedConfigSize, label: string): Promise<{ dir: string; environments: string[] }> {
  const text = generateConfig(size);
  const dir = resolve('.cache', 'bench', `${label}-${createHash('sha256').update(text).digest('hex').slice(0, 10)}`);
  const environments = Array.from({ length: size.environments }, (_, e) => `env-${String(e + 1).padStart(2, '0')}`);
  if (environments.every((e) => existsSync(join(dir, 'tfplans', `${e}.plan.json`)))) return { dir, environments };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'access.yaml'), text);
  const loaded = await loadAccessConfig(join(dir, 'access.yaml'));
  await WriteTransaction.run(async (tx) => {
    const synth = synthesizeStaged(loaded, join(dir, 'cdktf.out'), tx);
    const plans = await planEnvironments({
      environments,
      stacksDir: synth.stagedStacksDir,
      committedStacksDir: synth.stacksDir,
      cacheDir: '.cache/terraform',
      terraform: { binary: envValue(TERRAFORM_BIN), timeoutSeconds: 1800 },
      provider: envValue(TF_PROVIDER_MIRROR),
      transaction: tx,
    });
    tx.writeFiles(join(dir, 'tfplans'), planOutputFiles(plans));
  });
  return { dir, environments };
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

const COMMAND = defineCommand({
  name: 'bench:analysis',
  command: 'npm run bench:analysis --',
  description: [
    `The analysis cost of one environment with ${ANALYSIS_BENCH_SIZE.people} users, ${ANALYSIS_BENCH_SIZE.teams} teams and ${ANALYSIS_BENCH_SIZE.pipelines} pipelines, printed (not asserted).`,
    'The plan is made once with real Terraform and kept under .cache/bench/. Without de-duplication each user is',
    'simulated on its own: measured on a sample of users and scaled, unless --full.',
  ].join('\n'),
  options: {
    full: { type: 'boolean', help: 'simulate every user without de-duplication instead of a sample (slow)' },
    sample: { type: 'string', default: '100', value: '<n>', help: 'users measured without de-duplication' },
  },
  environment: [TERRAFORM_BIN, TF_PROVIDER_MIRROR],
  failure: 'the plan or the analysis failed',
});

async function main({ values }: CommandLine<(typeof COMMAND)['options']>): Promise<number> {
  const requestedSample = usable(parsePositiveInteger('--sample', values.sample));
  const size = ANALYSIS_BENCH_SIZE;
  console.log(
    `analysis benchmark: ${size.people} users, ${size.teams} teams, ${size.pipelines} pipelines, 1 environment`,
  );
  const started = process.hrtime.bigint();
  const { dir, environments } = await cachedPlan(size, 'analysis');
  console.log(`plan ready in ${seconds(started).toFixed(1)} s (${dir})`);
  const [env] = environments;
  const files = readPlanFiles(join(dir, 'tfplans'), [env]);

  const loaded = await loadAccessConfig(join(dir, 'access.yaml'));
  const intent = accessIntent(loaded.config, loaded.model);
  const deduplicated = await timeAnalysis(files, env, { dedupe: true, intent });
  const stats = deduplicated.statistics;
  // Without de-duplication: a sample of users, each simulated on its own, scaled (unless --full).
  const sample = values.full ? size.people : Math.min(requestedSample, size.people);
  const without = await timeAnalysis(files, env, { dedupe: false, sample, intent });

  const rows = [
    ['principals', `${stats.principals}`],
    ['distinct permission sets', `${stats.permissionSets}`],
    [
      'matrix cells per permission set',
      `${Math.round(stats.cells / Math.max(stats.permissionSets, 1))} (all 44 actions x pipelines, stages, approval actions)`,
    ],
    [
      'simulations (with de-duplication)',
      `${stats.simulations} (+${stats.sharedCells} requests answered by an equal one, +${stats.skippedByPrefilter} cells no statement could match; ${stats.contextVariants} context variants beyond the first)`,
    ],
    ['read plan + principals', `${deduplicated.readSeconds.toFixed(2)} s`],
    ['access matrix, de-duplicated', `${deduplicated.matrixSeconds.toFixed(2)} s`],
    ['rules (with the intent check of every cell)', `${deduplicated.rulesSeconds.toFixed(2)} s`],
    ['report', `${deduplicated.reportSeconds.toFixed(2)} s`],
    ['analysis total, de-duplicated', `${deduplicated.measuredSeconds.toFixed(2)} s`],
    [
      'analysis total, without de-duplication',
      values.full
        ? `${without.measuredSeconds.toFixed(2)} s (${without.statistics.simulations} simulations)`
        : `${without.seconds.toFixed(1)} s estimated (${without.sampledUsers} users measured: ${without.measuredSeconds.toFixed(2)} s, ${without.statistics.simulations} simulations, scaled to ${without.users})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(`rule findings: ${deduplicated.findings}`);
  return 0;
}

if (require.main === module) runCli(COMMAND, main);
