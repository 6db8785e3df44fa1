import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

export const userAttachedPolicy: Rule = {
  id: RULE_IDS.userAttachedPolicy,
  severity: 'error',
  summary: 'A policy is attached to a user directly',
  explanation:
    'Access should come only through groups (teams), so it is reviewed and revoked per team. Move the policy to a team grant and remove the direct attachment (checkov CKV_AWS_40, trivy AVD-AWS-0143).',
  check(context) {
    const finding = findingsOf(this, context);
    return context.env.users.flatMap((user) =>
      user.directPolicies.map((p) =>
        finding(
          `user/${user.name}`,
          `Policy::${p.name}`,
          `user ${user.name} has policy ${p.name} attached directly (${p.address})`,
        ),
      ),
    );
  },
};
