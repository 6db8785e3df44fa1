/** Validated config -> Terraform JSON per environment, staged in a write transaction and written whole at commit. */
import { App, TerraformStack } from 'cdktf';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { LOCAL_STATE_DIR, localStateFile } from '../constructs/backend';
import { loadAccessConfig, type LoadedConfig } from '../model/load-model';
import { ConfigError, formatPath } from '../config/problems';
import type { AccessConfig } from '../config/schema';
import type { AccessModel } from '../model/types';
import { synthOutputCarryOver } from './atomic-outdir';
import { configurationDigest } from '../plan/plan-source';
import { offlineStackText } from '../plan/sandbox';
import { StackCache } from './stack-cache';
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
  /** The digest of the configuration a plan of an environment's stack runs on (plan-source.ts). */
  readonly configuration: (environment: string) => string;
}

export interface SynthOptions {
  /** Stacks synthesized before; the stacks synthesized now are added to it. @default - every stack is synthesized */
  readonly cache?: StackCache;
  /**
   * The output directory the stacks are deployed from, which their local state paths are relative to. The base side
   * of a review is synthesized elsewhere but never deployed: as if from the head's directory, its stacks are the
   * head's bytes where nothing changed (and share the cache). @default the outdir synthesized into
   */
  readonly deployedFrom?: string;
}

/**
 * A stack synthesized before from the same model and code (stack-cache.ts): cdktf lists it in the manifest as any
 * stack, and its `cdk.tf.json` gets the bytes the earlier synth wrote (serializing them again cost half a second for
 * a hundred stacks of a hundred people).
 */
class SynthesizedBefore extends TerraformStack {
  /** Nothing of its own: no backend to add either. */
  override prepareStack(): void {}

  override toTerraform(): Record<string, unknown> {
    return {};
  }
}

/**
 * Synthesizes `loaded` into a staged copy of `outdir`, which replaces `outdir` when `tx` commits. Files in the old
 * outdir that synth did not write are moved to `stateDir` then (see atomic-outdir.ts). With a `cache`, a stack
 * synthesized before from the same model and code is taken from it instead (the same bytes: a test compares them).
 */
export function synthesizeStaged(
  loaded: LoadedConfig,
  outdir: string,
  tx: WriteTransaction,
  stateDir: string = LOCAL_STATE_DIR,
  options: SynthOptions = {},
): StagedSynth {
  const projectRoot = process.cwd();
  const { cache } = options;
  const deployedFrom = resolve(options.deployedFrom ?? outdir);
  refuseStateInside(loaded, outdir, projectRoot);
  const staged = tx.stageDirectory(outdir, synthOutputCarryOver(resolve(stateDir)));
  const stagedStacks = join(staged, 'stacks');
  // Stack traces only feed cdktf's per-construct debug metadata; capturing them costs a third of synth time at scale.
  const app = new App({ outdir: staged, stackTraces: false });
  const configurations = new Map<string, string>();
  const fresh: { name: string; key: string }[] = [];
  const reused: { name: string; text: string }[] = [];
  withoutTokenCreationStacks(() => {
    for (const environment of loaded.model.environments) {
      const key = cache ? StackCache.key(environment, deployedFrom, projectRoot) : '';
      const before = cache?.get(key);
      if (before) {
        new SynthesizedBefore(app, environment.name);
        reused.push({ name: environment.name, text: before.stack });
        configurations.set(environment.name, before.configuration);
      } else {
        new EnvironmentStack(app, { environment, projectRoot, deployedFrom });
        fresh.push({ name: environment.name, key });
      }
    }
    app.synth();
  });
  for (const { name, text } of reused) writeFileSync(join(stagedStacks, name, 'cdk.tf.json'), text);
  const read = (name: string) => readFileSync(join(stagedStacks, name, 'cdk.tf.json'), 'utf8');
  for (const { name, key } of cache ? fresh : []) {
    const stack = read(name);
    const configuration = configurationDigest(offlineStackText(JSON.parse(stack) as Record<string, unknown>));
    configurations.set(name, configuration);
    cache?.put(key, { stack, configuration }, tx);
  }
  const configuration = (name: string) => {
    let digest = configurations.get(name);
    if (digest === undefined)
      configurations.set(
        name,
        (digest = configurationDigest(offlineStackText(JSON.parse(read(name)) as Record<string, unknown>))),
      );
    return digest;
  };
  return {
    model: loaded.model,
    suppressions: loaded.config.suppressions,
    stacksDir: join(resolve(outdir), 'stacks'),
    stagedStacksDir: stagedStacks,
    configuration,
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
