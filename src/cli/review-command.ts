/**
 * What `npm run plan` (one job) and `npm run report` (the last job of a fanned-out CI run) have in common: the
 * preflight, the review of head against base (review.ts) in one write transaction, the outputs and the closing
 * report. Top to bottom: preflight (every check that needs no writing), lock (each directory the run writes), synth
 * (staged), plan what must be, analyse what changed, write. cdktf.out/, tfplans/ and the sandboxes under .cache/
 * change together, or, when anything fails, not at all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { renderEnvironmentAccess } from '../analysis/access-matrix';
import { emptyStatistics } from '../analysis/access-matrix';
import { describeNewCell, newCells, type NewCell } from '../analysis/access-diff';
import type { AnalysisResult } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import { accessFileName, filesOfOtherEnvironments, SUMMARY_FILE } from '../analysis/plan-files';
import { renderReport, reviewFileName, type ReportSide } from '../analysis/report';
import { RESULT_STORE_DIR, ResultStore } from '../analysis/result-store';
import { loadAccessConfig, loadAccessConfigText, type LoadedConfig } from '../model/load-model';
import { ConfigError, oneOf, printWarnings } from '../config/problems';
import type { EnvironmentPlan } from '../plan/plan-environment';
import type { ChangeCounts } from '../plan/plan-json';
import { PLAN_STORE_DIR, PlanStore } from '../plan/plan-store';
import { planOutputFiles, type PlanRequest, type ProgressEvent } from '../plan/planner';
import { terraformVersion } from '../plan/terraform-check';
import { withDirectoryLocks, type LockOptions } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { STACK_CACHE_DIR, StackCache } from '../synth/stack-cache';
import { synthesizeStaged } from '../synth/synthesize';
import { WriteTransaction } from '../synth/write-transaction';
import {
  ACCESS_CONFIG,
  CDKTF_OUTDIR,
  envValue,
  LOCK_WAIT_SECONDS,
  PLAN_TIMEOUT_SECONDS,
  SYNTH_HCL_OUTPUT,
  TERRAFORM_BIN,
  TF_PROVIDER_MIRROR,
} from './environment';
import {
  reportSide,
  resolveSide,
  reviewSide,
  unchangedEnvironments,
  type ReviewContext,
  type ReviewSide,
} from './review';
import type { OptionSpec } from './command-line';
import { CommandFailure, UsageError } from './usage-error';
import { directoryProblem } from './values';

export const TERRAFORM_CACHE = join('.cache', 'terraform');
/** The base revision's synth output, planned with this code. */
export const BASE_DIR = join('.cache', 'base');

/** The flags plan and report share, as the command declarations take them. */
export const REVIEW_OPTIONS = {
  out: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where the plan, access and report files go' },
  base: {
    type: 'string',
    value: '<git ref>',
    help: 'also review the config as it was at this revision (with this code) and report the difference',
  },
  'fail-on-new-access': {
    type: 'boolean',
    help:
      'exit 3 when any principal gains any cell (action, resource, context) against --base, printing each new cell ' +
      'on stdout; needs --base (without one every cell is new). The files are written all the same. Rule errors win: ' +
      'the run then exits 1',
  },
  'no-cache': {
    type: 'boolean',
    help: `synthesize, plan, simulate and analyse everything again instead of reusing ${STACK_CACHE_DIR}, ${PLAN_STORE_DIR}, ${ANALYSIS_CACHE_DIR} and ${RESULT_STORE_DIR}`,
  },
} as const satisfies Record<string, OptionSpec>;

export const REVIEW_ENVIRONMENT = [
  ACCESS_CONFIG,
  CDKTF_OUTDIR,
  TERRAFORM_BIN,
  TF_PROVIDER_MIRROR,
  PLAN_TIMEOUT_SECONDS,
  LOCK_WAIT_SECONDS,
  SYNTH_HCL_OUTPUT,
];

export const REVIEW_FAILURE =
  'nothing was written: a config problem, a --base revision or config that cannot be used, plan files that cannot ' +
  'be used, a failed or timed-out plan, or a directory locked by another run for too long. Also when the analysis ' +
  'found rule errors: the files are written then, so the report shows them (rule errors win over exit status 3)';

export const REVIEW_EXIT_STATUSES = {
  3: 'with --fail-on-new-access: a principal gains a cell against --base (each new cell is printed); the files are written',
};

/** What plan's and report's declarations share besides their options: variables, failure, exit statuses. */
export const REVIEW_COMMAND = {
  environment: REVIEW_ENVIRONMENT,
  failure: REVIEW_FAILURE,
  exitStatuses: REVIEW_EXIT_STATUSES,
};

/** The flags plan and report share. */
export interface ReviewFlags {
  readonly env?: readonly string[];
  readonly out: string;
  readonly base?: string;
  readonly 'fail-on-new-access'?: boolean;
  readonly 'no-cache'?: boolean;
}

/** What the run is about, known before it writes anything. */
export interface Preflight {
  readonly config: LoadedConfig;
  /** Every environment of the config, in config order. */
  readonly known: readonly string[];
  /** --env's environments (in config order), or every one. */
  readonly environments: readonly string[];
  /** --base: the revision and its config, or why there is none to compare with (missing, or invalid now). */
  readonly base?: { readonly ref: string; readonly config: LoadedConfig | NoBase };
  /** --fail-on-new-access (only with --base). */
  readonly failOnNewAccess: boolean;
  readonly outdir: string;
  readonly out: string;
  readonly decisions?: DecisionCache;
  readonly plans: PlanStore;
  readonly results: ResultStore;
  /** Stacks synthesized before (stack-cache.ts): the base and the head share it. */
  readonly stacks: StackCache;
  readonly terraform: Pick<PlanRequest, 'terraform' | 'provider' | 'cacheDir'>;
}

/** Why a --base revision gives nothing to compare with: the report then shows everything as new. */
export interface NoBase {
  readonly reason: string;
}

/** Every check that needs no writing: the config, --env, --out, --base (flags and variables are checked already). */
export async function preflight(values: ReviewFlags): Promise<Preflight> {
  const outProblem = directoryProblem('--out', values.out, 'the plan files are written into it');
  if (outProblem) throw new UsageError([outProblem]);
  if (values['fail-on-new-access'] && !values.base)
    throw new UsageError([
      '--fail-on-new-access needs --base <git ref>: it compares with the base revision, and without one every cell is new',
    ]);
  const configFile = envValue(ACCESS_CONFIG);
  const config = await loadAccessConfig(configFile);
  printWarnings(config.warnings);
  const known = config.model.environments.map((e) => e.name);
  const unknown = (values.env ?? []).filter((e) => !known.includes(e));
  if (unknown.length > 0)
    throw new UsageError([
      `--env ${unknown.map((e) => `"${e}"`).join(', ')}: unknown environment; must be ${oneOf(known)}`,
    ]);
  const reuse = !values['no-cache'];
  return {
    config,
    known,
    environments: values.env ? known.filter((e) => values.env?.includes(e)) : known,
    base: values.base ? { ref: values.base, config: await configAtRef(values.base, configFile) } : undefined,
    failOnNewAccess: values['fail-on-new-access'] === true,
    outdir: envValue(CDKTF_OUTDIR),
    out: values.out,
    decisions: reuse ? DecisionCache.open(ANALYSIS_CACHE_DIR) : undefined,
    plans: new PlanStore(reuse ? PLAN_STORE_DIR : undefined),
    results: new ResultStore(reuse ? RESULT_STORE_DIR : undefined),
    stacks: new StackCache(reuse ? STACK_CACHE_DIR : undefined),
    terraform: {
      terraform: { binary: envValue(TERRAFORM_BIN), timeoutSeconds: envValue(PLAN_TIMEOUT_SECONDS) },
      provider: envValue(TF_PROVIDER_MIRROR),
      cacheDir: TERRAFORM_CACHE,
    },
  };
}

/**
 * The config file as it was at `ref`, validated. When it did not exist there, or does not pass this version's checks
 * (a check added since would otherwise keep every pull request red, the one fixing it included), there is no base.
 */
async function configAtRef(ref: string, configFile: string): Promise<LoadedConfig | NoBase> {
  const git = (args: string[]) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new CommandFailure(
      `--base ${ref}: needs a git checkout with git on the PATH (the config is read as it was at that revision)`,
    );
  }
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new CommandFailure(
      `--base ${ref}: not a commit in this repository (fetch it first, e.g. git fetch origin ${ref})`,
    );
  }
  const path = relative(top, resolve(configFile)).split('\\').join('/');
  let text: string;
  try {
    text = git(['show', `${ref}:${path}`]);
  } catch {
    return { reason: `${path} does not exist at ${ref}` };
  }
  try {
    return await loadAccessConfigText(`${ref}:${path}`, text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { reason: `${path} at ${ref} does not pass this version's checks:\n${error.message}\n` };
  }
}

/** The head's and (with a usable --base) the base's review sides, synthesized into the transaction. */
export async function reviewSides(
  run: Preflight,
  tx: WriteTransaction,
): Promise<{ readonly head: ReviewSide; readonly base?: ReviewSide }> {
  const version = await terraformVersion(run.terraform.terraform.binary);
  const head = reviewSide(
    '',
    run.config,
    synthesizeStaged(run.config, run.outdir, tx, undefined, { cache: run.stacks }),
    version,
  );
  if (!run.base) return { head };
  if ('reason' in run.base.config) {
    // On stderr: --list-changed's stdout is one JSON array that a workflow parses.
    console.error(`[base] ${run.base.config.reason}; compared with nothing: everything is new`);
    return { head };
  }
  const synth = synthesizeStaged(run.base.config, join(BASE_DIR, 'cdktf.out'), tx, undefined, {
    cache: run.stacks,
    deployedFrom: run.outdir,
  });
  return { head, base: reviewSide('base:', run.base.config, synth, version) };
}

export function reviewContext(run: Preflight, tx: WriteTransaction): ReviewContext {
  return {
    planning: { ...run.terraform, transaction: tx, store: run.plans },
    results: run.results,
    decisions: run.decisions,
    onProgress: reporter,
  };
}

/** The outcome of a review run, for the closing report. */
interface Outcome {
  /** Plans the run had in hand (planned now or taken from the plan store), head side. */
  readonly plans: readonly EnvironmentPlan[];
  readonly result: AnalysisResult;
  readonly unchanged: ReadonlySet<string>;
  /** Environments analysed now, per side; the others' results were reused. */
  readonly analysed: { readonly head: number; readonly base: number };
  readonly written: readonly string[];
  /** Files of environments the config no longer has. */
  readonly removed: readonly string[];
  /** With --fail-on-new-access: the cells the head grants and the base did not. */
  readonly newAccess?: readonly NewCell[];
}

/**
 * The review: every environment's result on the head side; on the base side only those that changed (an unchanged
 * environment's result is the same on both). Plans are loaded for what the report details (every environment
 * without a base, the changed ones with one) and whatever must be analysed.
 */
export async function reviewCommand(
  run: Preflight,
  lock: LockOptions,
  started: bigint,
  before?: (tx: WriteTransaction) => void,
): Promise<number> {
  const directories = [run.outdir, run.out, ...(run.base ? [BASE_DIR] : [])];
  const outcome = await withDirectoryLocks(directories, lock, () =>
    WriteTransaction.run(async (tx): Promise<Outcome> => {
      before?.(tx);
      const { head, base } = await reviewSides(run, tx);
      const context = reviewContext(run, tx);
      const unchanged = unchangedEnvironments(head, base);
      for (const name of head.names)
        if (unchanged.has(name)) console.log(`[${name}] unchanged against ${run.base?.ref}: not planned`);
      const detailed = head.names.filter((name) => !unchanged.has(name));
      const headStatistics = emptyStatistics();
      const headOutcome = await resolveSide(context, head, head.names, detailed, headStatistics);
      const headReport = reportSide(head, headOutcome, headStatistics);
      let baseReport: ReportSide | undefined;
      let baseAnalysed = 0;
      if (base) {
        const changed = base.names.filter((name) => !unchanged.has(name));
        const baseStatistics = emptyStatistics();
        const baseOutcome = await resolveSide(context, base, changed, changed, baseStatistics);
        baseAnalysed = baseOutcome.computed.length;
        baseReport = reportSide(base, baseOutcome, baseStatistics, headOutcome.results);
      }
      // No base to compare with (the config did not exist there or is invalid now): every cell is new.
      const newAccess = run.failOnNewAccess
        ? newCells(baseReport?.result.access ?? [], headReport.result.access)
        : undefined;
      return {
        plans: headOutcome.plans,
        result: headReport.result,
        unchanged,
        analysed: { head: headOutcome.computed.length, base: baseAnalysed },
        newAccess,
        ...writeOutputs(tx, run, headOutcome.plans, headReport, baseReport, unchanged),
      };
    }),
  );
  run.decisions?.saveOrWarn();
  return closingReport(outcome, run, started);
}

/**
 * The run's outputs, all written in this one place, at commit: the plan files of the environments whose plans the
 * run had in hand, every environment's access file, and the report; the per-environment files of environments the
 * config no longer has are removed in the same step. Returns the paths written and removed.
 */
function writeOutputs(
  tx: WriteTransaction,
  run: Preflight,
  plans: readonly EnvironmentPlan[],
  head: ReportSide,
  base: ReportSide | undefined,
  unchanged: ReadonlySet<string>,
): Pick<Outcome, 'written' | 'removed'> {
  const report = renderReport(head, base, unchanged);
  const files: [string, string][] = [
    ...planOutputFiles(plans),
    ...head.result.access.map((a) => [accessFileName(a.environment), renderEnvironmentAccess(a)] as [string, string]),
    [SUMMARY_FILE, report.summary],
    ...report.reviews,
  ];
  // Review files of earlier runs that this run does not write (the environment is one line now) would mislead.
  const reviews = new Set(report.reviews.map(([name]) => name));
  const staleReviews = run.known
    .map(reviewFileName)
    .filter((name) => !reviews.has(name) && existsSync(join(run.out, name)));
  const removed = [...filesOfOtherEnvironments(run.out, run.known), ...staleReviews].sort();
  tx.writeFiles(run.out, files, removed);
  return { written: files.map(([name]) => join(run.out, name)), removed: removed.map((name) => join(run.out, name)) };
}

function closingReport(outcome: Outcome, run: Preflight, started: bigint): number {
  const { plans, result, written, removed, newAccess, unchanged, analysed } = outcome;
  const { out } = run;
  const planned = plans.filter((p) => !p.reused);
  const total = planned.reduce(
    (sum, p) => ({
      create: sum.create + p.counts.create,
      update: sum.update + p.counts.update,
      replace: sum.replace + p.counts.replace,
      delete: sum.delete + p.counts.delete,
      unchanged: sum.unchanged + p.counts.unchanged,
    }),
    { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = result.statistics;
  const reused = run.known.length - analysed.head;
  console.log(
    `Analysed ${analysed.head} environment${analysed.head === 1 ? '' : 's'}${run.base ? ` (and ${analysed.base} on the base side)` : ''}, reused the results of ${reused}: ${s.principals} principals (${s.permissionSets} distinct permission sets, ${s.simulations} simulations, ${s.sharedCells} requests answered by an equal one, ${s.cachedDecisions} by earlier runs).`,
  );
  for (const f of result.findings)
    console.log(`${f.severity.toUpperCase()} ${f.ruleId} [${f.environment}] ${f.target} ${f.detail}: ${f.message}`);
  for (const f of result.suppressed)
    console.log(`suppressed ${f.ruleId} [${f.environment}] ${f.target} ${f.detail} (${f.reason})`);
  const fromStore = plans.length - planned.length;
  console.log(
    `Planned ${planned.length} environment${planned.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s (against empty state: ${describeCounts(total)}); ${fromStore} plan${fromStore === 1 ? '' : 's'} reused from ${displayPath(PLAN_STORE_DIR)}${unchanged.size > 0 ? `; ${unchanged.size} environment${unchanged.size === 1 ? '' : 's'} unchanged against ${run.base?.ref}` : ''}.`,
  );
  console.log(`Wrote ${written.map(displayPath).join(', ')}`);
  if (removed.length > 0)
    console.log(
      `Removed ${removed.map(displayPath).join(', ')} (environments no longer in the config, or reviewed in one line now)`,
    );
  // The gate's cells, one line each, on stdout (a script may read them), whatever the exit status.
  for (const cell of newAccess ?? []) console.log(`NEW ACCESS ${describeNewCell(cell)}`);
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    console.error(
      `${errors.length} rule error${errors.length === 1 ? '' : 's'}: fix them or suppress each with a reason (see ${displayPath(join(out, SUMMARY_FILE))})`,
    );
    return 1;
  }
  if (newAccess === undefined) return 0;
  if (newAccess.length === 0) {
    console.log(`No new access against ${run.base?.ref}.`);
    return 0;
  }
  console.error(
    `${newAccess.length} new access cell${newAccess.length === 1 ? '' : 's'} against ${run.base?.ref} (--fail-on-new-access), printed above; who gains what is in ${displayPath(join(out, SUMMARY_FILE))}`,
  );
  return 3;
}

export function describeCounts(c: ChangeCounts): string {
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`;
}

/** Progress lines of the planning, one per event, through `log` (stdout by default). */
export function reporter(label: string, log: (line: string) => void = (line) => console.log(line)) {
  return (event: ProgressEvent): void => {
    switch (event.kind) {
      case 'started':
        log(`[${label}${event.environment}] planning`);
        return;
      case 'imports left out':
        log(
          `[${label}${event.environment}] ${event.count} import block${event.count === 1 ? '' : 's'} left out of the offline plan (Terraform would read the live resources): planned as created; cdktf deploy imports them`,
        );
        return;
      case 'reused':
        log(`[${label}${event.plan.environment}] plan reused: this exact stack was planned before`);
        return;
      case 'planned':
        log(
          `[${label}${event.plan.environment}] planned in ${event.plan.seconds.toFixed(1)} s${event.plan.initialised ? ' (with terraform init)' : ''}: ${describeCounts(event.plan.counts)} (against empty state)`,
        );
        return;
      case 'failed':
        console.error(`[${label}${event.error.environment}] failed`);
        return;
    }
  };
}
