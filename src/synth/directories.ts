/**
 * Directories a run makes for itself: it remembers which it created, so that a run that gives up (a failed run's
 * rollback, a released lock) can take them away again and leave the project as it found it.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `mkdir -p dir`; returns the directories this call created, outermost first (none when `dir` existed). */
export function makeDirectory(dir: string): string[] {
  const created: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) created.unshift(d);
  mkdirSync(dir, { recursive: true });
  return created;
}

/** Removes the directories `makeDirectory` created, innermost first, as long as they are empty. */
export function removeCreatedDirectories(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    if (!existsSync(dir) || readdirSync(dir).length > 0) return;
    rmdirSync(dir);
  }
}
