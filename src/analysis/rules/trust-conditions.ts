import { RULE_IDS } from '../../config/rule-ids';
import { asList, statementsOf } from '../plan-principals';
import { namesWhoAssumes, requiresMfa } from '../trust-guards';
import { findingsOf, statementLabel, type Rule } from './rule';

export const trustConditions: Rule = {
  id: RULE_IDS.trustConditions,
  severity: 'warning',
  summary: 'A role trusts a whole account without MFA or an external id (an error when it trusts everyone)',
  explanation:
    'A trust policy naming an account root lets every principal that account allows assume the role. Require MFA (requireMfa: true) for people, an external id for third parties; never trust "*" (checkov CKV_AWS_60).',
  check(context) {
    const finding = findingsOf(this, context);
    return context.env.roles.flatMap((role) =>
      statementsOf(role.trust).flatMap((statement, index) => {
        if (statement.Effect !== 'Allow') return [];
        const principal = statement.Principal as { AWS?: string | string[] } | string | undefined;
        const aws = typeof principal === 'string' ? [principal] : asList(principal?.AWS);
        const where = statementLabel(statement.Sid, index);
        if (aws.includes('*'))
          return [
            finding(role.address, `${where}.Principal::*`, `role ${role.name} trusts every AWS principal`, 'error'),
          ];
        // A trust that names who may assume it (a team role's members) does not trust the whole account; a key
        // merely named (BoolIfExists, a Not operator, a wildcard) guards nothing (trust-guards.ts).
        const names = namesWhoAssumes(statement);
        const guarded = requiresMfa(statement) || names.externalId || names.principals;
        return aws
          .filter((p) => /^\d{12}$/.test(p) || p.endsWith(':root'))
          .filter(() => !guarded)
          .map((p) =>
            finding(
              role.address,
              `${where}.Principal::${p}`,
              `role ${role.name} trusts all of ${p} without an MFA or external-id condition`,
            ),
          );
      }),
    );
  },
};
