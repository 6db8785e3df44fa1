/**
 * `npm run access`: the access matrix of the plans in tfplans/ (written by `npm run plan`), for a person to read:
 * per environment, each principal with what it may do on which pipeline, who may assume which role, and what the
 * artifact bucket policies decide. Runs no Terraform; waits while a plan run writes the plans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePlans } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import { readPlanFiles } from '../analysis/plan-files';
import { renderAccessMatrix } from '../analysis/report';
import { loadAccessConfig, type LoadedConfig } from '../model/load-model';
import { printWarnings } from '../config/problems';
import { accessIntent } from '../model/intent';
import { NOT_PLANNED, stalePlans, type StalePlan } from '../plan/plan-source';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { synthesizeStaged } from '../synth/synthesize';
import { WriteTransaction } from '../synth/write-transaction';
import { commandName, defineCommand, runCli } from './command-line';
import { ACCESS_CONFIG, envValue, LOCK_WAIT_SECONDS, SYNTH_HCL_OUTPUT } from './environment';
import { CommandFailure } from './usage-error';

const COMMAND = defineCommand({
  name: 'access',
  command: 'npm run access --',
  description: [
    'Prints who can do what, per environment, from the plans `npm run plan` wrote: each principal with its actions',
    'on each pipeline, who may assume which role, and what the artifact bucket policies decide. Runs no Terraform.',
    'Refuses plans that are missing or were made from another config or code than the current one gives.',
  ].join('\n'),
  options: {
    plans: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where `npm run plan` wrote the plans' },
  },
  environment: [ACCESS_CONFIG, LOCK_WAIT_SECONDS, SYNTH_HCL_OUTPUT],
  failure:
    'a config problem, plans that are missing or stale (made from another config or code than the current one), ' +
    'or the plans directory locked by a plan run for too long',
});

runCli(COMMAND, async ({ values }) => {
  const loaded = await loadAccessConfig(envValue(ACCESS_CONFIG));
  const { model, config, warnings } = loaded;
  printWarnings(warnings);
  const names = model.environments.map((e) => e.name);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  const files = await withDirectoryLocks([values.plans], lock, async () => {
    const stale = plansNotFromCurrentConfig(loaded, values.plans);
    if (stale.length === names.length && stale.every((s) => s.reason === NOT_PLANNED))
      throw new CommandFailure(
        `no plans in ${displayPath(values.plans)}/ for ${names.join(', ')}: run npm run plan first`,
      );
    if (stale.length > 0)
      throw new CommandFailure(
        [
          `the plans in ${displayPath(values.plans)}/ do not show what ${envValue(ACCESS_CONFIG)} gives now; run npm run plan:`,
          ...stale.map(({ environment, reason }) => `  - ${environment}: ${reason}`),
        ].join('\n'),
      );
    return readPlanFiles(values.plans, names);
  });
  const cache = DecisionCache.open(ANALYSIS_CACHE_DIR);
  const result = await analyzePlans(files, config.suppressions, { cache, intent: accessIntent(config, model) });
  cache.saveOrWarn();
  process.stdout.write(renderAccessMatrix(result.access));
  return 0;
});

/**
 * The environments whose plan files are missing or were made from another configuration than the current config
 * synthesizes to. The synth goes to a temporary directory, never into the project (it holds no lock on cdktf.out/).
 */
function plansNotFromCurrentConfig(loaded: LoadedConfig, planDir: string): StalePlan[] {
  const scratch = mkdtempSync(join(tmpdir(), 'access-synth-'));
  const tx = new WriteTransaction();
  try {
    const synth = synthesizeStaged(loaded, join(scratch, 'cdktf.out'), tx);
    return stalePlans(
      planDir,
      synth.stagedStacksDir,
      synth.model.environments.map((e) => e.name),
    );
  } finally {
    tx.rollback();
    rmSync(scratch, { recursive: true, force: true });
  }
}
