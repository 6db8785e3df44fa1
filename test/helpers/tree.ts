/** A directory tree as data, to assert that a run left it byte-identical. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Relative path -> `dir`, `link -> <target>` or the sha256 of the file's bytes; {} when `root` does not exist. */
export function snapshotTree(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) tree[rel] = `link -> ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        tree[rel] = 'dir';
        walk(path, rel);
      } else tree[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (existsSync(root)) walk(root, '');
  return tree;
}

/** Every file below `dir` by its relative path, with its text: where a test reads the files, not only compares. */
export function readTree(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(join(dir, entry.name), path));
    else files[path] = readFileSync(join(dir, entry.name), 'utf8');
  }
  return files;
}
