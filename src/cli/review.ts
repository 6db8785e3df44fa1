/**
 * The review of a config, head against base, at the cost of what changed: the part `npm run plan` and
 * `npm run report` share.
 *
 * Per environment and side, what its analysis result depends on is known before anything is planned: its stack,
 * the stacks of the environments it has trust edges with, its intent and this code (result-store.ts resultKey).
 * - An environment whose key is the same on both sides is unchanged: its result is the same on both sides, so it is
 *   analysed at most once (never, when the result store has it) and planned only if it must be analysed.
 * - Every other environment is analysed on each side it exists on, from plans that the plan store answers when the
 *   same stack was planned before; only what was never planned runs Terraform.
 */
import type { PlanFile } from '../analysis/plan-files';
import { analyzeEnvironments, applySuppressions, type EnvironmentResult } from '../analysis/analyze';
import type { DecisionCache } from '../analysis/decision-cache';
import { emptyStatistics, type MatrixStatistics } from '../analysis/access-matrix';
import type { ReportSide } from '../analysis/report';
import { resultKey, type ResultStore } from '../analysis/result-store';
import type { LoadedConfig } from '../model/load-model';
import { accessIntent, type AccessIntent } from '../model/intent';
import type { EnvironmentModel } from '../model/types';
import type { EnvironmentPlan } from '../plan/plan-environment';
import { PlanView } from '../plan/plan-json';
import { planEnvironments, type PlanRequest } from '../plan/planner';
import type { StagedSynth } from '../synth/synthesize';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityCenterPartDigest } from '../synth/identity-center-part';

/** One side (head or base) of a review: its config, synthesized, and what each environment's result depends on. */
export interface ReviewSide {
  /** '' for the head, 'base:' for the base: prefixes progress lines. */
  readonly label: string;
  readonly loaded: LoadedConfig;
  readonly synth: StagedSynth;
  /** Environment names, in config order. */
  readonly names: readonly string[];
  /** Environment -> what its plan is made from (configuration digest @ Terraform version). */
  readonly planSources: ReadonlyMap<string, string>;
  /** Environment -> the other environments whose plans its analysis reads (analysisDependencies). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** Environment -> its result key: equal keys, equal results. */
  readonly keys: ReadonlyMap<string, string>;
  /** What the config means (model/intent.ts): part of each key, and what the intent check holds the result to. */
  readonly intent: AccessIntent;
}

export function reviewSide(
  label: string,
  loaded: LoadedConfig,
  synth: StagedSynth,
  terraformVersion: string,
): ReviewSide {
  const environments = synth.model.environments;
  const names = environments.map((e) => e.name);
  const planSources = new Map(names.map((name) => [name, `${synth.configuration(name)}@${terraformVersion}`]));
  const dependencies = analysisDependencies(environments);
  const intent = accessIntent(loaded.config, loaded.model);
  // Of the administering environment, an environment it only assigns permission sets in reads just that part.
  const admin = environments.find((e) => e.identityCenter !== undefined);
  const adminStack = admin
    ? (JSON.parse(readFileSync(join(synth.stagedStacksDir, admin.name, 'cdk.tf.json'), 'utf8')) as Record<
        string,
        unknown
      >)
    : undefined;
  const readsWholePlan = planDependencies(environments);
  const dependencyInput = (env: EnvironmentModel, dependency: string) =>
    readsWholePlan.get(env.name)?.includes(dependency) || !adminStack
      ? (planSources.get(dependency) ?? '')
      : `identity-center:${identityCenterPartDigest(adminStack, env.accountId)}@${terraformVersion}`;
  const keys = new Map(
    environments.map((env) => [
      env.name,
      resultKey({
        environment: env.name,
        plan: planSources.get(env.name) ?? '',
        dependencies: Object.fromEntries((dependencies.get(env.name) ?? []).map((p) => [p, dependencyInput(env, p)])),
        intent: JSON.stringify(intent.environments.find((e) => e.environment === env.name) ?? null),
      }),
    ]),
  );
  return { label, loaded, synth, names, planSources, dependencies, keys, intent };
}

/**
 * Which other environments' plans an environment's analysis reads (access-matrix.ts, access-analysis.ts): those
 * whose accounts its roles trust (their users are who may assume the roles, under their own guardrails), those
 * in the same account (a principal or resource is found by its account), and the environment administering
 * Identity Center when it assigns permission sets here (of that plan, only the part reaching this account:
 * identity-center-part.ts). Nothing else: an environment's matrix asks about its own principals and resources only.
 * So a hub trusted by 200 spokes depends on none of them, and a change to one spoke leaves the hub's result, and
 * the 199 other spokes', as they were.
 */
export function analysisDependencies(environments: readonly EnvironmentModel[]): Map<string, string[]> {
  const whole = planDependencies(environments);
  const admin = environments.find((e) => e.identityCenter !== undefined);
  return new Map(
    environments.map((env) => {
      const names = new Set(whole.get(env.name));
      // The roles Identity Center provisions in an account are in the administering environment's plan.
      if (admin && admin.name !== env.name && admin.identityCenter?.assignments.some((a) => a.environment === env.name))
        names.add(admin.name);
      return [env.name, environments.map((e) => e.name).filter((name) => names.has(name))];
    }),
  );
}

/** The environments whose whole plan an environment's analysis reads: trusted accounts and its own account. */
function planDependencies(environments: readonly EnvironmentModel[]): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const env of environments) byAccount.set(env.accountId, [...(byAccount.get(env.accountId) ?? []), env.name]);
  return new Map(
    environments.map((env) => {
      const accounts = new Set([env.accountId, ...env.roles.map((r) => r.trustedAccountId)]);
      const names = new Set([...accounts].flatMap((account) => byAccount.get(account) ?? []));
      names.delete(env.name);
      return [env.name, environments.map((e) => e.name).filter((name) => names.has(name))];
    }),
  );
}

/** Environments whose result is the same on both sides (equal keys): reported in one line. */
export function unchangedEnvironments(head: ReviewSide, base: ReviewSide | undefined): Set<string> {
  if (!base) return new Set();
  return new Set(head.names.filter((name) => base.keys.has(name) && base.keys.get(name) === head.keys.get(name)));
}

/** What a review run reuses and where it plans: the plan settings, and the stores. */
export interface ReviewContext {
  readonly planning: Omit<PlanRequest, 'environments' | 'stacksDir' | 'committedStacksDir' | 'onProgress'>;
  readonly results: ResultStore;
  readonly decisions?: DecisionCache;
  readonly onProgress: (label: string) => PlanRequest['onProgress'];
  /** Told which environments are planned only so their result can be computed (no stored result). */
  readonly onNote?: (message: string) => void;
}

/** One side's outcome: its results and the plans the run had in hand. */
export interface SideOutcome {
  readonly results: ReadonlyMap<string, EnvironmentResult>;
  /** The plans loaded or made for this side, in config order. */
  readonly plans: readonly EnvironmentPlan[];
  readonly analysis: Awaited<ReturnType<typeof analyzeEnvironments>>['analysis'];
  /** Environments analysed now (the others' results were stored). */
  readonly computed: readonly string[];
}

/**
 * The results of `wanted` on one side: stored ones as they are, the others analysed from plans of them and their
 * dependencies. `withPlans` are loaded (or planned) even when their result is stored: the report shows their
 * plans.
 */
export async function resolveSide(
  context: ReviewContext,
  side: ReviewSide,
  wanted: readonly string[],
  withPlans: readonly string[],
  statistics: MatrixStatistics = emptyStatistics(),
): Promise<SideOutcome> {
  const stored = new Map<string, EnvironmentResult>();
  for (const name of wanted) {
    const result = context.results.get(side.keys.get(name) ?? '');
    if (result) stored.set(name, result);
  }
  const compute = wanted.filter((name) => !stored.has(name));
  const needed = new Set([...compute, ...compute.flatMap((name) => side.dependencies.get(name) ?? []), ...withPlans]);
  const environments = side.names.filter((name) => needed.has(name));
  const plans = await planSide(context, side, environments);
  const files: PlanFile[] = plans.map(planFile);
  const { analysis, results: computed } = await analyzeEnvironments(
    files,
    new Set(compute),
    { cache: context.decisions, intent: side.intent },
    statistics,
  );
  for (const [name, result] of computed) context.results.put(side.keys.get(name) ?? '', result);
  const results = new Map(
    wanted
      .map((name) => [name, stored.get(name) ?? computed.get(name)] as const)
      .filter((entry): entry is [string, EnvironmentResult] => entry[1] !== undefined),
  );
  return { results, plans, analysis, computed: compute };
}

/** The plans of `environments` of one side (from the plan store, or made now); none asked, none made. */
export async function planSide(
  context: ReviewContext,
  side: ReviewSide,
  environments: readonly string[],
): Promise<EnvironmentPlan[]> {
  if (environments.length === 0) return [];
  return planEnvironments({
    ...context.planning,
    environments,
    stacksDir: side.synth.stagedStacksDir,
    committedStacksDir: side.synth.stacksDir,
    onProgress: context.onProgress(side.label),
  });
}

/** The report's view of one side: every environment's access, the findings with the config's suppressions. */
export function reportSide(
  side: ReviewSide,
  outcome: SideOutcome,
  statistics: MatrixStatistics,
  shared: ReadonlyMap<string, EnvironmentResult> = new Map(),
): ReportSide {
  const results = side.names.flatMap((name) => {
    const result = outcome.results.get(name) ?? shared.get(name);
    return result ? [result] : [];
  });
  return {
    result: {
      analysis: outcome.analysis,
      access: results.map((r) => r.access),
      ...applySuppressions(
        results.flatMap((r) => r.findings),
        side.synth.suppressions,
      ),
      statistics,
    },
    planText: new Map(outcome.plans.map((p) => [p.environment, p.text])),
  };
}

export function planFile(plan: EnvironmentPlan): PlanFile {
  return { name: plan.environment, plan: new PlanView(plan.json), text: plan.text };
}
