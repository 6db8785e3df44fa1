/** Config file -> validated model -> Terraform JSON per environment, written whole or not at all. */
import { App } from 'cdktf';
import { join, resolve } from 'node:path';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { loadAccessConfig } from '../config/load';
import type { AccessConfig } from '../config/schema';
import type { AccessModel } from '../model/types';
import { writeAtomically } from './atomic-outdir';
import { withoutTokenCreationStacks } from './token-stacks';

export interface SynthResult {
  readonly model: AccessModel;
  /** Rule findings accepted on purpose (the config's `suppressions`). */
  readonly suppressions: AccessConfig['suppressions'];
  /** Absolute path of `<outdir>/stacks`; each environment's `cdk.tf.json` is in `<stacksDir>/<env>/`. */
  readonly stacksDir: string;
  /** The config's warnings (see LoadedConfig); the CLIs print them. */
  readonly warnings: readonly string[];
}

/** Throws ConfigError (listing every problem) before anything is written. */
export async function synthesize(configFile: string, outdir: string): Promise<SynthResult> {
  const { model, config, warnings } = await loadAccessConfig(configFile);
  writeAtomically(outdir, (stagingDir) => {
    // Stack traces only feed cdktf's per-construct debug metadata; capturing them costs a third of synth time at scale.
    const app = new App({ outdir: stagingDir, stackTraces: false });
    withoutTokenCreationStacks(() => {
      for (const environment of model.environments) new EnvironmentStack(app, { environment });
      app.synth();
    });
  });
  return { model, suppressions: config.suppressions, stacksDir: join(resolve(outdir), 'stacks'), warnings };
}

/** The cdktf CLI passes its output directory in CDKTF_OUTDIR; otherwise cdktf's default. */
export function outdirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDKTF_OUTDIR ?? 'cdktf.out';
}
