/**
 * The offline copy of a synthesized stack that `terraform plan` runs on. The real stack keeps its
 * `allowed_account_ids`, `assume_role`, backend and `import` blocks; the copy gets dummy credentials and a fresh
 * local state, and no import blocks (Terraform reads the live resource of each, which needs AWS), so a plan shows
 * what a first deploy would create and never reaches AWS or a remote state. The planner says when it left imports
 * out (importBlockCount).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteTransaction } from '../synth/write-transaction';

type Json = Record<string, unknown>;

const OFFLINE_PROVIDER_SETTINGS = {
  access_key: 'offline-plan',
  secret_key: 'offline-plan',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/** A transformed deep copy; the input is left as it was. */
export function offlineStack(stack: Json): Json {
  const copy = structuredClone(stack);
  const providers = (copy.provider ?? {}) as Record<string, Json[]>;
  for (const config of providers.aws ?? []) {
    // Both need STS, which an offline plan cannot reach.
    delete config.allowed_account_ids;
    delete config.assume_role;
    Object.assign(config, OFFLINE_PROVIDER_SETTINGS);
  }
  // An import block makes `terraform plan` read the live resource: offline, each resource is planned as created.
  delete copy.import;
  const terraform = (copy.terraform ?? {}) as Json;
  delete terraform.cloud;
  terraform.backend = { local: { path: 'terraform.tfstate' } };
  copy.terraform = terraform;
  return copy;
}

/** The configuration Terraform plans for a synthesized stack file: its offline copy, as the sandbox holds it. */
export function sandboxConfigText(stackFile: string): string {
  return offlineStackText(JSON.parse(readFileSync(stackFile, 'utf8')) as Json);
}

/** sandboxConfigText of a stack already read. */
export function offlineStackText(stack: Json): string {
  return JSON.stringify(offlineStack(stack), null, 2);
}

/** How many `import` blocks a synthesized stack file has: the offline plan leaves them out. */
export function importBlockCount(stackFile: string): number {
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as Json;
  return Array.isArray(stack.import) ? stack.import.length : 0;
}

export interface Sandbox {
  /** Where Terraform runs: the run's staged copy of the sandbox, which replaces it when the run commits. */
  readonly dir: string;
  /** True when `.terraform` was initialised for exactly these providers and this CLI config. */
  readonly initialised: boolean;
  /** The configuration planned there (`main.tf.json`), see sandboxConfigText. */
  readonly configText: string;
  /** Call after a successful `terraform init`. */
  markInitialised(): void;
}

const INIT_MARKER = join('.terraform', 'codepipeline-access-init');

/**
 * Written anew for every plan (the binary `tfplan` is also deleted right after `terraform show`). Everything else
 * in a sandbox (Terraform's `.terraform` and `.terraform.lock.hcl`, anything unknown) is carried into the copy.
 */
const WRITTEN_PER_PLAN = ['main.tf.json', 'tfplan', 'terraform.tfstate', 'terraform.tfstate.backup'];

/**
 * Prepares a plan of `stackFile` in a staged copy of the sandbox `dir`: fresh configuration and empty state,
 * `.terraform` reused. The copy replaces `dir` when `tx` commits; a failed run leaves `dir` as it was.
 */
export function prepareSandbox(stackFile: string, dir: string, cliConfigText: string, tx: WriteTransaction): Sandbox {
  const configText = sandboxConfigText(stackFile);
  const offline = JSON.parse(configText) as Json;
  const staged = tx.stageDirectory(dir);
  mkdirSync(staged);
  // With a mirror or a plugin cache, `.terraform` holds symbolic links to the providers: a copy costs a few files.
  if (existsSync(dir))
    for (const entry of readdirSync(dir))
      if (!WRITTEN_PER_PLAN.includes(entry))
        cpSync(join(dir, entry), join(staged, entry), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(staged, 'main.tf.json'), configText);

  const initKey = createHash('sha256')
    .update(JSON.stringify((offline.terraform as Json).required_providers ?? {}))
    .update(cliConfigText)
    .digest('hex');
  const marker = join(staged, INIT_MARKER);
  const initialised =
    existsSync(join(staged, '.terraform.lock.hcl')) && existsSync(marker) && readFileSync(marker, 'utf8') === initKey;
  return { dir: staged, initialised, configText, markInitialised: () => writeFileSync(marker, initKey) };
}
