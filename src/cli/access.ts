/**
 * `npm run access`: the access matrix of the plans in tfplans/ (written by `npm run plan`), for a person to read:
 * per environment, each principal with what it may do on which pipeline, who may assume which role, and what the
 * artifact bucket policies decide. Runs no Terraform.
 */
import { parseArgs } from 'node:util';
import { analyzePlans } from '../analysis/analyze';
import { ANALYSIS_CACHE_DIR, DecisionCache } from '../analysis/decision-cache';
import { readPlanFiles } from '../analysis/plan-files';
import { renderAccessMatrix } from '../analysis/report';
import { configFileFromEnv, loadAccessConfig } from '../config/load';
import { ConfigError, printWarnings } from '../config/problems';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { plans: { type: 'string', default: 'tfplans' } } });
  const { model, config, warnings } = await loadAccessConfig(configFileFromEnv());
  printWarnings(warnings);
  const names = model.environments.map((e) => e.name);
  const files = readPlanFiles(values.plans, names);
  if (files.length === 0) {
    console.error(`no plans in ${values.plans}/ for ${names.join(', ')}: run npm run plan first`);
    return 1;
  }
  const cache = DecisionCache.open(ANALYSIS_CACHE_DIR);
  const result = await analyzePlans(files, config.suppressions, { cache });
  cache.saveOrWarn();
  process.stdout.write(renderAccessMatrix(result.access));
  const missing = names.filter((n) => !files.some((f) => f.name === n));
  if (missing.length > 0) console.error(`not planned yet: ${missing.join(', ')} (run npm run plan)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `access failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
