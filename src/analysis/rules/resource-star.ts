import { RULE_IDS } from '../../config/rule-ids';
import { actionsMatching } from '../../iam/service-reference';
import { asList, statementsOf } from '../plan-principals';
import { findingsOf, statementLabel, type Finding, type Rule } from './rule';

export const resourceStar: Rule = {
  id: RULE_IDS.resourceStar,
  severity: 'error',
  summary: '`Resource: "*"` on actions that can be scoped to resources',
  explanation:
    'Only wildcard-only actions (ListPipelines, GetAccountPasswordPolicy, ...) need "*". Scope the others to pipeline, stage or action ARNs, or to the account-wide codepipeline:<region>:<account>:* (checkov CKV_AWS_355/356). Admin profiles are not exempt: they use the account-wide ARN.',
  async check(context) {
    const finding = findingsOf(this, context);
    const out: Finding[] = [];
    for (const policy of context.env.policies.values()) {
      for (const [index, statement] of statementsOf(policy.document).entries()) {
        if (statement.Effect !== 'Allow' || !asList(statement.Resource).includes('*')) continue;
        for (const pattern of asList(statement.Action)) {
          const covered = pattern === '*' ? undefined : await actionsMatching(pattern);
          const scopable = pattern === '*' || (covered ?? []).some((a) => !a.wildcardOnly);
          if (scopable) {
            out.push(
              finding(
                policy.address,
                `${statementLabel(statement.Sid, index)}.Action::${pattern}`,
                `${policy.name} allows ${pattern} on "*" though it can be scoped to resources`,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
