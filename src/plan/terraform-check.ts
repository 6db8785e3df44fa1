/**
 * Is there a Terraform this project can use? Asked before a run writes anything, so a missing or wrong binary is one
 * clear error up front instead of a failure per environment after synth.
 */
import { devNull } from 'node:os';
import { runTerraform, TerraformCommandError, TerraformNotFoundError } from './terraform-runner';

/** The oldest Terraform the stacks and the plan harness are tested with. */
export const MINIMUM_TERRAFORM_VERSION = '1.10';

/** `version -json` needs no provider, no network, no config; a minute is plenty even on a loaded machine. */
const CHECK_TIMEOUT_SECONDS = 60;

/**
 * What is wrong with `binary` as the project's Terraform, or undefined when it runs and is recent enough.
 * `configured` says whether TERRAFORM_BIN named it (the message then says so).
 */
export async function terraformProblem(binary: string, configured: boolean): Promise<string | undefined> {
  const subject = configured ? `TERRAFORM_BIN: "${binary}"` : 'TERRAFORM_BIN: unset, and "terraform" on the PATH';
  let stdout: string;
  try {
    ({ stdout } = await runTerraform(
      { binary, cliConfigFile: devNull, timeoutSeconds: CHECK_TIMEOUT_SECONDS },
      ['version', '-json'],
      process.cwd(),
    ));
  } catch (error) {
    if (error instanceof TerraformNotFoundError)
      return configured
        ? `${subject} cannot be run (not found, or not executable); set it to the path of Terraform >= ${MINIMUM_TERRAFORM_VERSION}`
        : `${subject} was not found; install Terraform >= ${MINIMUM_TERRAFORM_VERSION} or set TERRAFORM_BIN to its path`;
    if (error instanceof TerraformCommandError)
      return `${subject} is not a working Terraform: ${error.message.split('\n').join(' ').replace(/\s+/g, ' ')}`;
    throw error;
  }
  const version = versionOf(stdout);
  if (version !== undefined) knownVersions.set(binary, version);
  if (version === undefined)
    return `${subject} is not Terraform: \`version -json\` printed no Terraform version; got ${JSON.stringify(stdout.trim().slice(0, 200))}`;
  if (compareVersions(version, MINIMUM_TERRAFORM_VERSION) < 0)
    return `${subject} is Terraform ${version}; must be >= ${MINIMUM_TERRAFORM_VERSION}`;
  return undefined;
}

/** Versions `terraformProblem` or `terraformVersion` learned, per binary: asked once per process. */
const knownVersions = new Map<string, string>();

/**
 * The version of the Terraform `binary` (e.g. "1.11.4"): what a stored plan must have been made with to stand for a
 * plan now (plan-store.ts). Asks the binary once per process, unless the variable check did already.
 */
export async function terraformVersion(binary: string): Promise<string> {
  const known = knownVersions.get(binary);
  if (known !== undefined) return known;
  const { stdout } = await runTerraform(
    { binary, cliConfigFile: devNull, timeoutSeconds: CHECK_TIMEOUT_SECONDS },
    ['version', '-json'],
    process.cwd(),
  );
  const version = versionOf(stdout) ?? `unknown: ${stdout.trim().slice(0, 100)}`;
  knownVersions.set(binary, version);
  return version;
}

function versionOf(stdout: string): string | undefined {
  try {
    const version = (JSON.parse(stdout) as { terraform_version?: unknown }).terraform_version;
    return typeof version === 'string' && /^\d+\.\d+/.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
