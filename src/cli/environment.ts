/**
 * The environment variables the CLIs read, each with its default, what it does and what it allows. A CLI lists
 * those it reads in its CommandSpec: they are all checked before it runs (an invalid one is a usage error, exit
 * status 2, naming the variable, the value and what is allowed) and --help describes them. An empty value counts
 * as unset.
 */
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { BASE_TIMEOUT_SECONDS, SCALED_TIMEOUT_TEXT, stackTimeoutSeconds } from '../plan/plan-timeout';
import { IMAGE_PROVIDER_MIRROR, providerSourceFromEnv, type ProviderSource } from '../plan/terraform-cli-config';
import { terraformProblem } from '../plan/terraform-check';
import { UsageError } from './usage-error';
import { directoryProblem, parseSeconds, type SecondsRange } from './values';

export interface EnvVariable<T> {
  readonly name: string;
  /** What it does, for --help. */
  readonly help: string;
  /** Its default, as --help shows it. */
  readonly defaultText: string;
  /** The value, or a problem `NAME: what is allowed; got "value"`; `raw` is undefined when unset or empty. */
  parse(raw: string | undefined): { readonly value: T } | { readonly problem: string };
  /** A check that needs more than the text (it runs a program), made when parsing succeeded. */
  verify?(value: T, raw: string | undefined): Promise<string | undefined>;
}

function rawValue(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The variable's value; a UsageError when it is invalid (runCli checks every listed variable first). */
export function envValue<T>(variable: EnvVariable<T>, env: NodeJS.ProcessEnv = process.env): T {
  const result = variable.parse(rawValue(variable.name, env));
  if ('problem' in result) throw new UsageError([result.problem]);
  return result.value;
}

/** Every problem of the variables, all at once. */
export async function environmentProblems(
  variables: readonly EnvVariable<unknown>[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const results = await Promise.all(
    variables.map(async (variable) => {
      const raw = rawValue(variable.name, env);
      const result = variable.parse(raw);
      if ('problem' in result) return result.problem;
      return variable.verify?.(result.value, raw);
    }),
  );
  return results.filter((problem): problem is string => problem !== undefined);
}

function secondsVariable(name: string, help: string, range: SecondsRange): EnvVariable<number> {
  return {
    name,
    help,
    defaultText: `${range.defaultValue}`,
    parse: (raw) => {
      if (raw === undefined) return { value: range.defaultValue };
      const seconds = parseSeconds(name, raw, range);
      return typeof seconds === 'number' ? { value: seconds } : seconds;
    },
  };
}

export const ACCESS_CONFIG: EnvVariable<string> = {
  name: 'ACCESS_CONFIG',
  help: 'the access config file',
  defaultText: DEFAULT_CONFIG_FILE,
  parse: (raw) => ({ value: raw ?? DEFAULT_CONFIG_FILE }),
};

export const CDKTF_OUTDIR: EnvVariable<string> = {
  name: 'CDKTF_OUTDIR',
  help: 'where the stacks are synthesized, replaced whole by each run (cdktf sets it for its app)',
  defaultText: 'cdktf.out',
  parse: (raw) => {
    const value = raw ?? 'cdktf.out';
    const problem = directoryProblem('CDKTF_OUTDIR', value, 'the synth output, replaced whole');
    return problem ? { problem } : { value };
  },
};

/**
 * cdktf's switch to HCL output (`cdktf synth --hcl` sets it). HCL output goes through cdktf's own renderer, not the
 * stack's literal-string rendering (src/constructs/terraform-literals.ts), so config text could be evaluated.
 */
export const SYNTH_HCL_OUTPUT: EnvVariable<false> = {
  name: 'SYNTH_HCL_OUTPUT',
  help: 'set by `cdktf synth --hcl`; not supported: the stacks are JSON, where every config string stays literal',
  defaultText: 'unset',
  parse: (raw) =>
    raw === undefined || raw === 'false'
      ? { value: false }
      : {
          problem: `SYNTH_HCL_OUTPUT: must be unset or "false" (HCL output, cdktf synth --hcl, is not supported: only the JSON stacks keep every config string literal); got "${raw}"`,
        },
};

/** Unset: each environment's commands get a limit scaled to its stack (src/plan/plan-timeout.ts). */
export const PLAN_TIMEOUT_SECONDS: EnvVariable<number | undefined> = {
  name: 'PLAN_TIMEOUT_SECONDS',
  help: 'time limit of each terraform command; past it the command is stopped and the run fails',
  defaultText: `${SCALED_TIMEOUT_TEXT}: ${stackTimeoutSeconds(15_000).toLocaleString('en-US')} s at 15,000 resources, an account of 5,000 users`,
  parse: (raw) => {
    if (raw === undefined) return { value: undefined };
    const range = { max: 86_400, defaultValue: BASE_TIMEOUT_SECONDS, defaultText: SCALED_TIMEOUT_TEXT };
    const seconds = parseSeconds('PLAN_TIMEOUT_SECONDS', raw, range);
    return typeof seconds === 'number' ? { value: seconds } : seconds;
  },
};

export const LOCK_WAIT_SECONDS = secondsVariable(
  'LOCK_WAIT_SECONDS',
  'how long to wait while another run holds a directory this run writes, before refusing',
  { zero: 'refuse at once', max: 86_400, defaultValue: 600 },
);

export const TERRAFORM_BIN: EnvVariable<string> = {
  name: 'TERRAFORM_BIN',
  help: 'the Terraform binary (checked first with `terraform version`)',
  defaultText: 'terraform on the PATH',
  parse: (raw) => ({ value: raw ?? 'terraform' }),
  verify: (binary, raw) => terraformProblem(binary, raw !== undefined),
};

export const TF_PROVIDER_MIRROR: EnvVariable<ProviderSource> = {
  name: 'TF_PROVIDER_MIRROR',
  help: 'filesystem mirror the AWS provider is installed from; without one, the public registry',
  defaultText: `${IMAGE_PROVIDER_MIRROR} if it exists`,
  parse: (raw) => {
    const result = providerSourceFromEnv({ TF_PROVIDER_MIRROR: raw });
    return 'problem' in result ? result : { value: result.source };
  },
};
