/**
 * The time limit of each terraform command of one environment: PLAN_TIMEOUT_SECONDS when set, else a limit that
 * grows with the environment's stack, so an account at IAM's user quota plans under the default as a small one does.
 *
 * Measured: `npm run plan` of one generated environment of 5,000 users, 20 teams and 20 pipelines
 * (BIG_ACCOUNT_CONFIG of src/fixtures/generate-config.ts: 15,065 resources; 2 cores shared with other work, load
 * average 0.7 rising to 5.9) ran init, plan and show in 213.8 s together, about 14 ms per resource, against the
 * former fixed 300 s per command. The limit adds 50 ms per resource to the 300 s, per command (1,054 s at that
 * size): over three times what the three commands took together, for a slower or busier machine. The example's
 * stacks (under 100 resources) keep about 300 s.
 */
import { readFileSync } from 'node:fs';
import type { TerraformSettings } from './terraform-runner';

/** The limit of every command, whatever the stack's size: what small stacks get. */
export const BASE_TIMEOUT_SECONDS = 300;
/** Added per resource (and data source) of the stack. */
export const TIMEOUT_SECONDS_PER_RESOURCE = 0.05;

/** How the default reads in --help and in messages. */
export const SCALED_TIMEOUT_TEXT = `${BASE_TIMEOUT_SECONDS} s + ${TIMEOUT_SECONDS_PER_RESOURCE} s per resource of the environment's stack`;

/** What the planner is given: the runner's settings, with the time limit left out when it scales with the stack. */
export type PlanTerraformSettings = Omit<TerraformSettings, 'timeoutSeconds'> & {
  /** PLAN_TIMEOUT_SECONDS: every command's limit. @default - stackTimeoutSeconds of each environment's stack */
  readonly timeoutSeconds?: number;
};

/** The default limit for a stack of `resources` resources and data sources, in whole seconds. */
export function stackTimeoutSeconds(resources: number): number {
  return Math.ceil(BASE_TIMEOUT_SECONDS + TIMEOUT_SECONDS_PER_RESOURCE * resources);
}

/** Resources and data sources of a synthesized stack (cdk.tf.json): `{ resource: { type: { name: {...} } } }`. */
export function countStackResources(stack: unknown): number {
  const blocks = stack as { resource?: Record<string, object>; data?: Record<string, object> };
  return [blocks.resource, blocks.data]
    .flatMap((byType) => Object.values(byType ?? {}))
    .reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** The settings for the environment whose stack is `stackFile`: its own limit unless PLAN_TIMEOUT_SECONDS was set. */
export function settingsForStack(settings: PlanTerraformSettings, stackFile: string): TerraformSettings {
  const timeoutSeconds =
    settings.timeoutSeconds ?? stackTimeoutSeconds(countStackResources(JSON.parse(readFileSync(stackFile, 'utf8'))));
  return { ...settings, timeoutSeconds };
}
