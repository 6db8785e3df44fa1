/**
 * One measured analysis run, in its own process so the benchmark can read its peak memory:
 * `node analysis-run.js <plans dir> <env> [--no-dedupe] [--sample N]` prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { readPlanFiles } from '../analysis/plan-files';
import { timeAnalysis } from './time-analysis';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'no-dedupe': { type: 'boolean' }, sample: { type: 'string' } },
  });
  const [dir, envName] = positionals;
  const timing = await timeAnalysis(readPlanFiles(dir, [envName]), envName, {
    dedupe: !values['no-dedupe'],
    sample: values.sample === undefined ? undefined : Number(values.sample),
  });
  const { seconds, measuredSeconds, sampledUsers, users, statistics } = timing;
  console.log(JSON.stringify({ seconds, measuredSeconds, sampledUsers, users, ...statistics }));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
