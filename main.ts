/**
 * `npm run synth` and cdktf's app: one Terraform stack per environment of the access config, in cdktf.out/.
 * The config is validated first; on any problem nothing is written and the exit code is 1.
 */
import { configFileFromEnv } from './src/config/load';
import { ConfigError, printWarnings } from './src/config/problems';
import { outdirFromEnv, synthesize } from './src/synth/synthesize';

synthesize(configFileFromEnv(), outdirFromEnv()).then(
  ({ warnings }) => printWarnings(warnings),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : `synth failed: ${(error as Error).stack ?? String(error)}`,
    );
    process.exit(1);
  },
);
