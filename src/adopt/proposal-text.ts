/**
 * The proposal as the user reads it (stdout, and `<out>/<env>.adopt.yaml`): the config entries to add, as YAML, with
 * what was not adopted and what would still differ after adopting as comments. Deterministic.
 */
import { describeChangeContext } from '../analysis/access-diff';
import { proposalFragment, renderConfigData } from './config-edit';
import type { AdoptProposal } from './proposal';

export { proposalFileName } from '../analysis/plan-files';

export function renderProposal(proposal: AdoptProposal, from: string, configFile: string): string {
  const fragment = proposalFragment(proposal);
  const header = [
    ` npm run adopt -- --env ${proposal.environment} --from ${from}: the config entries that give the account's`,
    ` CodePipeline access as it is, and the imports that make the first deploy take the existing resources over.`,
    ` Merge them into ${configFile} (npm run adopt -- ... --write does, keeping its comments), then npm run plan,`,
    ` npm run drift (no access difference should remain) and npx cdktf deploy ${proposal.environment}.`,
  ];
  const notes = proposal.notes.length > 0 ? ['', ' Notes:', ...proposal.notes.map((n) => ` - ${n}`)] : [];
  const residual =
    proposal.residual.length === 0
      ? ['', ' After adopting, every adopted user has exactly the access it has now.']
      : [
          '',
          ' After adopting, this access would still differ (- live only, + the config only):',
          ...proposal.residual.map(
            (r) => ` ${r.change} ${r.principal} ${r.actions.join(', ')} on ${r.resource} (${describeChangeContext(r)})`,
          ),
        ];
  const comments = [...header, ...notes, ...(Object.keys(fragment).length > 0 ? residual : [])]
    .map((line) => `#${line}`.trimEnd())
    .join('\n');
  if (Object.keys(fragment).length === 0)
    return `${comments}\n#\n# Nothing to adopt: no group, user or policy of the dump touches CodePipeline.\n`;
  return `${comments}\n\n${renderConfigData(fragment)}`;
}
