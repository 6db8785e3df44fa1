/**
 * `npm run plan [-- --base <git ref> [--fail-on-new-access]]`: synthesize, plan every environment offline with real
 * Terraform and the real AWS provider, then analyse who can do what (review-command.ts). Writes, under tfplans/:
 *   <env>.plan.json, <env>.plan.txt   the plans (and <env>.plan.source.json: what was planned)
 *   <env>.access.json                 who can do what (committed: a change in access shows in the PR diff)
 *   SUMMARY.md                        the review report, against the plans of --base when given
 * A stack planned before (the same configuration and Terraform) is not planned again (plan-store.ts); with --base,
 * an environment whose analysis inputs equal the base's is unchanged: neither planned nor analysed again.
 *
 * The building blocks of a fanned-out CI run:
 *   --list-changed --base <ref>   prints the environments that changed against the base, as a JSON array
 *   --env <name> [--base <ref>]   plans those environments only and writes only their plan files (the base's into
 *                                 <out>/base/); `npm run report -- --plans <dir>` analyses and reports
 */

import { join } from 'node:path';
import { planOutputFiles } from '../plan/planner';
import { planFileNames } from '../plan/plan-source';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { WriteTransaction } from '../synth/write-transaction';
import { commandName, defineCommand, runCli } from './command-line';
import { envValue, LOCK_WAIT_SECONDS } from './environment';
import {
  BASE_DIR,
  preflight,
  REVIEW_COMMAND,
  REVIEW_OPTIONS,
  reviewCommand,
  reviewContext,
  reviewSides,
  type Preflight,
} from './review-command';
import { planSide } from './review';
import { UsageError } from './usage-error';

const COMMAND = defineCommand({
  name: 'plan',
  command: 'npm run plan --',
  description: [
    'Validates and synthesizes the access config, plans every environment offline with real Terraform and the real',
    'AWS provider (dummy credentials, empty state: what a first deploy would create), and analyses who can do what.',
    'Writes <env>.plan.json, <env>.plan.txt, <env>.access.json, SUMMARY.md and <env>.review.md to the --out',
    'directory and the stacks to cdktf.out/, all at the end and only when every environment planned. A stack planned',
    'before is not planned again (.cache/plans); with --base, an environment whose stack, trust partners and intent',
    "equal the base's is reported as unchanged without planning it. A concurrent run on the same directories is",
    'waited for (LOCK_WAIT_SECONDS).',
  ].join('\n'),
  options: {
    env: {
      type: 'string',
      multiple: true,
      value: '<environment>',
      help:
        'plan only this environment (repeat for more) and write only its plan files to --out (with --base, the ' +
        "base's plan of it to <out>/base/): no analysis, no report; npm run report -- --plans <dir> makes them",
    },
    'list-changed': {
      type: 'boolean',
      help:
        'with --base: print the environments to plan against it (stack, trust partners or intent changed, or new) as ' +
        'one JSON array on stdout, and write nothing',
    },
    ...REVIEW_OPTIONS,
  },
  ...REVIEW_COMMAND,
});

runCli(COMMAND, async ({ values }) => {
  const started = process.hrtime.bigint();
  if (values['list-changed'] && (!values.base || values.env || values['fail-on-new-access']))
    throw new UsageError([
      '--list-changed needs --base <git ref> (it lists what changed against it) and takes neither --env nor --fail-on-new-access',
    ]);
  if (values.env && values['fail-on-new-access'])
    throw new UsageError(['--fail-on-new-access needs the analysis, which --env leaves to npm run report']);
  const run = await preflight(values);
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  if (values['list-changed']) return listChanged(run, lock);
  if (values.env) return planOnly(run, lock);
  return reviewCommand(run, lock, started);
});

/**
 * `--list-changed`: the environments whose result may differ from the base's, as JSON on stdout. Synthesizes both
 * sides in a transaction that is rolled back: nothing is written.
 */
async function listChanged(run: Preflight, lock: Parameters<typeof withDirectoryLocks>[1]): Promise<number> {
  const changed = await withDirectoryLocks([run.outdir, BASE_DIR], lock, async () => {
    const tx = new WriteTransaction();
    try {
      const { head, base } = await reviewSides(run, tx);
      return head.names.filter((name) => base?.keys.get(name) !== head.keys.get(name));
    } finally {
      tx.rollback();
    }
  });
  process.stdout.write(`${JSON.stringify(changed)}\n`);
  return 0;
}

/**
 * `--env`: plans those environments (the plan store answers stacks planned before) and writes only their plan files;
 * with --base, also the base's plan of each one that exists there with another stack, into <out>/base/.
 */
async function planOnly(run: Preflight, lock: Parameters<typeof withDirectoryLocks>[1]): Promise<number> {
  const written = await withDirectoryLocks([run.outdir, run.out, BASE_DIR], lock, () =>
    WriteTransaction.run(async (tx) => {
      const { head, base } = await reviewSides(run, tx);
      const context = reviewContext(run, tx);
      const headPlans = await planSide(context, head, run.environments);
      const baseNames = run.environments.filter(
        (name) => base?.planSources.has(name) && base.planSources.get(name) !== head.planSources.get(name),
      );
      const basePlans = base ? await planSide(context, base, baseNames) : [];
      const files = planOutputFiles(headPlans);
      const baseFiles = planOutputFiles(basePlans);
      tx.writeFiles(run.out, files);
      if (baseFiles.length > 0) tx.writeFiles(join(run.out, 'base'), baseFiles);
      return [...files.map(([name]) => join(run.out, name)), ...baseFiles.map(([name]) => join(run.out, 'base', name))];
    }),
  );
  console.log(`Wrote ${written.map(displayPath).join(', ')}`);
  const names = run.environments.map((e) => planFileNames(e).json).join(', ');
  console.log(
    `Plans only (${names}); analyse and report with: npm run report -- --plans ${displayPath(run.out)}${run.base ? ` --base ${run.base.ref}` : ''}`,
  );
  return 0;
}
