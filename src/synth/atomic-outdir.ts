/**
 * What survives when a cdktf output directory (cdktf.out/) is replaced by a new synth (see write-transaction.ts
 * for the rule). Each stack's Terraform caches are carried into the new output, so `cdktf diff` does not
 * re-initialise after every synth. Every other file that synth did not produce is moved out with a warning before
 * the old directory is deleted:
 * - a local state the old stack's backend kept inside the stack directory (the old default,
 *   `terraform.<env>.tfstate`, or a configured relative path) goes to where the new stack's local backend reads it
 *   (`state/<env>.tfstate` by default), and Terraform's cached backend settings are dropped so that `terraform init`
 *   takes the new path without asking to migrate;
 * - the old default state of a stack whose backend cannot be read becomes `state/<env>.tfstate`;
 * - anything else keeps its path under `state/<outdir name>/`.
 * Nothing is overwritten: a name that is taken gets a numbered `.rescued-<n>` suffix (and the backend cache stays,
 * so Terraform asks before it switches).
 */
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { makeDirectory } from './directories';
import { displayPath } from './paths';
import type { CarryOver } from './write-transaction';

/** Written by synth itself, and written anew by every synth. */
const SYNTH_OUTPUT = { top: ['manifest.json'], stack: ['cdk.tf.json'] };
/** Terraform's caches beside a stack: carried into the new output while the stack still exists. */
const STACK_CACHES = ['.terraform', '.terraform.lock.hcl'];
/** Written anew by each `cdktf diff`: its saved plan, and the configuration it generates for imports. */
const CDKTF_WORKING_FILES = ['plan', 'generated_resources.tf'];

/** The carry-over of a cdktf output directory; rescued files go under `stateDir` (the project's state/). */
export function synthOutputCarryOver(stateDir: string): CarryOver {
  return (old, staged) => {
    const rescue = rescuer(old, stateDir);
    for (const entry of readdirSync(old)) {
      const path = join(old, entry);
      if (SYNTH_OUTPUT.top.includes(entry)) continue;
      if (entry !== 'stacks' || !lstatSync(path).isDirectory()) rescue(path);
      else
        for (const stack of readdirSync(path)) carryOverStack(join(path, stack), join(staged, 'stacks', stack), rescue);
    }
    return rescue.moved.map(
      ([from, to]) =>
        `moved ${from} to ${to}: ${displayPath(old)}/ is replaced whole by every synth, so nothing may be kept there`,
    );
  };
}

function carryOverStack(oldStack: string, newStack: string, rescue: Rescuer): void {
  if (!lstatSync(oldStack).isDirectory()) return rescue(oldStack);
  const stateMoved = moveLocalState(oldStack, newStack, rescue);
  for (const entry of readdirSync(oldStack)) {
    const path = join(oldStack, entry);
    if (SYNTH_OUTPUT.stack.includes(entry) || CDKTF_WORKING_FILES.includes(entry)) continue;
    if (!STACK_CACHES.includes(entry)) rescue(path);
    // The cache of a stack that is no longer synthesized is dropped with it: `terraform init` rebuilds it.
    else if (existsSync(newStack) && !existsSync(join(newStack, entry))) renameSync(path, join(newStack, entry));
  }
  // Terraform's record of the old backend settings: with the state moved to the new path, `terraform init` would
  // otherwise stop with "Backend configuration changed" and offer to migrate the (now empty) old path.
  if (stateMoved) rmSync(join(newStack, '.terraform', 'terraform.tfstate'), { force: true });
}

/**
 * The local state file a stack's `cdk.tf.json` points at, resolved as Terraform does from the stack directory
 * `runDir`; undefined for another backend or an unreadable stack.
 */
function localStateFile(stackJsonFile: string, runDir: string): string | undefined {
  try {
    const stack = JSON.parse(readFileSync(stackJsonFile, 'utf8')) as {
      terraform?: { backend?: { local?: { path?: string } } };
    };
    const local = stack.terraform?.backend?.local;
    return local ? resolve(runDir, local.path ?? 'terraform.tfstate') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Moves the state (and its `.backup`) that the old stack kept inside its directory to where the new stack's local
 * backend reads it, never over an existing file. True when the state is now exactly where the new backend reads it.
 */
function moveLocalState(oldStack: string, newStack: string, rescue: Rescuer): boolean {
  // Only something beside what synth, cdktf and Terraform's caches write can be a state kept inside the directory:
  // without it, the stacks (hundreds of KB each) need not be read at all.
  const known = [...SYNTH_OUTPUT.stack, ...CDKTF_WORKING_FILES, ...STACK_CACHES];
  if (readdirSync(oldStack).every((entry) => known.includes(entry))) return false;
  const from = localStateFile(join(oldStack, 'cdk.tf.json'), oldStack);
  // The new stack runs where the old one did: the staged directory takes the old one's place.
  const to = localStateFile(join(newStack, 'cdk.tf.json'), oldStack);
  if (!from || !to || from === to || relative(oldStack, from).startsWith('..') || !existsSync(from)) return false;
  const target = freeName(to);
  for (const [source, destination] of [
    [from, target],
    [`${from}.backup`, `${target}.backup`],
  ])
    if (existsSync(source)) rescue.moveTo(source, freeName(destination));
  return target === to;
}

interface Rescuer {
  (path: string): void;
  /** Moves one file to a chosen place (free, see freeName), recorded like the others. */
  moveTo(path: string, target: string): void;
  /** [from, to] as shown to the user. */
  readonly moved: [string, string][];
}

function rescuer(outdir: string, stateDir: string): Rescuer {
  const moved: [string, string][] = [];
  const rescue = (path: string): void => {
    if (lstatSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) rescue(join(path, entry));
      return;
    }
    const rel = path
      .slice(outdir.length + 1)
      .split('\\')
      .join('/');
    moveTo(path, freeName(join(stateDir, rescuedName(rel, basename(outdir)))));
  };
  const moveTo = (path: string, target: string): void => {
    makeDirectory(dirname(target));
    moveFile(path, target);
    moved.push([displayPath(path), displayPath(target)]);
  };
  return Object.assign(rescue, { moved, moveTo });
}

/** Where a file of the old output goes under state/. */
function rescuedName(rel: string, outdirName: string): string {
  const oldDefaultState = /^stacks\/([^/]+)\/terraform\.\1(\.tfstate(?:\.backup)?)$/.exec(rel);
  return oldDefaultState ? `${oldDefaultState[1]}${oldDefaultState[2]}` : join(outdirName, rel);
}

/** `path`, or the first `<name>.rescued-<n><.tfstate...>` that does not exist yet. */
function freeName(path: string): string {
  if (!existsSync(path)) return path;
  const [, stem, extension] = /^(.*?)((?:\.tfstate(?:\.backup)?)?)$/.exec(path) ?? [path, path, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem}.rescued-${n}${extension}`;
    if (!existsSync(candidate)) return candidate;
  }
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    cpSync(from, to, { verbatimSymlinks: true, errorOnExist: true, force: false });
    rmSync(from);
  }
}
