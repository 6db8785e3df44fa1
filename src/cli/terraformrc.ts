/**
 * `eval "$(npm run --silent terraformrc)"`: points the Terraform CLI (and so `cdktf diff` / `cdktf deploy`) at
 * the same provider source `npm run plan` uses: the mirror when there is one, the public registry otherwise.
 */
import { resolve } from 'node:path';
import { providerSourceFromEnv, writeCliConfig } from '../plan/terraform-cli-config';

const source = providerSourceFromEnv();
if (source.problem) {
  console.error(source.problem);
  process.exit(1);
}
const file = writeCliConfig(source, resolve('.cache/terraform'));
console.log(`export TF_CLI_CONFIG_FILE=${JSON.stringify(file)}`);
console.error(
  source.mirror ? `# AWS provider from the mirror ${source.mirror}` : '# providers from the public registry',
);
