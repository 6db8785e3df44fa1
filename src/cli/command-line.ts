/**
 * The command line of every CLI here, declared once per CLI: its flags and the environment variables it reads.
 * From the declaration come `--help`, the usage line, and the checks made before the CLI runs: unknown flags,
 * malformed values, unexpected arguments and invalid environment variables are refused, all at once.
 *
 * Exit status, the same for every CLI:
 *   0  done (or --help)
 *   1  the run failed (what that covers is in each CLI's `failure`); it wrote nothing
 *   2  usage: a bad flag, argument or environment variable, found before anything ran
 * A command may add statuses of its own (`exitStatuses`), e.g. plan's 3 for --fail-on-new-access, and one whose own
 * statuses give 2 another meaning reports usage errors as 1 (`usageExitStatus`: drift's 2 is "drift found").
 */
import { basename, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PlanFileError } from '../analysis/plan-files';
import { ConfigError } from '../config/problems';
import { DumpError } from '../live/dump-files';
import { PlanArtifactError } from '../plan/plan-store';
import { PlanFailures } from '../plan/planner';
import { LockTimeoutError } from '../synth/dir-lock';
import { environmentProblems, type EnvVariable } from './environment';
import { CommandFailure, UsageError } from './usage-error';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** May be given more than once; the values come as a list. @default false */
  readonly multiple?: boolean;
  /** The value's placeholder in usage and help, e.g. `<dir>` (string options). @default '<value>' */
  readonly value?: string;
  /** The value when the flag is not given (string options). @default - none: undefined */
  readonly default?: string;
  /** What the flag does, for --help. */
  readonly help: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The command's name in messages, e.g. `plan`. */
  readonly name: string;
  /** How a user runs it, before any flag, e.g. `npm run plan --`. */
  readonly command: string;
  /** What it does, for --help. */
  readonly description: string;
  /** Its flags (`--help` is added to every command). */
  readonly options: O;
  /** Required positional arguments, by placeholder, e.g. `<plans dir>`. @default - none are accepted */
  readonly positionals?: readonly string[];
  /** The environment variables it reads: checked before it runs, described by --help. */
  readonly environment: readonly EnvVariable<unknown>[];
  /** What exit status 1 means for it, for --help. */
  readonly failure: string;
  /** Exit statuses of its own beyond 0, 1 and 2, with what each means, for --help. @default - none */
  readonly exitStatuses?: Readonly<Record<number, string>>;
  /**
   * The exit status of a usage error: 1 for a command whose own statuses give 2 another meaning (drift: 2 is "drift
   * found", so a script reads 2 as that alone). @default 2
   */
  readonly usageExitStatus?: 1 | 2;
}

/** The parsed values, typed from the declaration. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  readonly [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean | undefined
    : O[K]['multiple'] extends true
      ? string[] | undefined
      : O[K]['default'] extends string
        ? string
        : string | undefined;
};

export interface CommandLine<O extends Record<string, OptionSpec>> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

/** Declares a command; `const` keeps the literal option types that OptionValues reads. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', help: 'print this help and exit' };

/** Parses `argv`; 'help' when --help was given; throws UsageError. */
export function parseCommandLine<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): CommandLine<O> | 'help' {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, multiple: o.multiple ?? false, ...(o.default !== undefined ? { default: o.default } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new UsageError([describeParseError(error as Error & { code: string }, Object.keys(options))]);
  }
  if (parsed.values.help) return 'help';
  const expected = spec.positionals ?? [];
  const extra = parsed.positionals.slice(expected.length);
  if (extra.length > 0)
    throw new UsageError([
      `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => JSON.stringify(a)).join(' ')}; ` +
        (expected.length === 0 ? 'this command takes flags only' : `it takes ${expected.join(' ')} and flags`),
    ]);
  if (parsed.positionals.length < expected.length)
    throw new UsageError([`missing ${expected.slice(parsed.positionals.length).join(' ')}`]);
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

function describeParseError(error: Error & { code?: string }, known: readonly string[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = option.replace(/^-+/, '').split('=')[0];
    const near = known.filter((k) => given.length > 1 && (k.startsWith(given) || given.startsWith(k)));
    return `unknown option ${option}${near.length > 0 ? ` (did you mean ${near.map((k) => `--${k}`).join(' or ')}?)` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /does not take an argument/.test(error.message) ? `${option} takes no value` : `${option} needs a value`;
  return error.message;
}

export function usageLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const flags = Object.entries(spec.options).map(
    ([name, o]) => `[--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}]${o.multiple ? '...' : ''}`,
  );
  return `usage: ${[spec.command, ...flags, ...(spec.positionals ?? [])].join(' ')}`;
}

export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const options = Object.entries<OptionSpec>({ ...spec.options, help: HELP_OPTION }).map(
    ([name, o]) =>
      [
        `--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`,
        `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`,
      ] as const,
  );
  const variables = spec.environment.map((v) => [v.name, `${v.help} (default: ${v.defaultText})`] as const);
  const width = Math.max(...[...options, ...variables].map(([key]) => key.length)) + 2;
  const rows = (list: readonly (readonly [string, string])[]) =>
    list.map(([k, v]) => `  ${k.padEnd(width)}${wrap(v, HELP_WIDTH - width - 2, width + 2)}`);
  return [
    usageLine(spec),
    '',
    spec.description,
    '',
    'options:',
    ...rows(options),
    ...(variables.length > 0
      ? ['', 'environment variables (an empty value counts as unset):', ...rows(variables)]
      : []),
    '',
    'exit status:',
    '  0  done',
    ...(spec.usageExitStatus === 1
      ? [`  1  ${wrap(`${spec.failure}; or ${USAGE_MEANING}`, HELP_WIDTH - 5, 5)}`]
      : [`  1  ${wrap(spec.failure, HELP_WIDTH - 5, 5)}`, `  2  ${wrap(USAGE_MEANING, HELP_WIDTH - 5, 5)}`]),
    ...Object.entries(spec.exitStatuses ?? {}).map(
      ([code, meaning]) => `  ${code}  ${wrap(meaning, HELP_WIDTH - 5, 5)}`,
    ),
    '',
  ].join('\n');
}

const HELP_WIDTH = 110;

const USAGE_MEANING =
  'usage: an unknown or malformed flag, an unexpected argument or an invalid environment variable, found before anything ran';

/** Words on lines of at most `width` characters; lines after the first are indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join(`\n${' '.repeat(indent)}`);
}

/**
 * Runs a CLI: parses and checks its command line and environment, answers --help, runs `main` and exits with its
 * status, reporting failures as the exit status convention above says.
 */
export function runCli<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  main: (commandLine: CommandLine<O>) => Promise<number>,
): void {
  // A signal ends the CLI through process.exit, so the exit hooks run: Terraform is stopped, the run's
  // transaction rolled back and its locks released. (SIGKILL runs nothing: see terraform-runner.ts and dir-lock.ts.)
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)
    process.once(signal, () => process.exit(code));
  void run(spec, main, process.argv.slice(2)).then(exitWhenFlushed);
}

async function run<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  main: (commandLine: CommandLine<O>) => Promise<number>,
  argv: readonly string[],
): Promise<number> {
  try {
    const commandLine = parseCommandLine(spec, argv);
    if (commandLine === 'help') {
      process.stdout.write(helpText(spec));
      return 0;
    }
    const problems = await environmentProblems(spec.environment);
    if (problems.length > 0) throw new UsageError(problems);
    return await main(commandLine);
  } catch (error) {
    return reportFailure(spec, error);
  }
}

function reportFailure<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, error: unknown): number {
  if (error instanceof UsageError) {
    const help = `${spec.command}${spec.command.endsWith('--') ? '' : ' --'} --help`;
    console.error([...error.problems, usageLine(spec), `(${help} describes every flag and variable)`].join('\n'));
    return spec.usageExitStatus ?? 2;
  }
  const expected = [
    ConfigError,
    PlanFailures,
    LockTimeoutError,
    CommandFailure,
    PlanFileError,
    PlanArtifactError,
    DumpError,
  ];
  if (expected.some((type) => error instanceof type)) console.error((error as Error).message);
  else console.error(`${spec.name} failed: ${(error as Error)?.stack ?? String(error)}`);
  return 1;
}

/** process.exit could cut output still queued for a pipe (asynchronous on macOS): exit once both are flushed. */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** This process as a person would recognise it in a lock message: `npm run plan`, else `node dist/...`. */
export function commandName(): string {
  const script = process.argv[1] ?? '';
  const event = process.env.npm_lifecycle_event;
  if (event && (process.env.npm_lifecycle_script ?? '').includes(basename(script))) return `npm run ${event}`;
  return ['node', relative(process.cwd(), script) || script, ...process.argv.slice(2)].join(' ');
}
