/** The environment a CLI under test gets: the test's own, without the variables the CLIs read, plus `extra`. */

/** Variables the CLIs (and git, for --base) read: a test sees only those it sets. */
export const CLI_VARIABLES = [
  'ACCESS_CONFIG',
  'CDKTF_OUTDIR',
  'PLAN_TIMEOUT_SECONDS',
  'TERRAFORM_BIN',
  'TF_PROVIDER_MIRROR',
  'LOCK_WAIT_SECONDS',
  'SYNTH_HCL_OUTPUT',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_CEILING_DIRECTORIES',
];

export function cliEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !CLI_VARIABLES.includes(name))),
    ...extra,
  };
}
