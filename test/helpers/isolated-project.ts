/**
 * Runs the real compiled CLIs (`node <repo>/dist/main.js`, `dist/src/cli/<plan|access|report|drift|adopt>.js`) the
 * way a user does, each case in its own throwaway project directory: config/access.yaml, and sentinel content in
 * every place the project writes or must never lose (cdktf.out/ with a stack and its .terraform, tfplans/, .cache/,
 * a state file). A snapshot (sorted relative path + sha256 of every file) taken before and after the run shows
 * whether the run changed anything. Everything lives under one directory in the system temp directory, removed by
 * `dispose()`; the CLIs get a temp directory of their own there, so what they leave behind can be checked too.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT, type CliResult } from './cli';
import { cliEnvironment } from './cli-env';
import { snapshotTree } from './tree';

export type CliCommand = 'synth' | 'plan' | 'access' | 'report' | 'drift' | 'adopt';

/** The compiled entry point of each CLI, in the repository under test. */
export const CLI_ENTRY: Readonly<Record<CliCommand, string>> = {
  synth: join(PROJECT_ROOT, 'dist', 'main.js'),
  plan: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'),
  access: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'access.js'),
  report: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'report.js'),
  drift: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'drift.js'),
  adopt: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'adopt.js'),
};

/** The config file every CLI reads by default, relative to the project directory. */
export const CONFIG_FILE = 'config/access.yaml';

/** Pre-populated content: a run that must write nothing leaves every byte of it as it was. */
export const SENTINELS: Readonly<Record<string, string>> = {
  'cdktf.out/stacks/dev/cdk.tf.json': '{"//": "sentinel: the synth output of an earlier run"}\n',
  'cdktf.out/stacks/dev/.terraform/x': 'sentinel: an initialised Terraform working directory\n',
  'tfplans/dev.access.json': '{"sentinel": "committed access file"}\n',
  'tfplans/dev.plan.json': '{"sentinel": "plan of an earlier run"}\n',
  '.cache/sentinel.txt': 'sentinel: cache content\n',
  'state/dev.tfstate': '{"version": 4, "serial": 7, "lineage": "sentinel-state"}\n',
};

export interface RunOptions {
  readonly command?: CliCommand;
  readonly args?: readonly string[];
  /** Added to the CLI's environment; `${PROJECT_ROOT}` and `${CASE_DIR}` in values are replaced (see `expand`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One throwaway project: `dir` is the CLI's working directory, the project root a user would be in. */
export class IsolatedProject {
  /** The CLI's TMPDIR, beside the project so that it does not show in the project's snapshot. */
  readonly tmp: string;

  constructor(
    readonly dir: string,
    config: string,
  ) {
    this.tmp = `${dir}.tmp`;
    mkdirSync(this.tmp, { recursive: true });
    this.write(CONFIG_FILE, config);
    this.write('cdktf.json', readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
    for (const [file, content] of Object.entries(SENTINELS)) this.write(file, content);
  }

  write(file: string, content: string): void {
    mkdirSync(dirname(join(this.dir, file)), { recursive: true });
    writeFileSync(join(this.dir, file), content);
  }

  /** `${PROJECT_ROOT}`: the repository under test (dist/, node_modules/); `${CASE_DIR}`: this project's directory. */
  expand(text: string): string {
    return text.replaceAll('${PROJECT_ROOT}', PROJECT_ROOT).replaceAll('${CASE_DIR}', this.dir);
  }

  /** Every file, directory and link under the project, sorted, as `path sha256` (or `path dir`, `path link -> x`). */
  snapshot(): string[] {
    return Object.entries(snapshotTree(this.dir)).map(([path, content]) => `${path} ${content}`);
  }

  /** Files the CLI left in its temp directory. */
  leftInTmp(): string[] {
    return listFiles(this.tmp).map((file) => relative(this.tmp, file));
  }

  run(options: RunOptions = {}): Promise<CliResult> {
    // The calling shell's choices (config, output directory, Terraform, time-outs) must not leak into the case.
    const env = cliEnvironment({ TMPDIR: this.tmp, TMP: this.tmp, TEMP: this.tmp });
    for (const [key, value] of Object.entries(options.env ?? {})) env[key] = this.expand(value);
    const args = (options.args ?? []).map((arg) => this.expand(arg));
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI_ENTRY[options.command ?? 'synth'], ...args],
        { cwd: this.dir, env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ exitCode, stdout, stderr });
        },
      );
    });
  }
}

/** The throwaway projects of one test file, under one temp directory that `dispose()` removes. */
export class IsolatedProjects {
  /** Short: Terraform's plugin sockets live in the projects' TMPDIR (see temp-dir-guard.ts). */
  readonly root = mkdtempSync(join(tmpdir(), 'iso-'));
  private readonly names = new Set<string>();

  create(name: string, config: string): IsolatedProject {
    const slug =
      name
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 80) || 'case';
    let unique = slug;
    for (let i = 2; this.names.has(unique); i++) unique = `${slug}-${i}`;
    this.names.add(unique);
    return new IsolatedProject(join(this.root, unique), config);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * One row of a CLI table (test/fixtures/invalid-configs.yaml, test/fixtures/cli-faults.yaml): a command run in
 * a fresh isolated project, and what it must print and leave.
 */
export interface CliCase {
  readonly name: string;
  /** @default synth */
  readonly command?: CliCommand;
  /** @default - none */
  readonly args?: readonly string[];
  /** @default - the environment of the test run, without ACCESS_CONFIG and CDKTF_OUTDIR */
  readonly env?: Readonly<Record<string, string>>;
  /** The text of config/access.yaml. @default - the text of test/fixtures/valid-minimal.yaml */
  readonly config?: string;
  /** More files of the project, by path relative to it (e.g. guardrail files beside the config). @default - none */
  readonly files?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly exit?: number;
  /** Fragments that stdout + stderr must contain. */
  readonly expect: readonly string[];
  /** When set: the config error's header names this many problems, and each is one located line. @default - not checked */
  readonly problems?: number;
  /** Every file of the project byte-identical after the run. @default true */
  readonly unchanged?: boolean;
}

export const FIXTURES_DIR = join(PROJECT_ROOT, 'test', 'fixtures');
export const VALID_MINIMAL_CONFIG = join(FIXTURES_DIR, 'valid-minimal.yaml');

export interface CliCaseRun {
  readonly result: CliResult;
  /** The project's snapshot before and after the run. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** What the CLI left in its temp directory. */
  readonly leftInTmp: readonly string[];
}

export async function runCliCase(projects: IsolatedProjects, c: CliCase): Promise<CliCaseRun> {
  const project = projects.create(c.name, c.config ?? readFileSync(VALID_MINIMAL_CONFIG, 'utf8'));
  for (const [file, text] of Object.entries(c.files ?? {})) project.write(file, text);
  const before = project.snapshot();
  const result = await project.run({ command: c.command, args: c.args, env: c.env });
  return { result, before, after: project.snapshot(), leftInTmp: project.leftInTmp() };
}
