/**
 * Everything one run writes into the project (cdktf.out/, tfplans/, .cache/, state/), applied together at the end
 * or not at all. While the run works it builds staged copies beside their targets (`<target>.staging-<pid>`) and
 * nothing else; `commit` renames them into place, `rollback` removes them and the directories the run created.
 * A run that fails, times out or is interrupted therefore leaves every tree byte-identical. A run killed with
 * SIGKILL leaves only its staged copies behind; the next run that commits the same target removes them.
 *
 * What may be deleted (the rule for every place this project deletes or replaces: cdktf.out/, tfplans/, .cache/):
 * only files the project wrote itself (synth output, sandboxes, plan files, staged copies) and the working files
 * Terraform and cdktf regenerate (`.terraform/`, `.terraform.lock.hcl`, cdktf's saved `plan`). Whatever else is
 * found in a directory about to be replaced is moved out first, with a warning, by the directory's `carryOver`
 * (see atomic-outdir.ts); a replaced directory is deleted only after that.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { makeDirectory, removeCreatedDirectories } from './directories';
import { onExit } from './exit-hooks';
import { isRunning } from './process-state';

/**
 * Called at commit, before `old` (the directory being replaced) is deleted: moves into `staged` whatever of `old`
 * is kept (caches), and out to safety whatever the project did not write. Returns warnings for the user.
 */
export type CarryOver = (old: string, staged: string) => string[];

type Step =
  | { readonly kind: 'directory'; readonly target: string; readonly staged: string; readonly carryOver?: CarryOver }
  | { readonly kind: 'file'; readonly target: string; readonly staged: string; readonly content: string }
  | {
      readonly kind: 'files';
      readonly dir: string;
      /** [staged copy, target] of each file, written when the step was added. */
      readonly staged: readonly (readonly [string, string])[];
      readonly remove: readonly string[];
    };

export interface WriteTransactionOptions {
  /** Where carry-over warnings go at commit. @default console.error, as `warning: <message>` */
  readonly warn?: (message: string) => void;
}

export class WriteTransaction {
  private readonly steps: { readonly step: Step; done: boolean }[] = [];
  private readonly created: string[][] = [];
  private state: 'open' | 'committed' | 'rolled back' = 'open';

  constructor(private readonly options: WriteTransactionOptions = {}) {
    rollBackOnExit(this);
  }

  /** Runs `work` in a transaction: committed when it returns, rolled back when it throws. */
  static async run<T>(work: (tx: WriteTransaction) => Promise<T>, options?: WriteTransactionOptions): Promise<T> {
    const tx = new WriteTransaction(options);
    try {
      const value = await work(tx);
      tx.commit();
      return value;
    } finally {
      tx.rollback();
    }
  }

  /**
   * A directory that replaces `target` whole at commit. Returns its path, which the caller fills now (it does not
   * exist yet). `carryOver` decides what of the old `target` survives.
   */
  stageDirectory(target: string, carryOver?: CarryOver): string {
    this.assertOpen();
    const absolute = resolve(target);
    if (this.steps.some(({ step }) => step.kind === 'directory' && step.target === absolute))
      throw new Error(`${absolute} is staged twice in one run`);
    this.ensureDirectory(dirname(absolute));
    const staged = stagedPath(absolute);
    rmSync(staged, { recursive: true, force: true });
    this.steps.push({ step: { kind: 'directory', target: absolute, staged, carryOver }, done: false });
    return staged;
  }

  /**
   * A file written whole at commit that the run needs now (Terraform's CLI config): returns the path to use until
   * then, which is `target` itself when it already holds `content`.
   */
  stageFile(target: string, content: string): string {
    this.assertOpen();
    const absolute = resolve(target);
    const earlier = this.steps.find(({ step }) => step.kind === 'file' && step.target === absolute)?.step;
    if (earlier?.kind === 'file') {
      if (earlier.content !== content) throw new Error(`${absolute} is staged twice with different content`);
      return earlier.staged;
    }
    if (existsSync(absolute) && readFileSync(absolute, 'utf8') === content) return absolute;
    this.ensureDirectory(dirname(absolute));
    const staged = stagedPath(absolute);
    writeFileSync(staged, content);
    this.steps.push({ step: { kind: 'file', target: absolute, staged, content }, done: false });
    return staged;
  }

  /**
   * Files that appear in `dir` at commit, all or none, and files of `dir` removed with them. They are written now
   * beside their targets (`<name>.staging-<pid>`), so that committing them is only renames.
   */
  writeFiles(
    dir: string,
    files: readonly (readonly [name: string, content: string])[],
    remove: readonly string[] = [],
  ): void {
    this.assertOpen();
    const absolute = resolve(dir);
    this.ensureDirectory(absolute);
    const staged = files.map(([name, content]) => {
      const target = join(absolute, name);
      writeFileSync(stagedPath(target), content);
      return [stagedPath(target), target] as const;
    });
    this.steps.push({ step: { kind: 'files', dir: absolute, staged, remove }, done: false });
  }

  /** `mkdir -p` now; what it created is removed again on rollback (when empty). */
  ensureDirectory(dir: string): void {
    this.assertOpen();
    this.created.push(makeDirectory(dir));
  }

  commit(): void {
    this.assertOpen();
    const warn = this.options.warn ?? ((message: string) => console.error(`warning: ${message}`));
    for (const entry of this.steps) {
      const { step } = entry;
      if (step.kind === 'directory') for (const warning of replaceDirectory(step)) warn(warning);
      else if (step.kind === 'file') {
        removeDebris(step.target, step.staged);
        renameSync(step.staged, step.target);
      } else {
        for (const [staged, target] of step.staged) {
          removeDebris(target, staged);
          renameSync(staged, target);
        }
        for (const name of step.remove) rmSync(join(step.dir, name), { force: true });
      }
      entry.done = true;
    }
    this.state = 'committed';
    active.delete(this);
  }

  /** Removes every staged copy not yet committed and the directories the run created; a no-op after commit. */
  rollback(): void {
    if (this.state !== 'open') return;
    this.state = 'rolled back';
    active.delete(this);
    for (const { step, done } of [...this.steps].reverse()) {
      if (done) continue;
      const staged = step.kind === 'files' ? step.staged.map(([path]) => path) : [step.staged];
      for (const path of staged) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    }
    for (const created of [...this.created].reverse()) removeCreatedDirectories(created);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`the transaction is already ${this.state}`);
  }
}

function stagedPath(target: string): string {
  return `${target}.staging-${process.pid}`;
}

function replaceDirectory(step: Extract<Step, { kind: 'directory' }>): string[] {
  const { target, staged, carryOver } = step;
  if (!existsSync(staged)) throw new Error(`nothing was staged for ${target}`);
  removeDebris(target, staged);
  const warnings = existsSync(target) && carryOver ? carryOver(target, staged) : [];
  const retired = `${target}.retired-${process.pid}`;
  if (existsSync(target)) renameSync(target, retired);
  try {
    renameSync(staged, target);
  } catch (error) {
    if (existsSync(retired)) renameSync(retired, target); // the old directory back where it was
    throw error;
  }
  // Deleting the old directory is safe here: carryOver has moved out everything the rule above keeps.
  rmSync(retired, { recursive: true, force: true });
  return warnings;
}

/**
 * Staged and retired copies of `target` (a directory or a file) left by runs that were killed (SIGKILL) before they
 * could clean up: copies of what this project wrote, which no live process owns.
 */
function removeDebris(target: string, ours: string): void {
  const parent = dirname(target);
  const prefix = `${basename(target)}.`;
  for (const entry of readdirSync(parent)) {
    const match = entry.startsWith(prefix) ? /^(?:staging|retired)-(\d+)$/.exec(entry.slice(prefix.length)) : null;
    if (match && join(parent, entry) !== ours && !isRunning(Number(match[1])))
      rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** Transactions still open when the process exits (Ctrl-C, process.exit) are rolled back. */
const active = new Set<WriteTransaction>();
let exitHookInstalled = false;

function rollBackOnExit(tx: WriteTransaction): void {
  active.add(tx);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onExit('roll back', () => {
    for (const open of [...active]) open.rollback();
  });
}
