/**
 * The user's files are test/user-config's alone: config/access.yaml, config/access-cases.json, the committed
 * tfplans/<env>.access.json and the plans the global setup makes of that config. Every other test file runs with
 * those files out of reach: reading, stat-ing or copying one throws, and so does starting a project CLI in the
 * project's root without a config of its own (it would read config/access.yaml) or without an output directory of
 * its own (it would write tfplans/). So no product test can depend on what a user edits, which is what lets
 * test/user-config/team-edit.test.ts prove a user's edit keeps the whole suite green by running only the user's
 * part of it in the edited copy. Installed for each test file (jest setupFilesAfterEnv), removed after it.
 */
// The modules themselves (default imports), not copies: every caller's fs.readFileSync is what is wrapped.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './cli';

const CONFIG = join(PROJECT_ROOT, 'config', 'access.yaml');
const CASES = join(PROJECT_ROOT, 'config', 'access-cases.json');
const COMMITTED = join(PROJECT_ROOT, 'tfplans');
const USER_PLANS = join(PROJECT_ROOT, '.cache', 'test-plans', 'user');

/** Whether a path is one of the user's files. */
export function isUserFile(path: unknown): boolean {
  if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) return false;
  const absolute = resolve(path instanceof URL ? path.pathname : String(path));
  return (
    absolute === CONFIG ||
    absolute === CASES ||
    (dirname(absolute) === COMMITTED && absolute.endsWith('.access.json')) ||
    absolute === USER_PLANS ||
    absolute.startsWith(`${USER_PLANS}/`)
  );
}

export class UserFileError extends Error {
  constructor(what: string) {
    super(
      `${what}: the user's files (config/access.yaml, config/access-cases.json, tfplans/*.access.json) belong to test/user-config; a product test uses its own fixtures under test/ (test/helpers/user-file-guard.ts)`,
    );
    this.name = 'UserFileError';
  }
}

/** The fs functions whose first argument is a path that is read (or looked at). */
const FS_READS = [
  'readFileSync',
  'readFile',
  'existsSync',
  'statSync',
  'lstatSync',
  'openSync',
  'open',
  'createReadStream',
  'copyFileSync',
  'cpSync',
  'readdirSync',
] as const;
const PROMISE_READS = ['readFile', 'stat', 'open', 'copyFile', 'cp', 'readdir'] as const;

/** The project's CLIs that read the config (compiled), and the npm scripts and cdktf commands that run them. */
const CLI = /(^|\/)dist\/(main\.js|src\/cli\/(plan|report|access|drift|adopt)\.js)$/;
/** The CLIs that write their plan files to --out, tfplans/ by default. */
const WRITES_OUT = /(^|\/)dist\/src\/cli\/(plan|report|drift|adopt)\.js$/;
const NPM_SCRIPTS = new Set(['synth', 'plan', 'report', 'access', 'drift', 'adopt']);

function launched(command: string, args: readonly string[]): { runsCli: boolean; writesOut: boolean } {
  const words = [command, ...args];
  const script = words.find((w) => CLI.test(w));
  const npm = /(^|\/)npm$/.test(command) && args[0] === 'run' && NPM_SCRIPTS.has(args[1] ?? '');
  const cdktf = words.some((w) => /(^|\/)cdktf$/.test(w));
  return {
    runsCli: script !== undefined || npm || cdktf,
    writesOut:
      (script !== undefined && WRITES_OUT.test(script)) ||
      (npm && ['plan', 'report', 'drift', 'adopt'].includes(args[1] ?? '')),
  };
}

/** Refuses a CLI started where it would read the user's config or write the user's plan files. */
function checkLaunch(command: string, args: readonly string[], options: { cwd?: unknown; env?: NodeJS.ProcessEnv }) {
  const { runsCli, writesOut } = launched(command, args);
  // --help reads nothing: it prints the command's usage.
  if (!runsCli || args.includes('--help')) return;
  const cwd = resolve(typeof options.cwd === 'string' ? options.cwd : process.cwd());
  if (cwd !== PROJECT_ROOT) return; // an isolated project or a copy: its config/ and tfplans/ are its own
  const env = options.env ?? process.env;
  const config = env.ACCESS_CONFIG;
  if (config === undefined || config === '' || isUserFile(isAbsolute(config) ? config : join(cwd, config)))
    throw new UserFileError(`${[command, ...args].join(' ')} started in the project root without ACCESS_CONFIG`);
  const out = args.indexOf('--out');
  if (writesOut && (out < 0 || resolve(cwd, args[out + 1] ?? '') === COMMITTED))
    throw new UserFileError(`${[command, ...args].join(' ')} started in the project root without --out`);
}

type Patched = { target: Record<string, unknown>; name: string; original: unknown };

export function installUserFileGuard(): () => void {
  const patched: Patched[] = [];
  /** `rejects`: the function returns a promise, which carries the refusal as callers expect. */
  const wrap = (target: Record<string, unknown>, name: string, check: (args: unknown[]) => void, rejects = false) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    patched.push({ target, name, original });
    const guard = (call: (...a: unknown[]) => unknown, returnsPromise: boolean) =>
      function guarded(this: unknown, ...args: unknown[]) {
        try {
          check(args);
        } catch (error) {
          if (returnsPromise) return Promise.reject(error);
          throw error;
        }
        return call.apply(this, args);
      };
    const guarded = guard(original as (...a: unknown[]) => unknown, rejects);
    // execFile and exec carry their own promisified form ({ stdout, stderr }), which util.promisify returns:
    // the guarded function carries it too, guarded, or promisify(execFile) would resolve to stdout alone.
    const custom = (original as { [promisify.custom]?: (...a: unknown[]) => unknown })[promisify.custom];
    if (custom) Object.defineProperty(guarded, promisify.custom, { value: guard(custom, true) });
    target[name] = guarded;
  };
  const fsModule = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  const readsUser = (what: string) => (args: unknown[]) => {
    if (isUserFile(args[0])) throw new UserFileError(`${what}(${String(args[0])})`);
  };
  for (const name of FS_READS) wrap(fsModule, name, readsUser(`fs.${name}`));
  for (const name of PROMISE_READS) wrap(promises, name, readsUser(`fs.promises.${name}`), true);
  const cp = childProcess as unknown as Record<string, unknown>;
  // spawn/spawnSync/execFile/execFileSync/fork(command, args?, options?)
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'])
    wrap(cp, name, (args) => {
      const [command, second, third] = args;
      const list = Array.isArray(second) ? (second as string[]) : [];
      const options = (Array.isArray(second) ? third : second) as
        { cwd?: unknown; env?: NodeJS.ProcessEnv } | undefined;
      const file = name === 'fork' ? process.execPath : String(command);
      checkLaunch(file, name === 'fork' ? [String(command), ...list] : list, options ?? {});
    });
  // exec/execSync(command line, options?)
  for (const name of ['exec', 'execSync'])
    wrap(cp, name, (args) => {
      const [line, options] = args as [string, { cwd?: unknown; env?: NodeJS.ProcessEnv } | undefined];
      const [command, ...rest] = String(line).split(/\s+/);
      checkLaunch(command, rest, options ?? {});
    });
  return () => {
    for (const { target, name, original } of patched.reverse()) target[name] = original;
  };
}
