import { RULE_IDS } from '../../config/rule-ids';
import { actionsMatching } from '../../iam/service-reference';
import { asList, statementsOf } from '../plan-principals';
import { findingsOf, statementLabel, type Finding, type Rule } from './rule';

export const unknownAction: Rule = {
  id: RULE_IDS.unknownAction,
  severity: 'error',
  summary: 'An action that does not exist in the service authorization reference',
  explanation:
    'IAM accepts unknown actions silently, so a misspelled action grants nothing and hides the mistake. Use the exact name from the service reference (the config check suggests the closest).',
  async check(context) {
    const finding = findingsOf(this, context);
    const out: Finding[] = [];
    for (const policy of context.env.policies.values()) {
      for (const [index, statement] of statementsOf(policy.document).entries()) {
        for (const pattern of [...asList(statement.Action), ...asList(statement.NotAction)]) {
          if (pattern === '*') continue;
          const matched = await actionsMatching(pattern);
          if (matched === undefined || matched.length === 0) {
            const why =
              matched === undefined
                ? `the service "${pattern.split(':')[0]}" is unknown`
                : 'no action of the service matches it';
            out.push(
              finding(
                policy.address,
                `${statementLabel(statement.Sid, index)}.Action::${pattern}`,
                `${policy.name}: ${pattern} is not a known action (${why})`,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
