/**
 * `npm run plan [-- --env <name>] [--base <git ref>]`: synthesize, plan every environment offline with real
 * Terraform and the real AWS provider, then analyse who can do what. Writes, under tfplans/:
 *   <env>.plan.json, <env>.plan.txt   the plans
 *   <env>.access.json                 who can do what (committed: a change in access shows in the PR diff)
 *   SUMMARY.md                        the review report, against the plans of --base when given
 * Exit 1 on a config problem, a failed plan, or an error-level rule finding.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderEnvironmentAccess } from '../analysis/access-matrix';
import { analyzePlans } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import { accessFileName, readPlanFiles, SUMMARY_FILE } from '../analysis/plan-files';
import { renderSummary, type ReportSide } from '../analysis/report';
import { configFileFromEnv } from '../config/load';
import { ConfigError, oneOf, printWarnings } from '../config/problems';
import { PlanView, type ChangeCounts } from '../plan/plan-json';
import { PlanFailures, planEnvironments, planFileNames, settingsFromEnv, type ProgressEvent } from '../plan/planner';
import { writeFilesAtomically } from '../synth/atomic-files';
import { outdirFromEnv, synthesize } from '../synth/synthesize';

const USAGE = 'usage: npm run plan [-- --env <environment> ...] [--out <dir>] [--base <git ref>] [--no-cache]';
const TERRAFORM_CACHE = '.cache/terraform';

function describeCounts(c: ChangeCounts): string {
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`;
}

const reporter =
  (label: string) =>
  (event: ProgressEvent): void => {
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

/** The config file as it was at `ref`, or undefined when it did not exist there. */
function configAtRef(ref: string, configFile: string): string | undefined {
  let top: string;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new Error(
      `--base ${ref}: needs a git checkout with git on the PATH (the config is read as it was at that revision)`,
    );
  }
  const path = relative(top, resolve(configFile)).split('\\').join('/');
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    throw new Error(`--base ${ref}: not a commit in this repository (fetch it first, e.g. git fetch origin ${ref})`);
  }
  try {
    return execFileSync('git', ['show', `${ref}:${path}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

/**
 * Synthesizes and plans the base revision's config (`text`, read before any planning starts so a bad ref fails
 * early) with this code, into .cache/base/.
 */
async function planBase(
  ref: string,
  text: string | undefined,
  configFile: string,
  environments: readonly string[] | undefined,
  cache: DecisionCache | undefined,
): Promise<ReportSide | undefined> {
  const dir = resolve('.cache', 'base');
  rmSync(join(dir, 'tfplans'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (text === undefined) {
    console.log(`[base] ${configFile} does not exist at ${ref}: everything is new`);
    return undefined;
  }
  const baseConfig = join(dir, 'access.yaml');
  writeFileSync(baseConfig, text);
  const { model, suppressions, stacksDir } = await synthesize(baseConfig, join(dir, 'cdktf.out'));
  const names = model.environments.map((e) => e.name).filter((e) => !environments || environments.includes(e));
  await planEnvironments({
    environments: names,
    stacksDir,
    outputDir: join(dir, 'tfplans'),
    cacheDir: TERRAFORM_CACHE,
    terraform: settingsFromEnv(),
    onProgress: reporter('base:'),
  });
  const files = readPlanFiles(join(dir, 'tfplans'), names);
  return {
    result: await analyzePlans(files, suppressions, { cache }),
    planText: new Map(files.map((f) => [f.name, f.text])),
  };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        env: { type: 'string', multiple: true },
        out: { type: 'string', default: 'tfplans' },
        base: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const started = process.hrtime.bigint();
  const configFile = configFileFromEnv();
  const { model, suppressions, stacksDir, warnings } = await synthesize(configFile, outdirFromEnv());
  printWarnings(warnings);
  const known = model.environments.map((e) => e.name);
  const unknown = (args.env ?? []).filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    console.error(`--env ${unknown.map((e) => `"${e}"`).join(', ')}: unknown environment; must be ${oneOf(known)}`);
    return 2;
  }
  const environments = args.env ? known.filter((e) => args.env?.includes(e)) : known;
  const baseText = args.base ? configAtRef(args.base, configFile) : undefined;
  const cache = args['no-cache'] ? undefined : DecisionCache.open(ANALYSIS_CACHE_DIR);

  const [plans, base] = await Promise.all([
    planEnvironments({
      environments,
      stacksDir,
      outputDir: args.out,
      cacheDir: TERRAFORM_CACHE,
      terraform: settingsFromEnv(),
      onProgress: reporter(''),
    }),
    args.base ? planBase(args.base, baseText, configFile, args.env, cache) : Promise.resolve(undefined),
  ]);

  // Cross-account access needs every environment's plan: the ones planned now are in memory, the others come
  // from the files of earlier runs.
  const fresh = new Map(
    plans.map((p) => [p.environment, { name: p.environment, plan: new PlanView(p.json), text: p.text }]),
  );
  const files = [
    ...fresh.values(),
    ...readPlanFiles(
      args.out,
      known.filter((e) => !fresh.has(e)),
    ),
  ].sort((a, b) => known.indexOf(a.name) - known.indexOf(b.name));
  const result = await analyzePlans(files, suppressions, { cache });
  cache?.saveOrWarn();
  const head: ReportSide = { result, planText: new Map(files.map((f) => [f.name, f.text])) };
  const written = writeFilesAtomically(args.out, [
    ...result.access.map((a) => [accessFileName(a.environment), renderEnvironmentAccess(a)] as const),
    [SUMMARY_FILE, renderSummary(head, base)] as const,
  ]);

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
  const planFiles = plans.flatMap((p) => Object.values(planFileNames(p.environment)).map((f) => join(args.out, f)));
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
  console.log(`Wrote ${[...planFiles, ...written.map((w) => relative(process.cwd(), w))].join(', ')}`);
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    console.error(
      `${errors.length} rule error${errors.length === 1 ? '' : 's'}: fix them or suppress each with a reason (see ${join(args.out, SUMMARY_FILE)})`,
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof PlanFailures) console.error(error.message);
    else console.error(`plan failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
