/**
 * `npm run adopt -- --env <name> --from <file or directory> [--write]`: for the account's existing groups, users
 * and policies that touch CodePipeline, the config entries and imports that bring them under management
 * (src/adopt). Runs no Terraform: the declarations come from the config's model. Prints the proposal and writes it
 * to `<out>/<env>.adopt.yaml`; with --write, also merges it into the config file, comments kept. All files are
 * written together at the end, or none.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadActionCatalog } from '../iam/action-catalog';
import { readAccountDump } from '../live/account-dump';
import { loadAccessConfig } from '../model/load-model';
import { printWarnings, oneOf } from '../config/problems';
import { proposeAdoption } from '../adopt/proposal';
import { proposalFileName, renderProposal } from '../adopt/proposal-text';
import { withDirectoryLocks } from '../synth/dir-lock';
import { displayPath } from '../synth/paths';
import { WriteTransaction } from '../synth/write-transaction';
import { commandName, defineCommand, runCli } from './command-line';
import { ACCESS_CONFIG, envValue, LOCK_WAIT_SECONDS } from './environment';
import { DUMP_OPTIONS, dumpOptionProblems } from './dump-options';
import { UsageError } from './usage-error';
import { directoryProblem } from './values';

const COMMAND = defineCommand({
  name: 'adopt',
  command: 'npm run adopt --',
  description: [
    "Proposes config entries for an account's existing IAM that touches CodePipeline (the files of aws iam",
    'get-account-authorization-details, and optionally aws iam get-credential-report and get-account-password-policy;',
    'see the README): teams with the profile kind whose simulated access is the same (a custom profile where none',
    'is), people with their memberships, and the imports that make the first deploy take the existing resources',
    'over. Prints the proposal and writes <out>/<env>.adopt.yaml; the config is changed only with --write.',
  ].join('\n'),
  options: {
    ...DUMP_OPTIONS,
    out: { type: 'string', default: 'tfplans', value: '<dir>', help: 'where <env>.adopt.yaml is written' },
    write: {
      type: 'boolean',
      help: 'also merge the proposal into the config file (ACCESS_CONFIG), keeping its comments and layout',
    },
  },
  environment: [ACCESS_CONFIG, LOCK_WAIT_SECONDS],
  failure:
    'nothing was written: a dump that cannot be used (every problem named with its file), a config problem, or a ' +
    'directory locked by another run for too long',
});

runCli(COMMAND, async ({ values }) => {
  const problems = [
    ...dumpOptionProblems(values),
    ...(directoryProblem('--out', values.out, 'the proposal is written into it') ?? []),
  ];
  if (problems.length > 0) throw new UsageError(problems);
  const environment = values.env as string;
  const from = values.from as string;
  const configFile = envValue(ACCESS_CONFIG);
  const loaded = await loadAccessConfig(configFile);
  printWarnings(loaded.warnings);
  const known = loaded.model.environments.map((e) => e.name);
  if (!known.includes(environment))
    throw new UsageError([`--env "${environment}": unknown environment; must be ${oneOf(known)}`]);
  const accountId = loaded.model.environments.find((e) => e.name === environment)?.accountId ?? '';
  const dump = readAccountDump(from, { accountId, environment });
  const configText = readFileSync(configFile, 'utf8');
  const proposal = await proposeAdoption(loaded, configText, environment, dump, await loadActionCatalog());
  const text = renderProposal(proposal, displayPath(from), displayPath(configFile));
  const lock = { waitSeconds: envValue(LOCK_WAIT_SECONDS), command: commandName() };
  await withDirectoryLocks([values.out], lock, () =>
    WriteTransaction.run(async (tx) => {
      tx.writeFiles(values.out, [[proposalFileName(environment), text]]);
      if (values.write) tx.writeFiles(dirname(configFile), [[basename(configFile), proposal.mergedConfig]]);
    }),
  );
  process.stdout.write(text);
  const written = [join(values.out, proposalFileName(environment)), ...(values.write ? [configFile] : [])];
  console.error(
    `Wrote ${written.map(displayPath).join(', ')}${values.write ? '' : `; ${displayPath(configFile)} is unchanged (--write merges the proposal into it)`}`,
  );
  return 0;
});
