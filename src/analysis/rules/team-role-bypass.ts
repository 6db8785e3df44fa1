import { RULE_IDS } from '../../config/rule-ids';
import { matrixTargets } from '../access-matrix';
import { findingsOf, type Rule } from './rule';

/**
 * A member of a team delivered as a role should get the team's access only by assuming it (with MFA): the same
 * permissions held directly, through another group or a policy of their own, make the role (and its MFA) moot.
 * Each member who may do some of the role's cells with their own policies alone is flagged, with the cells.
 */
export const teamRoleBypass: Rule = {
  id: RULE_IDS.teamRoleBypass,
  severity: 'warning',
  summary: "A team role's member also holds the same permissions directly",
  explanation:
    "The team's access is meant to come from its role, assumed with MFA for a short session. A member who may do the same directly (another team's group, a policy attached to the user) never needs the role: remove the direct grant, or deliver that other team as a role too.",
  async check(context) {
    const finding = findingsOf(this, context);
    const { env, access, analysis, catalog } = context;
    const targets = matrixTargets(env, catalog);
    const findings = [];
    for (const role of env.roles) {
      if (!role.teamRole) continue;
      const cells = access.principals[`role/${role.name}`]?.allowed ?? {};
      const roleTargets = targets.filter((t) => (cells[t.key] ?? []).includes(t.action.replace(/^codepipeline:/, '')));
      for (const user of env.users.filter((u) => u.groups.includes(role.teamRole?.group ?? ''))) {
        const direct: string[] = [];
        for (const target of roleTargets) {
          const resource = target.target.kind === 'own-user' ? user.arn : target.resource;
          const outcome = await analysis.evaluate(
            { principal: user.arn, action: target.action, resource },
            user.policies,
          );
          if (outcome.decision === 'Allowed')
            direct.push(`${target.action.replace(/^codepipeline:/, '')} on ${target.key}`);
        }
        if (direct.length > 0)
          findings.push(
            finding(
              `user/${user.name}`,
              `Role::${role.name}`,
              `user ${user.name} may do ${direct.length} of team role ${role.name}'s cells without assuming it (${direct.slice(0, 3).join(', ')}${direct.length > 3 ? ', ...' : ''}), bypassing its MFA`,
            ),
          );
      }
    }
    return findings;
  },
};
