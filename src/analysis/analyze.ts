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

export async function analyzePlans(
  plans: readonly { readonly name: string; readonly plan: PlanView }[],
  suppressions: readonly Suppression[] = [],
  options: MatrixOptions & { readonly intent?: AccessIntent } = {},
): Promise<AnalysisResult> {
  const catalog = await loadActionCatalog();
  const analysis = new AccessAnalysis(plans);
  const statistics = emptyStatistics();
  const access: EnvironmentAccess[] = [];
  const all: Finding[] = [];
  for (const env of analysis.environments) {
    const envAccess = await environmentAccess(analysis, env, catalog, options, statistics);
    access.push(envAccess);
    const intent = options.intent?.environments.find((e) => e.environment === env.name);
    all.push(...(await runRules({ analysis, env, access: envAccess, catalog, intent })));
  }
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all) {
    const by = suppressions.find((s) => suppresses(s, finding));
    if (by) suppressed.push({ ...finding, reason: by.reason });
    else findings.push(finding);
  }
  // A suppression that matches nothing is stale: say so, so it gets removed.
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
  return { analysis, access, findings, suppressed, statistics };
}
