/**
 * One measured analysis run, in its own process so the benchmark can read its peak memory:
 * `node analysis-run.js <plans dir> <env> [--no-dedupe] [--sample N]` prints one JSON line.
 */
import { readPlanFiles } from '../analysis/plan-files';
import { defineCommand, runCli } from '../cli/command-line';
import { usable } from '../cli/usage-error';
import { parsePositiveInteger } from '../cli/values';
import { timeAnalysis } from './time-analysis';

const COMMAND = defineCommand({
  name: 'analysis-run',
  command: 'node dist/src/bench/analysis-run.js',
  description: 'One measured analysis of one environment, run by `npm run bench`; prints one JSON line.',
  options: {
    'no-dedupe': { type: 'boolean', help: 'simulate every user on its own' },
    sample: { type: 'string', value: '<n>', help: 'measure this many users and scale (with --no-dedupe)' },
  },
  positionals: ['<plans dir>', '<environment>'],
  environment: [],
  failure: 'the analysis failed',
});

runCli(COMMAND, async ({ values, positionals: [dir, envName] }) => {
  const timing = await timeAnalysis(readPlanFiles(dir, [envName]), envName, {
    dedupe: !values['no-dedupe'],
    sample: values.sample === undefined ? undefined : usable(parsePositiveInteger('--sample', values.sample)),
  });
  const { seconds, measuredSeconds, sampledUsers, users, statistics } = timing;
  console.log(JSON.stringify({ seconds, measuredSeconds, sampledUsers, users, ...statistics }));
  return 0;
});
