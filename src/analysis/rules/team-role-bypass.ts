import { RULE_IDS } from '../../config/rule-ids';
import { principalKey } from '../../iam/arns';
import { principalsAccess, type PrincipalAccess } from '../access-matrix';
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
    const findings = [];
    for (const role of env.roles) {
      if (!role.teamRole) continue;
      const roleCells = cellsOf(access.principals[principalKey(role.arn)]);
      const members = env.users.filter((u) => u.groups.includes(role.teamRole?.group ?? ''));
      // Each member with their own policies alone, in every context the matrix asks (MFA or not, any condition):
      // the matrix's own entry for them has the role's cells added (team-roles.ts).
      const direct = await principalsAccess(
        analysis,
        env,
        members.map((u) => ({
          arn: u.arn,
          via: [],
          policies: u.policies,
          isUser: true,
          boundary: u.permissionsBoundary,
        })),
        catalog,
      );
      for (const user of members) {
        const own = cellsOf(direct[principalKey(user.arn)]);
        const both = [...roleCells].filter((cell) => own.has(cell));
        if (both.length > 0)
          findings.push(
            finding(
              `user/${user.name}`,
              `Role::${role.name}`,
              `user ${user.name} may do ${both.length} of team role ${role.name}'s cells without assuming it (${both.slice(0, 3).join(', ')}${both.length > 3 ? ', ...' : ''}), bypassing its MFA`,
            ),
          );
      }
    }
    return findings;
  },
};

/** `<action> on <resource key>` of every cell an entry has, in any context (allowed or conditional). */
function cellsOf(entry: PrincipalAccess | undefined): Set<string> {
  const cells = new Set<string>();
  for (const [resource, actions] of Object.entries(entry?.allowed ?? {}))
    for (const action of actions) cells.add(`${action} on ${resource}`);
  for (const [resource, byAction] of Object.entries(entry?.conditional ?? {}))
    for (const [action, when] of Object.entries(byAction)) if (when.length > 0) cells.add(`${action} on ${resource}`);
  return cells;
}
