/**
 * `npm run bench:analysis`: the analysis cost at scale, printed (not asserted). One environment with 1,000 users in
 * 20 teams and 50 pipelines; every principal x every pipeline, stage and approval action x all 44 actions.
 * The plan is made once with real Terraform and cached by config hash under .cache/bench/.
 * Without de-duplication every principal is simulated on its own; that is measured on a sample of principals
 * and scaled linearly (its cost is per principal), unless --full is given.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AccessAnalysis } from '../analysis/access-analysis';
import { environmentAccess, type MatrixStatistics } from '../analysis/access-matrix';
import { runRules } from '../analysis/rules';
import { readPlanFiles } from '../analysis/plan-files';
import { renderSummary } from '../analysis/report';
import { generateConfig, type GeneratedConfigSize } from '../fixtures/generate-config';
import { loadActionCatalog } from '../iam/action-catalog';
import { PlanView, type PlanJson } from '../plan/plan-json';
import { planEnvironments, settingsFromEnv } from '../plan/planner';
import { synthesize } from '../synth/synthesize';

export const ANALYSIS_BENCH_SIZE: GeneratedConfigSize = { environments: 1, teams: 20, people: 1000, pipelines: 50 };

/** Plans a generated config once; later runs reuse the plan while the config text is the same. */
export async function cachedPlan(
  size: GeneratedConfigSize,
  label: string,
): Promise<{ dir: string; environments: string[] }> {
  const text = generateConfig(size);
  const dir = resolve('.cache', 'bench', `${label}-${createHash('sha256').update(text).digest('hex').slice(0, 10)}`);
  const environments = Array.from({ length: size.environments }, (_, e) => `env-${String(e + 1).padStart(2, '0')}`);
  if (environments.every((e) => existsSync(join(dir, 'tfplans', `${e}.plan.json`)))) return { dir, environments };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'access.yaml'), text);
  const { stacksDir } = await synthesize(join(dir, 'access.yaml'), join(dir, 'cdktf.out'));
  await planEnvironments({
    environments,
    stacksDir,
    outputDir: join(dir, 'tfplans'),
    cacheDir: '.cache/terraform',
    terraform: { ...settingsFromEnv(), timeoutSeconds: 1800 },
  });
  return { dir, environments };
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { full: { type: 'boolean' }, sample: { type: 'string', default: '100' } } });
  const size = ANALYSIS_BENCH_SIZE;
  console.log(
    `analysis benchmark: ${size.people} users, ${size.teams} teams, ${size.pipelines} pipelines, 1 environment`,
  );
  let started = process.hrtime.bigint();
  const { dir, environments } = await cachedPlan(size, 'analysis');
  console.log(`plan ready in ${seconds(started).toFixed(1)} s (${dir})`);
  const [env] = environments;
  const raw = JSON.parse(readFileSync(join(dir, 'tfplans', `${env}.plan.json`), 'utf8')) as PlanJson;
  const catalog = await loadActionCatalog();

  started = process.hrtime.bigint();
  const analysis = new AccessAnalysis([{ name: env, plan: new PlanView(raw) }]);
  const readSeconds = seconds(started);
  const stats: MatrixStatistics = { principals: 0, permissionSets: 0, simulations: 0, skippedByPrefilter: 0 };
  started = process.hrtime.bigint();
  const plannedEnv = analysis.environment(env);
  const access = await environmentAccess(analysis, plannedEnv, catalog, { dedupe: true }, stats);
  const matrixSeconds = seconds(started);
  started = process.hrtime.bigint();
  const findings = await runRules({ analysis, env: plannedEnv, access, catalog });
  const rulesSeconds = seconds(started);
  started = process.hrtime.bigint();
  const files = readPlanFiles(join(dir, 'tfplans'), [env]);
  renderSummary({
    result: { analysis, access: [access], findings, suppressed: [], statistics: stats },
    planText: new Map(files.map((f) => [f.name, f.text])),
  });
  const reportSeconds = seconds(started);
  const cells = Object.keys(access.principals).length > 0 ? stats.simulations + stats.skippedByPrefilter : 0;

  // Without de-duplication: a sample of principals, each simulated on its own.
  const sample = values.full ? size.people : Math.min(Number(values.sample), size.people);
  const sampled = { ...plannedEnv, users: plannedEnv.users.slice(0, sample) };
  const noDedupStats: MatrixStatistics = { principals: 0, permissionSets: 0, simulations: 0, skippedByPrefilter: 0 };
  started = process.hrtime.bigint();
  await environmentAccess(analysis, sampled, catalog, { dedupe: false }, noDedupStats);
  const sampleSeconds = seconds(started);
  const scale = (plannedEnv.users.length + plannedEnv.roles.length) / (sample + plannedEnv.roles.length);
  const total = readSeconds + matrixSeconds + rulesSeconds + reportSeconds;

  const rows = [
    ['principals', `${stats.principals}`],
    ['distinct permission sets', `${stats.permissionSets}`],
    [
      'matrix cells per permission set',
      `${Math.round(cells / Math.max(stats.permissionSets, 1))} (all 44 actions x pipelines, stages, approval actions)`,
    ],
    [
      'simulations (with de-duplication)',
      `${stats.simulations} (+${stats.skippedByPrefilter} cells no statement could match)`,
    ],
    ['read plan + principals', `${readSeconds.toFixed(2)} s`],
    ['access matrix, de-duplicated', `${matrixSeconds.toFixed(2)} s`],
    ['rules', `${rulesSeconds.toFixed(2)} s`],
    ['report', `${reportSeconds.toFixed(2)} s`],
    ['analysis total, de-duplicated', `${total.toFixed(2)} s`],
    [
      'access matrix, without de-duplication',
      values.full
        ? `${sampleSeconds.toFixed(2)} s (${noDedupStats.simulations} simulations)`
        : `${(sampleSeconds * scale).toFixed(1)} s estimated (${sample} users measured: ${sampleSeconds.toFixed(2)} s, ${noDedupStats.simulations} simulations; x${scale.toFixed(2)})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(`rule findings: ${findings.length}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`benchmark failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
