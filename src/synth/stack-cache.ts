/**
 * Synthesized stacks kept by what they are made from, so an environment whose model did not change is not
 * synthesized again: a pull request that changes one environment of fifty synthesizes one stack per side, not a
 * hundred (measured at 50 environments x 100 people: synth was half of such a run).
 *
 * A stack is a function of the environment's resolved model, where the stack's directory sits relative to the
 * project root (the local backend's state path is relative to it), and the code that synthesizes: this project's
 * stack, constructs and the modules they use, cdktf and the AWS provider bindings. The key digests exactly those,
 * so an entry only ever stands for the bytes a synth would write. Entries live in `.cache/synth/` (regenerable,
 * never user data), one file each, written whole; one that cannot be read is ignored.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { EnvironmentModel } from '../model/types';
import { writeFileWhole } from './whole-file';
import type { WriteTransaction } from './write-transaction';

export const STACK_CACHE_DIR = join('.cache', 'synth');

/** Bump when the meaning of an entry changes in a way the code digest would not show. */
const FORMAT = 1;

/** One synthesized stack: its Terraform JSON as synth wrote it, and the digest of the configuration a plan of it runs on. */
export interface CachedStack {
  readonly stack: string;
  /** configurationDigest(sandboxConfigText(...)) of the stack (plan-source.ts): what the plan store is keyed by. */
  readonly configuration: string;
}

export class StackCache {
  private readonly memory = new Map<string, CachedStack>();

  /** `dir`: where entries are read and written; undefined: this process only. */
  constructor(private readonly dir?: string) {}

  /**
   * The key of one environment's stack deployed from `<outdir>/stacks/<env>/` in a project at `projectRoot`: a local
   * backend's state path is relative to that directory; other backends do not depend on where the stack is.
   */
  static key(environment: EnvironmentModel, outdir: string, projectRoot: string): string {
    const where =
      environment.backend.type === 'local' ? relative(join(outdir, 'stacks', environment.name), projectRoot) : null;
    return createHash('sha256')
      .update(JSON.stringify([FORMAT, synthCodeKey(), where, environment]))
      .digest('hex');
  }

  get(key: string): CachedStack | undefined {
    const known = this.memory.get(key);
    if (known !== undefined || !this.dir) return known;
    const file = join(this.dir, `${key}.json`);
    if (!existsSync(file)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as CachedStack & { format?: number };
      if (entry.format !== FORMAT || typeof entry.configuration !== 'string' || typeof entry.stack !== 'string')
        return undefined;
      const found = { stack: entry.stack, configuration: entry.configuration };
      this.memory.set(key, found);
      return found;
    } catch {
      return undefined; // a torn or foreign file is no entry
    }
  }

  /**
   * Keeps a stack: with a transaction, written when it commits (a run that fails leaves .cache/ as it was); a cache
   * that cannot be written costs only time, so this warns instead of failing.
   */
  put(key: string, entry: CachedStack, tx?: WriteTransaction): void {
    this.memory.set(key, entry);
    if (!this.dir) return;
    const text = JSON.stringify({ format: FORMAT, ...entry });
    if (tx) return tx.writeFiles(this.dir, [[`${key}.json`, text]]);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileWhole(join(this.dir, `${key}.json`), text);
    } catch (error) {
      console.warn(`warning: could not keep a synthesized stack in ${this.dir}: ${(error as Error).message}`);
    }
  }
}

let codeKey: string | undefined;

/** A digest of everything that synthesizes: the compiled stack, constructs, model types' helpers, cdktf, the provider. */
function synthCodeKey(): string {
  if (codeKey) return codeKey;
  const hash = createHash('sha256');
  const root = join(__dirname, '..', '..');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  for (const dir of ['stacks', join('src', 'constructs'), join('src', 'iam'), join('src', 'synth')])
    walk(join(root, dir));
  for (const pkg of ['cdktf', '@cdktf/provider-aws', 'constructs'])
    hash.update(pkg).update(readFileSync(join(packageDir(pkg), 'package.json')));
  codeKey = hash.digest('hex');
  return codeKey;
}

/** A package's directory, found from its entry point (some packages export no package.json). */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(pkg.split('/').pop() ?? pkg)) dir = dirname(dir);
  return dir;
}
