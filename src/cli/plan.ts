/**
 * `npm run plan [-- --env <name>] [--base <git ref> [--fail-on-new-access]]`: synthesize, plan every environment
 * offline with real Terraform and the real AWS provider, then analyse who can do what. Writes, under tfplans/:
 *   <env>.plan.json, <env>.plan.txt   the plans (and <env>.plan.source.json: what was planned)
 *   <env>.access.json                 who can do what (committed: a change in access shows in the PR diff)
 *   SUMMARY.md                        the review report, against the plans of --base when given
 * With --fail-on-new-access, a run in which any principal gains any cell against --base prints those cells and
 * exits 3 (a gate for protected branches); rule errors still exit 1.
 *
 * Top to bottom: preflight (every check that needs no writing), lock (each directory the run writes), synth
 * (staged), plan, analyse, write. Everything is written in one transaction at the end: cdktf.out/, tfplans/ and
 * the sandboxes under .cache/ change together, or, when anything fails, not at all.
 */
import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { renderEnvironmentAccess } from '../analysis/access-matrix';
import { describeNewCell, newCells, type NewCell } from '../analysis/access-diff';
import { analyzePlans, type AnalysisResult } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import {
  accessFileName,
  filesOfOtherEnvironments,
  readPlanFiles,
  SUMMARY_FILE,
  type PlanFile,
} from '../analysis/plan-files';
import { renderSummary, type ReportSide } from '../analysis/report';
import { loadAccessConfig, loadAccessConfigText, type LoadedConfig } from '../model/load-model';
import { ConfigError, oneOf, printWarnings } from '../config/problems';
import { accessIntent } from '../model/intent';
import type { EnvironmentPlan } from '../plan/plan-environment';
import { PlanView, type ChangeCounts } from '../plan/plan-json';
import { stalePlans } from '../plan/plan-source';
import { planEnvironments, planOutputFiles, type PlanRequest, type ProgressEvent } from '../plan/planner';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { synthesizeStaged, type StagedSynth } from '../synth/synthesize';
import { WriteTransaction } from '../synth/write-transaction';
import { commandName, defineCommand, runCli, type OptionValues } from './command-line';
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
import { CommandFailure, UsageError } from './usage-error';
import { directoryProblem } from './values';

const COMMAND = defineCommand({
  name: 'plan',
  command: 'npm run plan --',
  description: [
    'Validates and synthesizes the access config, plans every environment offline with real Terraform and the real',
    'AWS provider (dummy credentials, empty state: what a first deploy would create), and analyses who can do what.',
    'Writes <env>.plan.json, <env>.plan.txt, <env>.access.json and SUMMARY.md to the --out directory and the stacks',
    'to cdktf.out/, all at the end and only when every environment planned. A concurrent run on the same',
    'directories is waited for (LOCK_WAIT_SECONDS).',
  ].join('\n'),
  options: {
    env: {
      type: 'string',
      multiple: true,
      value: '<environment>',
      help: 'plan only this environment (repeat for more); the others are analysed from their plan files, and planned too when those are missing or stale',
    },
    out: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where the plan, access and report files go' },
    base: {
      type: 'string',
      value: '<git ref>',
      help: 'also plan the config as it was at this revision (with this code) and report the difference',
    },
    'fail-on-new-access': {
      type: 'boolean',
      help:
        'exit 3 when any principal gains any cell (action, resource, context) against --base, printing each new cell ' +
        'on stdout; needs --base (without one every cell is new). The files are written all the same. Rule errors win: ' +
        'the run then exits 1',
    },
    'no-cache': { type: 'boolean', help: `simulate every decision again instead of reusing ${ANALYSIS_CACHE_DIR}` },
  },
  environment: [
    ACCESS_CONFIG,
    CDKTF_OUTDIR,
    TERRAFORM_BIN,
    TF_PROVIDER_MIRROR,
    PLAN_TIMEOUT_SECONDS,
    LOCK_WAIT_SECONDS,
    SYNTH_HCL_OUTPUT,
  ],
  failure:
    'nothing was written: a config problem, a --base revision or config that cannot be used, a failed or timed-out ' +
    'plan, or a directory locked by another run for too long. Also when the analysis found rule errors: the files ' +
    'are written then, so the report shows them (rule errors win over exit status 3)',
  exitStatuses: {
    3: 'with --fail-on-new-access: a principal gains a cell against --base (each new cell is printed); the files are written',
  },
});

const TERRAFORM_CACHE = join('.cache', 'terraform');
/** The base revision's synth output, planned with this code. */
const BASE_DIR = join('.cache', 'base');

type Values = OptionValues<(typeof COMMAND)['options']>;

/** What the run is about, known before it writes anything. */
interface Preflight {
  readonly config: LoadedConfig;
  /** Every environment of the config, in config order. */
  readonly known: readonly string[];
  /** Those to plan now (--env, else all). */
  readonly environments: readonly string[];
  /** --base: the revision and its config (undefined when the config file did not exist there). */
  /** --base: the revision and its config, or why there is none to compare with (missing, or invalid now). */
  readonly base?: { readonly ref: string; readonly config: LoadedConfig | NoBase };
  /** --fail-on-new-access (only with --base). */
  readonly failOnNewAccess: boolean;
  readonly outdir: string;
  readonly out: string;
  readonly cache?: DecisionCache;
  readonly terraform: Pick<PlanRequest, 'terraform' | 'provider' | 'cacheDir'>;
}

/** The outcome of a run, for the closing report. */
interface Outcome {
  readonly plans: readonly EnvironmentPlan[];
  readonly result: AnalysisResult;
  readonly written: readonly string[];
  /** Files of environments the config no longer has. */
  readonly removed: readonly string[];
  /** With --fail-on-new-access: the cells the head grants and the base did not. */
  readonly newAccess?: readonly NewCell[];
}

runCli(COMMAND, async ({ values }) => {
  const started = process.hrtime.bigint();
  const run = await preflight(values);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  const directories = [run.outdir, run.out, ...(run.base ? [BASE_DIR] : [])];
  const outcome = await withDirectoryLocks(directories, lock, () =>
    WriteTransaction.run(async (tx) => {
      const head = synthesizeStaged(run.config, run.outdir, tx);
      const [plans, base] = await Promise.all([
        planEnvironments(planRequest(run, tx, head, environmentsToPlan(run, head), '')),
        run.base ? planBase(run, run.base, tx) : undefined,
      ]);
      const headSide = await analyse(run, head, plans);
      // No base to compare with (the config did not exist there or is invalid now): every cell is new.
      const newAccess = run.failOnNewAccess ? newCells(base?.result.access ?? [], headSide.result.access) : undefined;
      return { plans, result: headSide.result, newAccess, ...writeOutputs(tx, run, plans, headSide, base) };
    }),
  );
  run.cache?.saveOrWarn();
  return report(outcome, run, started);
});

/** Every check that needs no writing: the config, --env, --out, --base (flags and variables are checked already). */
async function preflight(values: Values): Promise<Preflight> {
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
  return {
    config,
    known,
    environments: values.env ? known.filter((e) => values.env?.includes(e)) : known,
    base: values.base ? { ref: values.base, config: await configAtRef(values.base, configFile) } : undefined,
    failOnNewAccess: values['fail-on-new-access'] === true,
    outdir: envValue(CDKTF_OUTDIR),
    out: values.out,
    cache: values['no-cache'] ? undefined : DecisionCache.open(ANALYSIS_CACHE_DIR),
    terraform: {
      terraform: { binary: envValue(TERRAFORM_BIN), timeoutSeconds: envValue(PLAN_TIMEOUT_SECONDS) },
      provider: envValue(TF_PROVIDER_MIRROR),
      cacheDir: TERRAFORM_CACHE,
    },
  };
}

/** Why a --base revision gives nothing to compare with: the report then shows everything as new. */
interface NoBase {
  readonly reason: string;
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

/**
 * The environments planned now: --env's (or all); and any other whose plan file is missing or was made from another
 * configuration than the current synth (plan-source.ts), so the analysis never reads a stale plan.
 */
function environmentsToPlan(run: Preflight, head: StagedSynth): string[] {
  const others = run.known.filter((e) => !run.environments.includes(e));
  const stale = stalePlans(run.out, head.stagedStacksDir, others);
  for (const { environment, reason } of stale) console.log(`[${environment}] planning it too: ${reason}`);
  const planned = new Set([...run.environments, ...stale.map((s) => s.environment)]);
  return run.known.filter((e) => planned.has(e));
}

function planRequest(
  run: Preflight,
  tx: WriteTransaction,
  synth: StagedSynth,
  environments: readonly string[],
  label: string,
): PlanRequest {
  return {
    ...run.terraform,
    environments,
    stacksDir: synth.stagedStacksDir,
    committedStacksDir: synth.stacksDir,
    transaction: tx,
    onProgress: reporter(label),
  };
}

/** Synthesizes and plans the base revision's config with this code, into .cache/base/. */
async function planBase(
  run: Preflight,
  base: NonNullable<Preflight['base']>,
  tx: WriteTransaction,
): Promise<ReportSide | undefined> {
  if ('reason' in base.config) {
    console.log(`[base] ${base.config.reason}; compared with nothing: everything is new`);
    return undefined;
  }
  const synth = synthesizeStaged(base.config, join(BASE_DIR, 'cdktf.out'), tx);
  // Every environment of the base, whatever --env says: the head's analysis covers them all (cross-account access
  // needs them), so the comparison must too, or a trust would seem to change where nothing did.
  const names = synth.model.environments.map((e) => e.name);
  const plans = await planEnvironments(planRequest(run, tx, synth, names, 'base:'));
  const files = plans.map(planFile);
  const intent = accessIntent(base.config.config, base.config.model);
  return side(await analyzePlans(files, synth.suppressions, { cache: run.cache, intent }), files);
}

/**
 * Who can do what, on every environment: cross-account access needs them all. Those planned now are in memory;
 * the others come from the plan files of earlier runs.
 */
async function analyse(run: Preflight, head: StagedSynth, plans: readonly EnvironmentPlan[]): Promise<ReportSide> {
  const fresh = new Map(plans.map((p) => [p.environment, planFile(p)]));
  const earlier = readPlanFiles(
    run.out,
    run.known.filter((e) => !fresh.has(e)),
  );
  const files = [...fresh.values(), ...earlier].sort((a, b) => run.known.indexOf(a.name) - run.known.indexOf(b.name));
  const intent = accessIntent(run.config.config, run.config.model);
  return side(await analyzePlans(files, head.suppressions, { cache: run.cache, intent }), files);
}

/**
 * The run's outputs, all written in this one place, at commit: the plan files of the environments planned now,
 * every environment's access file, and the report; the per-environment files of environments the config no longer
 * has are removed in the same step. Returns the paths written and removed.
 */
function writeOutputs(
  tx: WriteTransaction,
  run: Preflight,
  plans: readonly EnvironmentPlan[],
  head: ReportSide,
  base: ReportSide | undefined,
): Pick<Outcome, 'written' | 'removed'> {
  const files: [string, string][] = [
    ...planOutputFiles(plans),
    ...head.result.access.map((a) => [accessFileName(a.environment), renderEnvironmentAccess(a)] as [string, string]),
    [SUMMARY_FILE, renderSummary(head, base)],
  ];
  const removed = filesOfOtherEnvironments(run.out, run.known);
  tx.writeFiles(run.out, files, removed);
  return { written: files.map(([name]) => join(run.out, name)), removed: removed.map((name) => join(run.out, name)) };
}

function report(outcome: Outcome, run: Preflight, started: bigint): number {
  const { plans, result, written, removed, newAccess } = outcome;
  const { out } = run;
  const total = plans.reduce(
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
  console.log(
    `Analysed ${s.principals} principals (${s.permissionSets} distinct permission sets, ${s.simulations} simulations, ${s.sharedCells} requests answered by an equal one, ${s.cachedDecisions} by earlier runs).`,
  );
  for (const f of result.findings)
    console.log(`${f.severity.toUpperCase()} ${f.ruleId} [${f.environment}] ${f.target} ${f.detail}: ${f.message}`);
  for (const f of result.suppressed)
    console.log(`suppressed ${f.ruleId} [${f.environment}] ${f.target} ${f.detail} (${f.reason})`);
  console.log(
    `Planned ${plans.length} environment${plans.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s: ${describeCounts(total)}.`,
  );
  console.log(`Wrote ${written.map(displayPath).join(', ')}`);
  if (removed.length > 0)
    console.log(`Removed ${removed.map(displayPath).join(', ')} (environments no longer in the config)`);
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

function planFile(plan: EnvironmentPlan): PlanFile {
  return { name: plan.environment, plan: new PlanView(plan.json), text: plan.text };
}

function side(result: AnalysisResult, files: readonly PlanFile[]): ReportSide {
  return { result, planText: new Map(files.map((f) => [f.name, f.text])) };
}

function describeCounts(c: ChangeCounts): string {
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`;
}

function reporter(label: string) {
  return (event: ProgressEvent): void => {
    switch (event.kind) {
      case 'started':
        console.log(`[${label}${event.environment}] planning`);
        return;
      case 'planned':
        console.log(
          `[${label}${event.plan.environment}] planned in ${event.plan.seconds.toFixed(1)} s${event.plan.initialised ? ' (with terraform init)' : ''}: ${describeCounts(event.plan.counts)}`,
        );
        return;
      case 'failed':
        console.error(`[${label}${event.error.environment}] failed`);
        return;
    }
  };
}
