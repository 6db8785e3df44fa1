/**
 * Writes several files whole or not at all: each is staged beside its target, and renamed only when all are written;
 * `remove` names files of `dir` deleted in the same step, after the renames (outputs that no longer have a source).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFilesAtomically(
  dir: string,
  files: readonly (readonly [name: string, content: string])[],
  remove: readonly string[] = [],
): string[] {
  mkdirSync(dir, { recursive: true });
  const staged: [string, string][] = [];
  try {
    for (const [name, content] of files) {
      const target = join(dir, name);
      const temp = `${target}.tmp-${process.pid}`;
      writeFileSync(temp, content);
      staged.push([temp, target]);
    }
    for (const [temp, target] of staged) renameSync(temp, target);
    for (const name of remove) rmSync(join(dir, name), { force: true });
  } finally {
    for (const [temp] of staged) rmSync(temp, { force: true });
  }
  return staged.map(([, target]) => target);
}
