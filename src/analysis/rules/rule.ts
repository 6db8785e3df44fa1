/** The shape every policy rule has: a stable id, what it checks, how to fix it, and precise findings. */
import type { ActionCatalog } from '../../iam/action-catalog';
import type { AccessAnalysis } from '../access-analysis';
import type { EnvironmentAccess } from '../access-matrix';
import type { EnvironmentIntent } from '../../model/intent';
import type { PlannedEnvironment } from '../plan-principals';

export type Severity = 'error' | 'warning';

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly environment: string;
  /** What is flagged: a plan address (`aws_iam_policy.x`) or a principal (`user/jin`). */
  readonly target: string;
  /** Exactly which part, so one finding can be suppressed alone: `Statement[ViewPipelines].Action::codepipeline:*`. */
  readonly detail: string;
  readonly message: string;
}

export interface RuleContext {
  readonly analysis: AccessAnalysis;
  readonly env: PlannedEnvironment;
  readonly access: EnvironmentAccess;
  readonly catalog: ActionCatalog;
  /** What the config means for this environment; undefined when the analysis runs on plans alone. */
  readonly intent?: EnvironmentIntent;
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule flags. */
  readonly summary: string;
  /** Why it matters and how to fix it. */
  readonly explanation: string;
  check(context: RuleContext): Finding[] | Promise<Finding[]>;
}

/** Builds findings of one rule with its id, severity and environment filled in. */
export function findingsOf(rule: Pick<Rule, 'id' | 'severity'>, context: RuleContext) {
  return (target: string, detail: string, message: string, severity: Severity = rule.severity): Finding => ({
    ruleId: rule.id,
    severity,
    environment: context.env.name,
    target,
    detail,
    message,
  });
}

/** `Statement[Sid]` or `Statement[2]` (1-based), as findings name statements. */
export function statementLabel(sid: string | undefined, index: number): string {
  return `Statement[${sid ?? index + 1}]`;
}
