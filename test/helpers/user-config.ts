/**
 * The user's own files as test/user-config checks them: config/access.yaml loaded (or its located problems), and
 * the global setup's run of the real plan CLI on it (fixture "user").
 */
import { readFileSync } from 'node:fs';
import { analyzePlans, type AnalysisResult } from '../../src/analysis/analyze';
import { loadAccessConfig, type LoadedConfig } from '../../src/model/load-model';
import { ConfigError } from '../../src/config/problems';
import { USER_CONFIG_FILE } from './fixture-files';
import { configDigest, readPlan, readPlanRun, USER_FIXTURE, type PlanRun } from './plans';

/** The user's config, validated; throws listing every located problem when it does not validate. */
export async function loadUserConfig(): Promise<LoadedConfig> {
  try {
    return await loadAccessConfig(USER_CONFIG_FILE);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`config/access.yaml does not validate:\n${error.message}`);
    throw error;
  }
}

/** The plan CLI's run on the user's config; throws with what the CLI printed when it did not plan. */
export function userPlanRun(): PlanRun {
  const run = readPlanRun(USER_FIXTURE.name);
  if (run === undefined) throw new Error('config/access.yaml was not planned: test/global-setup.ts plans it');
  if (run.exitCode !== 0)
    throw new Error(`npm run plan fails on config/access.yaml (exit ${run.exitCode}):\n${run.stderr}`);
  if (run.configDigest !== configDigest(readFileSync(USER_CONFIG_FILE, 'utf8')))
    throw new Error('config/access.yaml changed after the global setup planned it: run the tests again');
  return run;
}

/** The analysis of the user's plans, every environment of their config. */
export async function analyzeUserPlans(): Promise<AnalysisResult> {
  const { model, config } = await loadUserConfig();
  userPlanRun();
  return analyzePlans(
    model.environments.map(({ name }) => ({ name, plan: readPlan(USER_FIXTURE.name, name) })),
    config.suppressions,
  );
}
