/**
 * Synthesizes one Terraform stack per environment of the access config into cdktf.out/.
 * The config is loaded and validated first; on any problem nothing is written and the exit code is 1.
 */
import { App } from 'cdktf';
import { EnvironmentStack } from './stacks/environment-stack';
import { configFileFromEnv, loadAccessConfig } from './src/config/load';
import { ConfigError } from './src/config/problems';
import { writeAtomically } from './src/synth/atomic-outdir';

async function main(): Promise<void> {
  const { model } = await loadAccessConfig(configFileFromEnv());
  // The cdktf CLI passes its output directory in CDKTF_OUTDIR; `npm run synth` uses the default.
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  writeAtomically(outdir, (stagingDir) => {
    const app = new App({ outdir: stagingDir });
    for (const environment of model.environments) new EnvironmentStack(app, { environment });
    app.synth();
  });
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `synth failed: ${(error as Error).stack ?? String(error)}`,
  );
  process.exit(1);
});
