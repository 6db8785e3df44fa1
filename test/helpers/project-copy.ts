/**
 * A copy of the project as a user's checkout holds it, to run commands and the suite in: the files git tracks and
 * the untracked ones it does not ignore (never dist/, .cache/, cdktf.out/, nor the user's config, cases and access
 * files: each caller puts the config it is about in the copy), node_modules as a symlink to this checkout's, and a
 * git repository of its own with those files as its one commit (the plan CLI's `--base` and the README test need git).
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from './cli';
import { cliEnvironment } from './cli-env';
import { isUserFile } from './user-file-guard';

const NEVER_COPIED = ['node_modules', 'dist/', '.cache/', 'cdktf.out/'];

/** Besides the CLIs' own variables (cli-env.ts): those of this jest run and of this checkout's git. */
const NOT_INHERITED = /^(JEST_|GIT_)/;

/** The CLIs' environment (cliEnvironment) without what belongs to this jest run or this checkout, plus `extra`. */
export function copyEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(cliEnvironment()).filter(([name]) => !NOT_INHERITED.test(name))),
    ...extra,
  };
}

/** Copies the project into the empty directory `dest`; the copy's git repository has the files as its commit. */
export function copyProject(dest: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: copyEnvironment(),
  });
  for (const file of new Set(listed.split('\0'))) {
    // A tracked file deleted in the working tree is listed too; the copy holds what the checkout holds.
    if (file === '' || NEVER_COPIED.some((p) => file === p || file.startsWith(p))) continue;
    if (isUserFile(join(PROJECT_ROOT, file))) continue;
    if (!existsSync(join(PROJECT_ROOT, file))) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(PROJECT_ROOT, file), join(dest, file));
  }
  symlinkSync(realpathSync(join(PROJECT_ROOT, 'node_modules')), join(dest, 'node_modules'));
  git(dest, 'init', '-q');
  // .gitignore's `node_modules/` matches a directory, not the symlink.
  writeFileSync(join(dest, '.git', 'info', 'exclude'), 'node_modules\n');
}

/** Commits every file of the copy (the state a user's clone starts from). */
export function commitCopy(dest: string, message: string): void {
  git(dest, 'add', '-A');
  git(
    dest,
    '-c',
    'user.name=codepipeline-access tests',
    '-c',
    'user.email=tests@example.invalid',
    'commit',
    '-q',
    '-m',
    message,
  );
}

/** `git status --porcelain` of paths in the copy: what differs from its commit. */
export function changedInCopy(dest: string, ...paths: string[]): string[] {
  return git(dest, 'status', '--porcelain', '--untracked-files=all', '--', ...paths)
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

function git(dest: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dest,
    encoding: 'utf8',
    env: copyEnvironment(),
  });
}

export interface CommandResult {
  readonly exitCode: number;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  readonly seconds: number;
}

/** Runs a command in the copy with copyEnvironment(extra), within `timeoutSeconds`. */
export function runInCopy(
  dest: string,
  command: string,
  args: readonly string[],
  timeoutSeconds: number,
  extra: Record<string, string> = {},
): Promise<CommandResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    let output = '';
    const child = execFile(
      command,
      args,
      { cwd: dest, env: copyEnvironment(extra), timeout: timeoutSeconds * 1000, maxBuffer: 256 * 1024 * 1024 },
      (error) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, output, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}
