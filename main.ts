/**
 * `npm run synth`, and cdktf's app (`cdktf synth`, `diff` and `deploy` run `node dist/main.js`): one Terraform stack
 * per environment of the access config, in cdktf.out/. The config is validated first; cdktf.out/ is locked against
 * a concurrent run and replaced whole, or left as it was when anything fails.
 */
import { commandName, defineCommand, runCli } from './src/cli/command-line';
import { ACCESS_CONFIG, CDKTF_OUTDIR, envValue, LOCK_WAIT_SECONDS, SYNTH_HCL_OUTPUT } from './src/cli/environment';
import { loadAccessConfig } from './src/model/load-model';
import { printWarnings } from './src/config/problems';
import { withDirectoryLocks } from './src/synth/dir-lock';
import { synthesizeStaged } from './src/synth/synthesize';
import { WriteTransaction } from './src/synth/write-transaction';

const COMMAND = defineCommand({
  name: 'synth',
  command: 'npm run synth',
  description: [
    'Validates the access config and writes one Terraform stack per environment to cdktf.out/stacks/<env>/.',
    "cdktf's app: `cdktf synth`, `cdktf diff` and `cdktf deploy` run it as `node dist/main.js`, without flags.",
    'cdktf.out/ is replaced whole, or left as it was when anything fails; files in it that synth did not write',
    '(such as Terraform state of an older version) are moved to state/ first, with a warning.',
  ].join('\n'),
  options: {},
  environment: [ACCESS_CONFIG, CDKTF_OUTDIR, LOCK_WAIT_SECONDS, SYNTH_HCL_OUTPUT],
  failure: 'nothing was written: the config has problems (all are listed), or cdktf.out/ stayed locked by another run',
});

runCli(COMMAND, async () => {
  const loaded = await loadAccessConfig(envValue(ACCESS_CONFIG));
  const outdir = envValue(CDKTF_OUTDIR);
  await withDirectoryLocks([outdir], { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() }, () =>
    WriteTransaction.run(async (tx) => synthesizeStaged(loaded, outdir, tx)),
  );
  printWarnings(loaded.warnings);
  return 0;
});
