import { RULE_IDS } from '../../config/rule-ids';
import { principalsOf, statementsOf } from '../plan-principals';
import { namesWhoAssumes } from '../trust-guards';
import { findingsOf, statementLabel, type Rule } from './rule';

/**
 * A team's own role is for its members: its trust must let in exactly them. Flags a team role that someone outside
 * the team's group may assume (as the analysis decided it), and a trust statement that lets in a whole account
 * without naming who (no exact aws:PrincipalArn condition, trust-guards.ts), so that anyone the account allows could assume it.
 */
export const teamRoleTrust: Rule = {
  id: RULE_IDS.teamRoleTrust,
  severity: 'error',
  summary: "A team role's trust is wider than the team's members",
  explanation:
    "A team delivered as a role (delivery: iam-role) gives its access to whoever may assume the role. Its trust should name exactly the team's members (the account root with an aws:PrincipalArn condition listing their user ARNs, as the stack renders it), with MFA; let nobody else in, and do not edit the trust outside the config.",
  check(context) {
    const finding = findingsOf(this, context);
    const { env, access } = context;
    return env.roles.flatMap((role) => {
      const team = role.teamRole;
      if (!team) return [];
      const members = new Set(env.users.filter((u) => u.groups.includes(team.group)).map((u) => u.arn));
      const outsiders = Object.entries(access.assumeRole[role.name] ?? {})
        .filter(([principal, when]) => when.length > 0 && !members.has(principal))
        .map(([principal]) =>
          finding(
            role.address,
            `Principal::${principal}`,
            `team role ${role.name} of team ${team.team} may be assumed by ${principal}, who is not in its group ${team.group}`,
          ),
        );
      const unnamed = statementsOf(role.trust).flatMap((statement, index) => {
        if (statement.Effect !== 'Allow') return [];
        if (namesWhoAssumes(statement).principals) return [];
        return principalsOf(statement)
          .filter((p) => p === '*' || /^\d{12}$/.test(p) || p.endsWith(':root'))
          .map((p) =>
            finding(
              role.address,
              `${statementLabel(statement.Sid, index)}.Principal::${p}`,
              `team role ${role.name} trusts ${p} without naming its members (an exact aws:PrincipalArn): anyone there whose own policies allow sts:AssumeRole may assume it`,
            ),
          );
      });
      return [...outsiders, ...unnamed];
    });
  },
};
