/**
 * `npm run access`: the access matrix of the plans in tfplans/ (written by `npm run plan`), for a person to read:
 * per environment, each principal with what it may do on which pipeline, who may assume which role, and what the
 * artifact bucket policies decide. Runs no Terraform; waits while a plan run writes the plans.
 */
import { analyzePlans } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import { readPlanFiles } from '../analysis/plan-files';
import { renderAccessMatrix } from '../analysis/report';
import { loadAccessConfig } from '../config/load';
import { printWarnings } from '../config/problems';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { commandName, defineCommand, runCli } from './command-line';
import { ACCESS_CONFIG, envValue, LOCK_WAIT_SECONDS } from './environment';
import { CommandFailure } from './usage-error';

const COMMAND = defineCommand({
  name: 'access',
  command: 'npm run access --',
  description: [
    'Prints who can do what, per environment, from the plans `npm run plan` wrote: each principal with its actions',
    'on each pipeline, who may assume which role, and what the artifact bucket policies decide. Runs no Terraform.',
  ].join('\n'),
  options: {
    plans: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where `npm run plan` wrote the plans' },
  },
  environment: [ACCESS_CONFIG, LOCK_WAIT_SECONDS],
  failure: 'a config problem, no plans in the plans directory, or that directory locked by a plan run for too long',
});

runCli(COMMAND, async ({ values }) => {
  const { model, config, warnings } = await loadAccessConfig(envValue(ACCESS_CONFIG));
  printWarnings(warnings);
  const names = model.environments.map((e) => e.name);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  const files = await withDirectoryLocks([values.plans], lock, async () => readPlanFiles(values.plans, names));
  if (files.length === 0)
    throw new CommandFailure(
      `no plans in ${displayPath(values.plans)}/ for ${names.join(', ')}: run npm run plan first`,
    );
  const cache = DecisionCache.open(ANALYSIS_CACHE_DIR);
  const result = await analyzePlans(files, config.suppressions, { cache });
  cache.saveOrWarn();
  process.stdout.write(renderAccessMatrix(result.access));
  const missing = names.filter((n) => !files.some((f) => f.name === n));
  if (missing.length > 0) console.error(`not planned yet: ${missing.join(', ')} (run npm run plan)`);
  return 0;
});
