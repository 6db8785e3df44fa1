/**
 * Writes a cdktf output directory whole or not at all: synth goes to a staging directory beside the real one,
 * which replaces it only when synth succeeded. Terraform's per-stack `.terraform` caches are carried over,
 * so `cdktf diff` does not re-initialise after every synth.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function writeAtomically(outdir: string, write: (stagingDir: string) => void): void {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  const retired = `${target}.retired-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  try {
    write(staging);
    carryOverTerraformCaches(target, staging);
    if (existsSync(target)) renameSync(target, retired);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(retired, { recursive: true, force: true });
  }
}

function carryOverTerraformCaches(from: string, to: string): void {
  const stacks = join(from, 'stacks');
  if (!existsSync(stacks)) return;
  for (const stack of readdirSync(stacks)) {
    const cache = join(stacks, stack, '.terraform');
    const destination = join(to, 'stacks', stack);
    if (existsSync(cache) && existsSync(destination)) renameSync(cache, join(destination, '.terraform'));
  }
}
