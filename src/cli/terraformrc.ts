/**
 * `eval "$(npm run --silent terraformrc)"`: points the Terraform CLI (and so `cdktf diff` / `cdktf deploy`) at
 * the same provider source `npm run plan` uses: the mirror when there is one, the public registry otherwise.
 */
import { resolve } from 'node:path';
import { writeCliConfig } from '../plan/terraform-cli-config';
import { defineCommand, runCli } from './command-line';
import { envValue, TF_PROVIDER_MIRROR } from './environment';

const COMMAND = defineCommand({
  name: 'terraformrc',
  command: 'npm run --silent terraformrc',
  description: [
    'Writes the Terraform CLI config `npm run plan` uses (.cache/terraform/terraform.rc: the AWS provider from the',
    'mirror, or the public registry) and prints the line that points Terraform at it, for',
    '`eval "$(npm run --silent terraformrc)"` before `cdktf diff` or `cdktf deploy`.',
  ].join('\n'),
  options: {},
  environment: [TF_PROVIDER_MIRROR],
  failure: 'the CLI config could not be written',
});

runCli(COMMAND, async () => {
  const source = envValue(TF_PROVIDER_MIRROR);
  const file = writeCliConfig(source, resolve('.cache', 'terraform'));
  console.log(`export TF_CLI_CONFIG_FILE=${JSON.stringify(file)}`);
  console.error(
    source.mirror ? `# AWS provider from the mirror ${source.mirror}` : '# providers from the public registry',
  );
  return 0;
});
