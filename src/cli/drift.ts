/**
 * `npm run drift -- --env <name> --from <file or directory>`: the account's IAM as it is live (the AWS CLI's dumps,
 * src/live), against what the project's plan of the environment makes true (src/drift). The plan is the one
 * `npm run plan` made of the current config (taken from .cache/plans or --plans, as `npm run report` takes them),
 * planned now only when there is none. Writes `<out>/<env>.drift.md` (through the run's write transaction, whole or
 * not at all) and prints one line per finding on stdout.
 *
 * Exit status: 0 no drift, 2 drift found, 1 anything else (usage errors included, so that 2 means only drift).
 */
import { join } from 'node:path';
import { AccessAnalysis } from '../analysis/access-analysis';
import { ANALYSIS_CACHE_DIR } from '../analysis/decision-cache';
import { loadActionCatalog } from '../iam/action-catalog';
import { PLAN_STORE_DIR } from '../plan/plan-store';
import { readAccountDump } from '../live/account-dump';
import { readLiveEnvironment } from '../live/live-environment';
import { describeCounts, driftReportName, findingLines, renderDriftReport } from '../drift/drift-report';
import { findDrift, hasDrift } from '../drift/find-drift';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { WriteTransaction } from '../synth/write-transaction';
import { commandName, defineCommand, runCli } from './command-line';
import { envValue, LOCK_WAIT_SECONDS } from './environment';
import { planFile, planSide } from './review';
import { preflight, REVIEW_ENVIRONMENT, reporter, reviewContext, reviewSides } from './review-command';
import { DUMP_OPTIONS, dumpOptionProblems } from './dump-options';
import { UsageError } from './usage-error';
import { existingDirectoryProblem } from './values';

const COMMAND = defineCommand({
  name: 'drift',
  command: 'npm run drift --',
  description: [
    "Compares an account's IAM as it is live (the files of aws iam get-account-authorization-details, and optionally",
    'aws s3api get-bucket-policy, aws iam get-account-password-policy and aws iam get-credential-report; see the',
    "README) with what the project's plan of the environment makes true: access live that the config does not give",
    '(with the policy it comes from), access the config gives that is missing live, users, groups and roles the',
    'project does not manage that can do anything in CodePipeline, and managed resources whose live attributes',
    'differ. Prints one line per finding and writes <out>/<env>.drift.md. The plan is the stored one of the current',
    'config (.cache/plans, or --plans), planned now only when there is none.',
  ].join('\n'),
  options: {
    ...DUMP_OPTIONS,
    out: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where <env>.drift.md is written' },
    plans: {
      type: 'string',
      multiple: true,
      value: '<dir>',
      help: 'plan files npm run plan wrote (any depth), used instead of planning again (repeat for more)',
    },
    'no-cache': {
      type: 'boolean',
      help: `plan and simulate again instead of reusing ${PLAN_STORE_DIR} and ${ANALYSIS_CACHE_DIR}`,
    },
  },
  environment: REVIEW_ENVIRONMENT,
  failure:
    'nothing was compared: a dump that cannot be used (every problem named with its file), a config problem, a ' +
    'failed plan, or a directory locked by another run for too long',
  exitStatuses: { 2: 'drift found: each finding is printed, and the report written' },
  usageExitStatus: 1,
});

runCli(COMMAND, async ({ values }) => {
  const problems = [
    ...dumpOptionProblems(values),
    ...(values.plans ?? []).flatMap(
      (dir) => existingDirectoryProblem('--plans', dir, 'plan files are read from it') ?? [],
    ),
  ];
  if (problems.length > 0) throw new UsageError(problems);
  const env = values.env as string;
  const from = values.from as string;
  const run = await preflight({ env: [env], out: values.out, 'no-cache': values['no-cache'] });
  const model = run.config.model.environments.find((e) => e.name === env);
  // The dump is read before anything is planned: a bad one costs nothing.
  const dump = readAccountDump(from, { accountId: model?.accountId ?? '', environment: env });
  for (const dir of values.plans ?? []) run.plans.ingest(dir);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  const { result, file } = await withDirectoryLocks([run.outdir, run.out], lock, () =>
    WriteTransaction.run(async (tx) => {
      const { head } = await reviewSides(run, tx);
      const context = {
        ...reviewContext(run, tx),
        onProgress: (label: string) => reporter(label, (line) => console.error(line)),
      };
      const names = head.names.filter((name) => name === env || head.dependencies.get(env)?.includes(name));
      const plans = await planSide(context, head, names);
      const planned = AccessAnalysis.fromPlans(plans.map(planFile));
      const live = readLiveEnvironment(dump, planned.environment(env));
      const catalog = await loadActionCatalog();
      const drift = await findDrift({ planned, environment: env, live, catalog, cache: run.decisions });
      const report = renderDriftReport(drift, dump, `the plan of ${displayPath(run.config.file)}`);
      tx.writeFiles(run.out, [[driftReportName(env), report]]);
      return { result: drift, file: join(run.out, driftReportName(env)) };
    }),
  );
  run.decisions?.saveOrWarn();
  for (const line of findingLines(result)) console.log(line);
  if (!hasDrift(result)) {
    console.error(`No drift in ${env}: the live account gives exactly what the plan gives. Wrote ${displayPath(file)}`);
    return 0;
  }
  console.error(`Drift in ${env}: ${describeCounts(result)}. Wrote ${displayPath(file)}`);
  return 2;
});
