/**
 * Plans environments concurrently and writes `<env>.plan.json` + `<env>.plan.txt` for each, all or nothing:
 * if any environment fails, no file is written and every failure is reported.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeFilesAtomically } from '../synth/atomic-files';
import { PlanError } from './errors';
import { planEnvironment, type EnvironmentPlan } from './plan-environment';
import { cliConfigText, providerSourceFromEnv, writeCliConfig } from './terraform-cli-config';
import { TerraformCommandError, type TerraformSettings } from './terraform-runner';

export interface PlanRequest {
  /** Environment names, each with `<stacksDir>/<name>/cdk.tf.json`. */
  readonly environments: readonly string[];
  readonly stacksDir: string;
  /** Where `.plan.json` / `.plan.txt` go. */
  readonly outputDir: string;
  /** Project cache: CLI config, plugin cache, one sandbox per environment (its `.terraform` is reused). */
  readonly cacheDir: string;
  readonly terraform: Omit<TerraformSettings, 'cliConfigFile'>;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly kind: 'started'; readonly environment: string }
  | { readonly kind: 'planned'; readonly plan: EnvironmentPlan }
  | { readonly kind: 'failed'; readonly error: PlanError };

export class PlanFailures extends Error {
  constructor(readonly failures: readonly PlanError[]) {
    super(
      `${failures.length} environment${failures.length === 1 ? '' : 's'} could not be planned; no plan file was written:\n` +
        failures.map((f) => `  ${f.message.split('\n').join('\n  ')}`).join('\n'),
    );
    this.name = 'PlanFailures';
  }
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<TerraformSettings, 'cliConfigFile'> {
  const timeout = Number(env.PLAN_TIMEOUT_SECONDS ?? '300');
  return {
    binary: env.TERRAFORM_BIN && env.TERRAFORM_BIN !== '' ? env.TERRAFORM_BIN : 'terraform',
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : 300,
  };
}

export async function planEnvironments(request: PlanRequest): Promise<EnvironmentPlan[]> {
  const source = providerSourceFromEnv();
  if (source.problem) throw new PlanFailures(request.environments.map((e) => new PlanError(e, source.problem ?? '')));
  const cacheDir = resolve(request.cacheDir);
  const cliConfigFile = writeCliConfig(source, cacheDir);
  const settings: TerraformSettings = { ...request.terraform, cliConfigFile };
  const configText = cliConfigText(source, join(cacheDir, 'plugin-cache'));

  const outcomes = await Promise.all(
    request.environments.map(async (environment) => {
      request.onProgress?.({ kind: 'started', environment });
      try {
        const plan = await planEnvironment(
          environment,
          join(request.stacksDir, environment, 'cdk.tf.json'),
          join(cacheDir, 'sandboxes', sandboxKey(request.stacksDir), environment),
          settings,
          configText,
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
  const plans = outcomes as EnvironmentPlan[];
  writePlanFiles(request.outputDir, plans);
  return plans;
}

/** Plans of different synth outputs (the example, test fixtures) get their own sandboxes. */
function sandboxKey(stacksDir: string): string {
  return createHash('sha256').update(resolve(stacksDir)).digest('hex').slice(0, 12);
}

export function planFileNames(environment: string): { json: string; text: string } {
  return { json: `${environment}.plan.json`, text: `${environment}.plan.txt` };
}

function writePlanFiles(outputDir: string, plans: readonly EnvironmentPlan[]): void {
  writeFilesAtomically(
    outputDir,
    plans.flatMap((plan) => {
      const names = planFileNames(plan.environment);
      return [
        [names.json, `${JSON.stringify(plan.json, null, 2)}\n`],
        [names.text, plan.text],
      ] as const;
    }),
  );
}
