/**
 * `backend.path` of a local backend: where Terraform keeps the environment's state, the only record of what was
 * deployed. A relative path is relative to the project root (the directory holding cdktf.json, where every command
 * runs). The project deletes or regenerates some of its directories on every run (synth replaces cdktf.out/
 * whole, and so on): a state file inside one of them would be lost, so such a path is refused.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Directories under the project root that the project (or npm, tsc) deletes, replaces or regenerates. */
export const REGENERATED_DIRS: Readonly<Record<string, string>> = {
  'cdktf.out': 'every synth, plan, diff and deploy replaces it whole',
  tfplans: '`npm run plan` rewrites it',
  '.cache': 'it holds caches and plan sandboxes that are deleted freely',
  dist: 'every build rewrites it',
  node_modules: '`npm ci` deletes it',
};

/** Why `path` cannot hold state, or undefined if it can. */
export function localStatePathProblem(path: string, projectRoot: string = process.cwd()): string | undefined {
  const inside = relative(resolve(projectRoot), resolve(projectRoot, path));
  if (/[/\\]$/.test(path) || inside === '' || /(^|[/\\])\.\.?$/.test(path)) {
    return 'must name a state file (such as state/prod.tfstate), not a directory';
  }
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
  const top = inside.split(sep)[0];
  const why =
    REGENERATED_DIRS[top] !== undefined
      ? `${top}/ is regenerated: ${REGENERATED_DIRS[top]}`
      : top.startsWith('cdktf.out.')
        ? `${top}/ is one of synth's temporary directories beside cdktf.out/, removed after each run`
        : undefined;
  if (why === undefined) return undefined;
  const dirs = Object.keys(REGENERATED_DIRS).map((d) => `${d}/`);
  return `the state would be lost: ${why}; keep state outside ${dirs.join(', ')}, e.g. in state/<environment>.tfstate (a relative path is relative to the project root)`;
}
