import { RULE_IDS } from '../../config/rule-ids';
import { actionsMatching, resourceCanMatch } from '../../iam/service-reference';
import { asList, statementsOf } from '../plan-principals';
import { findingsOf, statementLabel, type Finding, type Rule } from './rule';

export const wrongResourceType: Rule = {
  id: RULE_IDS.wrongResourceType,
  severity: 'error',
  summary: 'A CodePipeline action scoped to an ARN of the wrong resource type',
  explanation:
    'CodePipeline matches ARNs exactly: RetryStageExecution needs stage ARNs (<pipeline>/<stage>), PutApprovalResult action ARNs (<pipeline>/<stage>/<action>); a pipeline ARN alone grants neither. The grant silently does nothing. Scope each action to its resource type (see the service reference).',
  async check(context) {
    const finding = findingsOf(this, context);
    const out: Finding[] = [];
    for (const policy of context.env.policies.values()) {
      for (const [index, statement] of statementsOf(policy.document).entries()) {
        const resources = asList(statement.Resource).filter((r) => r !== '*');
        if (statement.Effect !== 'Allow' || resources.length === 0) continue;
        for (const pattern of asList(statement.Action).filter(
          (a) => a.toLowerCase().startsWith('codepipeline:') && !a.includes('*'),
        )) {
          const [action] = (await actionsMatching(pattern)) ?? [];
          if (!action || action.wildcardOnly) continue;
          if (!resources.some((r) => resourceCanMatch(r, action.arnFormats))) {
            out.push(
              finding(
                policy.address,
                `${statementLabel(statement.Sid, index)}.Action::${action.action}`,
                `${policy.name} grants ${action.action} only on ${resources.join(', ')}, none of which is a ${action.arnFormats.map((f) => f.split(':').slice(5).join(':')).join(' or ')} ARN`,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
