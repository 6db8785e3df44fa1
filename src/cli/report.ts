/**
 * `npm run report -- --plans <dir> [--base <git ref> [--fail-on-new-access]]`: the last step of a fanned-out CI run.
 * Reads the plan files that `npm run plan -- --env <name>` wrote (in any subdirectory of each --plans directory: one
 * per matrix job), adds them to the plan store, and then does what `npm run plan` does: every plan it now has is not
 * made again, so it plans only what no job planned (printing which), analyses and writes the access files and the
 * report. Plans made elsewhere (HCP Terraform, see README) are read the same way.
 */
import { displayPath } from '../synth/paths';
import { commandName, defineCommand, runCli } from './command-line';
import { envValue, LOCK_WAIT_SECONDS } from './environment';
import { preflight, REVIEW_COMMAND, REVIEW_OPTIONS, reviewCommand } from './review-command';
import { UsageError } from './usage-error';
import { existingDirectoryProblem } from './values';

const COMMAND = defineCommand({
  name: 'report',
  command: 'npm run report --',
  description: [
    'Analyses and reports from plan files made by other runs (npm run plan -- --env <name>, one per CI matrix job):',
    'reads every <env>.plan.json with its .plan.source.json and .plan.txt under each --plans directory, then does',
    'what npm run plan does, planning only the stacks none of those files (nor .cache/plans) holds. Writes',
    '<env>.access.json, SUMMARY.md, <env>.review.md and the plans it used to --out.',
  ].join('\n'),
  options: {
    plans: {
      type: 'string',
      multiple: true,
      value: '<dir>',
      help: 'a directory of plan files, searched recursively (repeat for more); required',
    },
    ...REVIEW_OPTIONS,
  },
  ...REVIEW_COMMAND,
});

runCli(COMMAND, async ({ values }) => {
  const started = process.hrtime.bigint();
  const dirs = values.plans ?? [];
  const problems = [
    ...(dirs.length === 0 ? ['--plans <dir> is required: the directory the plan files were downloaded to'] : []),
    ...dirs.flatMap((dir) => existingDirectoryProblem('--plans', dir, 'the plan files are read from it') ?? []),
  ];
  if (problems.length > 0) throw new UsageError(problems);
  const run = await preflight(values);
  let read = 0;
  for (const dir of dirs) read += run.plans.ingest(dir).length;
  console.log(`Read ${read} plan file${read === 1 ? '' : 's'} from ${dirs.map(displayPath).join(', ')}`);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  return reviewCommand(run, lock, started);
});
