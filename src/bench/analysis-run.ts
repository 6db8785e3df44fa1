/**
 * One measured analysis run, in its own process so the benchmark can read its peak memory:
 * `node analysis-run.js <plans dir> <env> [--no-dedupe] [--sample N]` prints one JSON line.
 * Simulation + rules + report are timed; without de-duplication a sample of users is measured and scaled.
 */
import { parseArgs } from 'node:util';
import { AccessAnalysis } from '../analysis/access-analysis';
import { environmentAccess, type MatrixStatistics } from '../analysis/access-matrix';
import { readPlanFiles } from '../analysis/plan-files';
import { renderSummary } from '../analysis/report';
import { runRules } from '../analysis/rules';
import { loadActionCatalog } from '../iam/action-catalog';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'no-dedupe': { type: 'boolean' }, sample: { type: 'string' } },
  });
  const [dir, envName] = positionals;
  const catalog = await loadActionCatalog();
  const files = readPlanFiles(dir, [envName]);
  const started = process.hrtime.bigint();
  const analysis = new AccessAnalysis(files);
  const full = analysis.environment(envName);
  const sample = values.sample ? Math.min(Number(values.sample), full.users.length) : full.users.length;
  const env = { ...full, users: full.users.slice(0, sample) };
  const statistics: MatrixStatistics = { principals: 0, permissionSets: 0, simulations: 0, skippedByPrefilter: 0 };
  const access = await environmentAccess(analysis, env, catalog, { dedupe: !values['no-dedupe'] }, statistics);
  const findings = await runRules({ analysis, env, access, catalog });
  renderSummary({
    result: { analysis, access: [access], findings, suppressed: [], statistics },
    planText: new Map(files.map((f) => [f.name, f.text])),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const scale = (full.users.length + full.roles.length) / (sample + full.roles.length);
  console.log(
    JSON.stringify({
      seconds: seconds * scale,
      measuredSeconds: seconds,
      sampledUsers: sample,
      users: full.users.length,
      ...statistics,
    }),
  );
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
