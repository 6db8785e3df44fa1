/**
 * One run at a time per directory it writes: two `npm run plan` (or a synth and a plan) in one checkout would
 * otherwise replace each other's cdktf.out/ and plan each other's stacks. The lock of `<dir>` is the file
 * `<dir>.lock` beside it (the directory itself is replaced whole), holding who took it: pid, host, command and
 * start time. A second run waits for it, saying once whom it waits for, up to a bound, then refuses with the same
 * words. A lock whose process is gone (same host; e.g. killed with SIGKILL) is taken over with a note. Locks are
 * re-entrant within a process and released when it exits, however it exits short of SIGKILL.
 */
import { hostname } from 'node:os';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeDirectory, removeCreatedDirectories } from './directories';
import { onExit } from './exit-hooks';
import { displayPath } from './paths';
import { isRunning } from './process-state';

export interface LockOptions {
  /** How long to wait for another run's lock before refusing (LOCK_WAIT_SECONDS); 0 refuses at once. */
  readonly waitSeconds: number;
  /** What this run is, as the lock file records it, e.g. `npm run plan`. */
  readonly command: string;
  /** Where "waiting for" and stale-lock notes go. @default console.error */
  readonly note?: (message: string) => void;
}

/** Another run held a lock for longer than the caller would wait. */
export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

interface Holder {
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  /** ISO 8601, UTC. */
  readonly started: string;
}

const POLL_MS = 200;
/** A stale lock is broken under a short-lived `<lock>.breaking` directory; one older than this was abandoned. */
const BREAKER_STALE_MS = 10_000;

/** Runs `work` holding the locks of `dirs`, taken in one global order (sorted paths) so two runs cannot deadlock. */
export async function withDirectoryLocks<T>(
  dirs: readonly string[],
  options: LockOptions,
  work: () => Promise<T>,
): Promise<T> {
  const files = [...new Set(dirs.map((d) => `${resolve(d)}.lock`))].sort();
  const taken: string[] = [];
  try {
    for (const file of files) {
      await acquire(file, options);
      taken.push(file);
    }
    return await work();
  } finally {
    for (const file of taken.reverse()) release(file);
  }
}

/** Locks this process holds: lock file -> how often taken, and the directories made for it. */
const held = new Map<string, { count: number; readonly holder: string; readonly created: string[] }>();

async function acquire(file: string, options: LockOptions): Promise<void> {
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return;
  }
  const note = options.note ?? ((message: string) => console.error(message));
  const dir = file.slice(0, -'.lock'.length);
  const text = `${JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    command: options.command,
    started: new Date().toISOString(),
  } satisfies Holder)}\n`;
  const created = makeDirectory(dirname(file));
  const deadline = Date.now() + options.waitSeconds * 1000;
  let waiting = false;
  for (;;) {
    if (tryCreate(file, text)) {
      held.set(file, { count: 1, holder: text, created });
      releaseOnExit();
      return;
    }
    const holder = readHolder(file);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && holder.hostname === hostname() && !isRunning(holder.pid)) {
      if (breakStaleLock(file, holder))
        note(`note: took over the lock of ${displayPath(dir)} left by ${describe(holder)}, which is no longer running`);
      continue;
    }
    const who = holder === 'unreadable' ? `an unreadable lock file ${displayPath(file)}` : describe(holder);
    if (Date.now() >= deadline) {
      removeCreatedDirectories(created);
      throw new LockTimeoutError(
        `${displayPath(dir)} is still locked by ${who} after waiting ${options.waitSeconds} s; let that run finish (or ` +
          `remove ${displayPath(file)} if it is not running), or wait longer with LOCK_WAIT_SECONDS`,
      );
    }
    if (!waiting) note(`waiting for ${displayPath(dir)} locked by ${who}`);
    waiting = true;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(deadline - Date.now(), 1))));
  }
}

function release(file: string): void {
  const mine = held.get(file);
  if (!mine || --mine.count > 0) return;
  held.delete(file);
  removeIfOurs(file, mine.holder);
  removeCreatedDirectories(mine.created);
}

/** Creates the lock file with its content in one step (a hard link of a complete file), or false if it exists. */
function tryCreate(file: string, text: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    // A file system without hard links: exclusive create (a reader may briefly see it empty: "unreadable").
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

function readHolder(file: string): Holder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.hostname === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Removes a stale lock file, unless another run replaced it meanwhile: two runs may find the same stale lock, and
 * the slower must not remove the lock the faster has just taken. Returns whether this call removed it.
 */
function breakStaleLock(file: string, stale: Holder): boolean {
  const breaker = `${file}.breaking`;
  try {
    mkdirSync(breaker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = statSync(breaker, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > BREAKER_STALE_MS) rmSync(breaker, { recursive: true, force: true });
    return false;
  }
  try {
    const current = readHolder(file);
    if (current === 'gone' || current === 'unreadable' || !sameHolder(current, stale)) return false;
    rmSync(file, { force: true });
    return true;
  } finally {
    rmSync(breaker, { recursive: true, force: true });
  }
}

function sameHolder(a: Holder, b: Holder): boolean {
  return a.pid === b.pid && a.hostname === b.hostname && a.started === b.started;
}

function removeIfOurs(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) rmSync(file, { force: true });
}

function describe(holder: Holder): string {
  const host = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
  return `pid ${holder.pid}${host} (${holder.command}, started ${holder.started})`;
}

let exitHookInstalled = false;

function releaseOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onExit('release locks', () => {
    for (const [file, { holder, created }] of held) {
      removeIfOurs(file, holder);
      removeCreatedDirectories(created);
    }
    held.clear();
  });
}
