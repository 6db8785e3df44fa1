/**
 * One timed analysis of one environment (read principals, matrix, rules with the config's intent check, report),
 * shared by both benchmarks.
 * With `sample`, only the first users are analysed and the time is scaled to all of them: the cost without
 * de-duplication is per principal.
 */
import { AccessAnalysis } from '../analysis/access-analysis';
import { emptyStatistics, environmentAccess, type MatrixStatistics } from '../analysis/access-matrix';
import type { PlanFile } from '../analysis/plan-files';
import { renderSummary } from '../analysis/report';
import { runRules } from '../analysis/rules';
import { loadActionCatalog } from '../iam/action-catalog';
import type { AccessIntent } from '../model/intent';

export interface AnalysisTiming {
  readonly readSeconds: number;
  readonly matrixSeconds: number;
  readonly rulesSeconds: number;
  readonly reportSeconds: number;
  /** All four, as measured. */
  readonly measuredSeconds: number;
  /** Measured, scaled from the sampled users to all of them. */
  readonly seconds: number;
  readonly sampledUsers: number;
  readonly users: number;
  readonly statistics: MatrixStatistics;
  readonly findings: number;
}

export async function timeAnalysis(
  files: readonly PlanFile[],
  envName: string,
  options: { readonly dedupe: boolean; readonly sample?: number; readonly intent?: AccessIntent },
): Promise<AnalysisTiming> {
  const catalog = await loadActionCatalog(); // loaded once per process; not part of the figure
  const lap = (() => {
    let last = process.hrtime.bigint();
    return () => {
      const now = process.hrtime.bigint();
      const seconds = Number(now - last) / 1e9;
      last = now;
      return seconds;
    };
  })();
  const analysis = AccessAnalysis.fromPlans(files);
  const full = analysis.environment(envName);
  const sampledUsers = Math.min(options.sample ?? full.users.length, full.users.length);
  const env = { ...full, users: full.users.slice(0, sampledUsers) };
  const readSeconds = lap();
  const statistics = emptyStatistics();
  const access = await environmentAccess(analysis, env, catalog, { dedupe: options.dedupe }, statistics);
  const matrixSeconds = lap();
  const intent = options.intent?.environments.find((e) => e.environment === envName);
  const findings = await runRules({ analysis, env, access, catalog, intent });
  const rulesSeconds = lap();
  renderSummary({
    result: { analysis, access: [access], findings, suppressed: [], statistics },
    planText: new Map(files.map((f) => [f.name, f.text])),
  });
  const reportSeconds = lap();
  const measuredSeconds = readSeconds + matrixSeconds + rulesSeconds + reportSeconds;
  const scale = (full.users.length + full.roles.length) / (sampledUsers + full.roles.length);
  return {
    readSeconds,
    matrixSeconds,
    rulesSeconds,
    reportSeconds,
    measuredSeconds,
    seconds: measuredSeconds * scale,
    sampledUsers,
    users: full.users.length,
    statistics,
    findings: findings.length,
  };
}
