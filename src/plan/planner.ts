/**
 * Plans environments concurrently, all or nothing: if any environment fails, every failure is reported and the
 * run's transaction is rolled back by the caller. Plans come back in memory; the caller writes them (with the
 * analysis) in one place, through the same transaction (see planOutputFiles).
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { WriteTransaction } from '../synth/write-transaction';
import { PlanError } from './errors';
import { countChanges } from './plan-json';
import { planEnvironment, type EnvironmentPlan } from './plan-environment';
import { configurationDigest, planFileNames, renderPlanSource } from './plan-source';
import type { PlanStore } from './plan-store';
import { importBlockCount, sandboxConfigText } from './sandbox';
import { terraformVersion } from './terraform-check';
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
  /** Plans of earlier runs by what they were made from: an environment found there is not planned again. */
  readonly store?: PlanStore;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly kind: 'started'; readonly environment: string }
  /** The stack takes over existing resources (import blocks), which the offline plan leaves out. */
  | { readonly kind: 'imports left out'; readonly environment: string; readonly count: number }
  | { readonly kind: 'planned'; readonly plan: EnvironmentPlan }
  | { readonly kind: 'reused'; readonly plan: EnvironmentPlan }
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

  const version = request.store ? await terraformVersion(request.terraform.binary) : '';

  // Each plan runs Terraform and an AWS provider process (hundreds of MB): one per core, not one per environment.
  const outcomes = await mapBounded(request.environments, availableParallelism(), async (environment) => {
    const stackFile = join(request.stacksDir, environment, 'cdk.tf.json');
    const imports = importBlockCount(stackFile);
    if (imports > 0) request.onProgress?.({ kind: 'imports left out', environment, count: imports });
    const stored = request.store?.get(configurationDigest(sandboxConfigText(stackFile)), version);
    if (stored) {
      const plan: EnvironmentPlan = {
        environment,
        ...stored,
        counts: countChanges(stored.json),
        seconds: 0,
        initialised: false,
        reused: true,
      };
      request.onProgress?.({ kind: 'reused', plan });
      return plan;
    }
    request.onProgress?.({ kind: 'started', environment });
    try {
      const plan = await planEnvironment(
        environment,
        stackFile,
        join(sandboxes, environment),
        settingsForStack(settings, stackFile),
        cliConfig.text,
        request.transaction,
      );
      request.store?.put(plan);
      request.onProgress?.({ kind: 'planned', plan });
      return plan;
    } catch (error) {
      const reason =
        error instanceof TerraformCommandError ? error.message : `planning failed: ${(error as Error).message}`;
      const failure = new PlanError(environment, reason);
      request.onProgress?.({ kind: 'failed', error: failure });
      return failure;
    }
  });
  const failures = outcomes.filter((o): o is PlanError => o instanceof PlanError);
  if (failures.length > 0) throw new PlanFailures(failures);
  return outcomes as EnvironmentPlan[];
}

/** `work` over `items` with at most `limit` running at once; results in the order of `items`. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
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
