/**
 * Plans environments concurrently, all or nothing: if any environment fails, every failure is reported and the
 * run's transaction is rolled back by the caller. Plans come back in memory; the caller writes them (with the
 * analysis) in one place, through the same transaction (see planOutputFiles).
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { WriteTransaction } from '../synth/write-transaction';
import { PlanError } from './errors';
import { planEnvironment, type EnvironmentPlan } from './plan-environment';
import { planFileNames, renderPlanSource } from './plan-source';
import { settingsForStack, type PlanTerraformSettings } from './plan-timeout';
import { stageCliConfig, type ProviderSource } from './terraform-cli-config';
import { TerraformCommandError } from './terraform-runner';

export interface PlanRequest {
  /** Environment names, each with `<stacksDir>/<name>/cdk.tf.json`. */
  readonly environments: readonly string[];
  /** Where the stacks are read from: usually the staged synth output of the same transaction. */
  readonly stacksDir: string;
  /**
   * The stacks directory the plans stand for once the run is committed. Sandboxes are keyed by it, so each run's
   * staged synth reuses the `.terraform` of earlier runs. @default stacksDir
   */
  readonly committedStacksDir?: string;
  /** Project cache: CLI config, plugin cache, one sandbox per environment (its `.terraform` is reused). */
  readonly cacheDir: string;
  readonly terraform: Omit<PlanTerraformSettings, 'cliConfigFile'>;
  /** Where the AWS provider comes from (TF_PROVIDER_MIRROR, checked before the run). */
  readonly provider: ProviderSource;
  /** Everything the planning writes under `cacheDir` (sandboxes, CLI config) is staged in it. */
  readonly transaction: WriteTransaction;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly kind: 'started'; readonly environment: string }
  | { readonly kind: 'planned'; readonly plan: EnvironmentPlan }
  | { readonly kind: 'failed'; readonly error: PlanError };

export class PlanFailures extends Error {
  constructor(readonly failures: readonly PlanError[]) {
    super(
      `${failures.length} environment${failures.length === 1 ? '' : 's'} could not be planned; nothing was written:\n` +
        failures.map((f) => `  ${f.message.split('\n').join('\n  ')}`).join('\n'),
    );
    this.name = 'PlanFailures';
  }
}

export async function planEnvironments(request: PlanRequest): Promise<EnvironmentPlan[]> {
  const cacheDir = resolve(request.cacheDir);
  const cliConfig = stageCliConfig(request.provider, cacheDir, request.transaction);
  const settings: PlanTerraformSettings = { ...request.terraform, cliConfigFile: cliConfig.file };
  const sandboxes = join(cacheDir, 'sandboxes', sandboxKey(request.committedStacksDir ?? request.stacksDir));

  const outcomes = await Promise.all(
    request.environments.map(async (environment) => {
      request.onProgress?.({ kind: 'started', environment });
      try {
        const plan = await planEnvironment(
          environment,
          join(request.stacksDir, environment, 'cdk.tf.json'),
          join(sandboxes, environment),
          settingsForStack(settings, join(request.stacksDir, environment, 'cdk.tf.json')),
          cliConfig.text,
          request.transaction,
        );
        request.onProgress?.({ kind: 'planned', plan });
        return plan;
      } catch (error) {
        const reason =
          error instanceof TerraformCommandError ? error.message : `planning failed: ${(error as Error).message}`;
        const failure = new PlanError(environment, reason);
        request.onProgress?.({ kind: 'failed', error: failure });
        return failure;
      }
    }),
  );
  const failures = outcomes.filter((o): o is PlanError => o instanceof PlanError);
  if (failures.length > 0) throw new PlanFailures(failures);
  return outcomes as EnvironmentPlan[];
}

/** Plans of different synth outputs (the example, test fixtures) get their own sandboxes. */
function sandboxKey(stacksDir: string): string {
  return createHash('sha256').update(resolve(stacksDir)).digest('hex').slice(0, 12);
}

/**
 * `<env>.plan.json`, `<env>.plan.txt` and `<env>.plan.source.json` (what was planned, see plan-source.ts) of each
 * plan, as [file name, content] for WriteTransaction.writeFiles.
 */
export function planOutputFiles(plans: readonly EnvironmentPlan[]): [string, string][] {
  return plans.flatMap((plan) => {
    const names = planFileNames(plan.environment);
    return [
      [names.json, `${JSON.stringify(plan.json, null, 2)}\n`],
      [names.text, plan.text],
      [names.source, renderPlanSource(plan.source)],
    ] satisfies [string, string][];
  });
}
