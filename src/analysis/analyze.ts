/** Plans -> access per environment + rule findings, with config suppressions applied. */
import { loadActionCatalog } from '../iam/action-catalog';
import type { AccessIntent } from '../model/intent';
import type { PlanView } from '../plan/plan-json';
import { AccessAnalysis } from './access-analysis';
import {
  emptyStatistics,
  environmentAccess,
  type EnvironmentAccess,
  type MatrixOptions,
  type MatrixStatistics,
} from './access-matrix';
import { runRules, type Finding } from './rules';

export interface Suppression {
  readonly rule: string;
  /** @default - every environment */
  readonly environment?: string;
  readonly target: string;
  /** @default - every finding of the rule on the target */
  readonly detail?: string;
  readonly reason: string;
}

export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

export interface AnalysisResult {
  readonly analysis: AccessAnalysis;
  readonly access: readonly EnvironmentAccess[];
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly statistics: MatrixStatistics;
}

function suppresses(s: Suppression, f: Finding): boolean {
  return (
    s.rule === f.ruleId &&
    (s.environment ?? f.environment) === f.environment &&
    s.target === f.target &&
    (s.detail ?? f.detail) === f.detail
  );
}

/** What the analysis says about one environment: its access and its rule findings, before suppressions. */
export interface EnvironmentResult {
  readonly access: EnvironmentAccess;
  readonly findings: readonly Finding[];
}

export type AnalysisOptions = MatrixOptions & { readonly intent?: AccessIntent };

/**
 * Analyses the environments named in `compute` (all when undefined). `plans` must hold them and every environment
 * their analysis reads (the accounts their roles trust, their own account: src/cli/review.ts analysisDependencies),
 * so that each gets the same result as with every plan of the config.
 */
export async function analyzeEnvironments(
  plans: readonly { readonly name: string; readonly plan: PlanView }[],
  compute: ReadonlySet<string> | undefined,
  options: AnalysisOptions = {},
  statistics: MatrixStatistics = emptyStatistics(),
): Promise<{ readonly analysis: AccessAnalysis; readonly results: Map<string, EnvironmentResult> }> {
  const catalog = await loadActionCatalog();
  const analysis = AccessAnalysis.fromPlans(plans);
  const results = new Map<string, EnvironmentResult>();
  for (const env of analysis.environments) {
    if (compute && !compute.has(env.name)) continue;
    const access = await environmentAccess(analysis, env, catalog, options, statistics);
    const intent = options.intent?.environments.find((e) => e.environment === env.name);
    results.set(env.name, { access, findings: await runRules({ analysis, env, access, catalog, intent }) });
  }
  return { analysis, results };
}

/**
 * The findings of every environment with the config's suppressions applied; a suppression that matches nothing is
 * stale and becomes a warning, so it gets removed.
 */
export function applySuppressions(
  all: readonly Finding[],
  suppressions: readonly Suppression[],
): Pick<AnalysisResult, 'findings' | 'suppressed'> {
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all) {
    const by = suppressions.find((s) => suppresses(s, finding));
    if (by) suppressed.push({ ...finding, reason: by.reason });
    else findings.push(finding);
  }
  for (const s of suppressions.filter((s) => !all.some((f) => suppresses(s, f)))) {
    findings.push({
      ruleId: 'CPA-SUP1',
      severity: 'warning',
      environment: s.environment ?? '*',
      target: s.target,
      detail: s.detail ?? '*',
      message: `suppression of ${s.rule} on ${s.target} matches no finding; remove it`,
    });
  }
  return { findings, suppressed };
}

/** Every environment of `plans`, analysed together. */
export async function analyzePlans(
  plans: readonly { readonly name: string; readonly plan: PlanView }[],
  suppressions: readonly Suppression[] = [],
  options: AnalysisOptions = {},
): Promise<AnalysisResult> {
  const statistics = emptyStatistics();
  const { analysis, results } = await analyzeEnvironments(plans, undefined, options, statistics);
  const access = [...results.values()].map((r) => r.access);
  const all = [...results.values()].flatMap((r) => r.findings);
  return { analysis, access, ...applySuppressions(all, suppressions), statistics };
}
