/** One environment: sandbox, `terraform init` (only when needed), `plan`, `show -json`. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteTransaction } from '../synth/write-transaction';
import { countChanges, type ChangeCounts, type PlanJson } from './plan-json';
import { configurationDigest, type PlanSource } from './plan-source';
import { prepareSandbox } from './sandbox';
import { runTerraform, type TerraformSettings } from './terraform-runner';

export interface EnvironmentPlan {
  readonly environment: string;
  /** Plan JSON with Terraform's timestamp removed, so an unchanged config gives an unchanged file. */
  readonly json: PlanJson;
  /** The human plan, as `terraform plan` prints it. */
  readonly text: string;
  readonly counts: ChangeCounts;
  /** What was planned: written beside the plan, so later runs can tell a stale plan file. */
  readonly source: PlanSource;
  readonly seconds: number;
  readonly initialised: boolean;
  /** True when the plan came from the plan store (plan-store.ts): made earlier from exactly this configuration. */
  readonly reused: boolean;
}

/** The human plan without the sandbox-specific "Saved the plan to ..." footer. */
export function humanPlanText(stdout: string): string {
  const footer = stdout.search(/\n─+\n\nSaved the plan to/);
  return `${(footer >= 0 ? stdout.slice(0, footer) : stdout).trim()}\n`;
}

interface RelevantAttribute {
  readonly resource: string;
  readonly attribute: readonly (string | number)[];
}

/**
 * Makes an unchanged config give a byte-identical plan file: drops Terraform's timestamp, and sorts
 * `relevant_attributes`, a set that Terraform emits in a different order from run to run.
 */
export function normalizePlanJson(raw: string): PlanJson {
  const plan = JSON.parse(raw) as PlanJson & { timestamp?: string; relevant_attributes?: RelevantAttribute[] };
  delete plan.timestamp;
  if (plan.relevant_attributes) {
    const key = (a: RelevantAttribute) => `${a.resource}\u0000${JSON.stringify(a.attribute)}`;
    plan.relevant_attributes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return plan;
}

/** Plans in a staged copy of `sandboxDir` (see prepareSandbox), which `tx` puts in place when the run commits. */
export async function planEnvironment(
  environment: string,
  stackFile: string,
  sandboxDir: string,
  settings: TerraformSettings,
  cliConfigText: string,
  tx: WriteTransaction,
): Promise<EnvironmentPlan> {
  const started = process.hrtime.bigint();
  const sandbox = prepareSandbox(stackFile, sandboxDir, cliConfigText, tx);
  if (!sandbox.initialised) {
    await runTerraform(settings, ['init', '-input=false', '-no-color', '-backend=true'], sandbox.dir);
    sandbox.markInitialised();
  }
  const plan = await runTerraform(
    settings,
    ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan'],
    sandbox.dir,
  );
  let show;
  try {
    show = await runTerraform(settings, ['show', '-json', join('.', 'tfplan')], sandbox.dir);
  } finally {
    // The binary plan holds the whole configuration; the plan files keep what is needed.
    rmSync(join(sandbox.dir, 'tfplan'), { force: true });
  }
  const json = normalizePlanJson(show.stdout);
  return {
    environment,
    json,
    text: humanPlanText(plan.stdout),
    counts: countChanges(json),
    source: { configuration: configurationDigest(sandbox.configText), terraformVersion: json.terraform_version },
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    initialised: !sandbox.initialised,
    reused: false,
  };
}
