/** Paths as messages show them: relative to the working directory when inside it, absolute otherwise. */
import { isAbsolute, relative, resolve } from 'node:path';

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}
