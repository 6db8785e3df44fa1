import { RULE_IDS } from '../../config/rule-ids';
import { asList, statementsOf } from '../plan-principals';
import { findingsOf, statementLabel, type Rule } from './rule';

export const codepipelineStar: Rule = {
  id: RULE_IDS.codepipelineStar,
  severity: 'error',
  summary: 'codepipeline:* (or *) outside an admin profile',
  explanation:
    'A wildcard over every CodePipeline action includes creating, editing and deleting pipelines and every action added to the service later. Outside the admin profile, list the actions the role needs (a custom profile) instead (checkov CKV_AWS_62/63/1/49).',
  check(context) {
    const finding = findingsOf(this, context);
    return [...context.env.policies.values()]
      .filter((p) => p.purpose !== 'profile:admin')
      .flatMap((policy) =>
        statementsOf(policy.document).flatMap((statement, index) =>
          statement.Effect !== 'Allow'
            ? []
            : asList(statement.Action)
                .filter((a) => a === '*' || a.toLowerCase() === 'codepipeline:*')
                .map((a) =>
                  finding(
                    policy.address,
                    `${statementLabel(statement.Sid, index)}.Action::${a}`,
                    `${policy.name} allows ${a} but is not an admin profile`,
                  ),
                ),
        ),
      );
  },
};
