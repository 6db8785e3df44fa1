/** One file written whole or not at all: a temporary file beside it, renamed over it (a rename is atomic). */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileWhole(file: string, content: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
