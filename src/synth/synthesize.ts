/** Validated config -> Terraform JSON per environment, staged in a write transaction and written whole at commit. */
import { App } from 'cdktf';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { LOCAL_STATE_DIR, localStateFile } from '../constructs/backend';
import { loadAccessConfig, type LoadedConfig } from '../model/load-model';
import { ConfigError, formatPath } from '../config/problems';
import type { AccessConfig } from '../config/schema';
import type { AccessModel } from '../model/types';
import { synthOutputCarryOver } from './atomic-outdir';
import { withoutTokenCreationStacks } from './token-stacks';
import { WriteTransaction } from './write-transaction';

export interface SynthResult {
  readonly model: AccessModel;
  /** Rule findings accepted on purpose (the config's `suppressions`). */
  readonly suppressions: AccessConfig['suppressions'];
  /** Absolute path of `<outdir>/stacks`; each environment's `cdk.tf.json` is in `<stacksDir>/<env>/`. */
  readonly stacksDir: string;
  /** The config's warnings (see LoadedConfig); the CLIs print them. */
  readonly warnings: readonly string[];
}

export interface StagedSynth extends SynthResult {
  /** Where the stacks are until the transaction commits: `stacks/` of the staged copy of the outdir. */
  readonly stagedStacksDir: string;
}

/**
 * Synthesizes `loaded` into a staged copy of `outdir`, which replaces `outdir` when `tx` commits. Files in the old
 * outdir that synth did not write are moved to `stateDir` then (see atomic-outdir.ts).
 */
export function synthesizeStaged(
  loaded: LoadedConfig,
  outdir: string,
  tx: WriteTransaction,
  stateDir: string = LOCAL_STATE_DIR,
): StagedSynth {
  const projectRoot = process.cwd();
  refuseStateInside(loaded, outdir, projectRoot);
  const staged = tx.stageDirectory(outdir, synthOutputCarryOver(resolve(stateDir)));
  // Stack traces only feed cdktf's per-construct debug metadata; capturing them costs a third of synth time at scale.
  const app = new App({ outdir: staged, stackTraces: false });
  withoutTokenCreationStacks(() => {
    for (const environment of loaded.model.environments) new EnvironmentStack(app, { environment, projectRoot });
    app.synth();
  });
  return {
    model: loaded.model,
    suppressions: loaded.config.suppressions,
    stacksDir: join(resolve(outdir), 'stacks'),
    stagedStacksDir: join(staged, 'stacks'),
    warnings: loaded.warnings,
  };
}

/**
 * A local state inside the output directory would be deleted by the next synth. The config check refuses the
 * usual names (cdktf.out/, ...); this one knows the output directory actually used (CDKTF_OUTDIR).
 */
function refuseStateInside(loaded: LoadedConfig, outdir: string, projectRoot: string): void {
  const out = resolve(outdir);
  const problems = loaded.model.environments.flatMap((env) => {
    if (env.backend.type !== 'local') return [];
    const file = localStateFile(projectRoot, env.name, env.backend.path);
    return relative(out, file).startsWith('..') || isAbsolute(relative(out, file))
      ? []
      : [
          `${formatPath([...env.origin, 'backend', 'path'])}: the state file ${file} would be inside the output directory ${out}, which every synth replaces; choose a path outside it`,
        ];
  });
  if (problems.length > 0) throw new ConfigError(loaded.file, problems);
}

/**
 * Loads, validates and synthesizes `configFile` into `outdir` in one step, for tools that own their output
 * directory (it takes no lock). Throws ConfigError (listing every problem) before anything is written.
 */
export async function synthesize(configFile: string, outdir: string): Promise<SynthResult> {
  const loaded = await loadAccessConfig(configFile);
  const { model, suppressions, stacksDir, warnings } = await WriteTransaction.run(async (tx) =>
    synthesizeStaged(loaded, outdir, tx),
  );
  return { model, suppressions, stacksDir, warnings };
}
