/**
 * Which configuration a plan file was made from. `npm run plan` writes `<env>.plan.source.json` beside each plan:
 * the sha256 of the exact Terraform configuration it planned (the sandbox copy of the synthesized stack, so the
 * config, this code and the provider version all count) and the Terraform version. A plan whose source differs from
 * what the current config synthesizes to is stale: `npm run access` refuses it, and `npm run plan --env x` plans
 * those environments again instead of analysing them from old files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxConfigText } from './sandbox';

export interface PlanSource {
  /** sha256 of the configuration Terraform planned (sandbox.ts sandboxConfigText). */
  readonly configuration: string;
  readonly terraformVersion: string;
}

/** The files `npm run plan` writes per environment: Terraform's plan as JSON and as text, and what was planned. */
export function planFileNames(environment: string): { json: string; text: string; source: string } {
  return {
    json: `${environment}.plan.json`,
    text: `${environment}.plan.txt`,
    source: `${environment}.plan.source.json`,
  };
}

export function configurationDigest(configText: string): string {
  return createHash('sha256').update(configText).digest('hex');
}

export function renderPlanSource(source: PlanSource): string {
  return `${JSON.stringify(source, null, 2)}\n`;
}

export function readPlanSource(dir: string, environment: string): PlanSource | undefined {
  const file = join(dir, planFileNames(environment).source);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PlanSource>;
    return typeof parsed.configuration === 'string' && typeof parsed.terraformVersion === 'string'
      ? { configuration: parsed.configuration, terraformVersion: parsed.terraformVersion }
      : undefined;
  } catch {
    return undefined; // unreadable: treated as unknown, so the plan counts as stale
  }
}

/** The reason of a StalePlan whose environment has no plan file at all. */
export const NOT_PLANNED = 'it has not been planned yet';

export interface StalePlan {
  readonly environment: string;
  /** Why its plan file cannot be used, for a message: "not planned yet", "planned from another configuration". */
  readonly reason: string;
}

/**
 * The environments whose plan files in `planDir` are missing or were not made from the stacks in `stacksDir`
 * (`<stacksDir>/<env>/cdk.tf.json`), in the order given.
 */
export function stalePlans(planDir: string, stacksDir: string, environments: readonly string[]): StalePlan[] {
  return environments.flatMap((environment): StalePlan[] => {
    if (!existsSync(join(planDir, planFileNames(environment).json))) return [{ environment, reason: NOT_PLANNED }];
    const source = readPlanSource(planDir, environment);
    if (!source) return [{ environment, reason: 'its plan does not say what it was made from (an older version)' }];
    const current = configurationDigest(sandboxConfigText(join(stacksDir, environment, 'cdk.tf.json')));
    return source.configuration === current
      ? []
      : [{ environment, reason: 'its plan was made from another config or code than the current one gives' }];
  });
}
