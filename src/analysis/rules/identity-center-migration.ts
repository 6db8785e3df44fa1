import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

/**
 * A team delivered both as an IAM group and through IAM Identity Center is a migration under way: its people have
 * long-lived IAM users beside their Identity Center access. Each such IAM user is flagged, so the migration is
 * finished (the team's delivery set to identity-center alone) rather than left running.
 */
export const identityCenterMigration: Rule = {
  id: RULE_IDS.identityCenterMigration,
  severity: 'warning',
  summary: 'A person has IAM user access through a team that Identity Center delivers too (migration unfinished)',
  explanation:
    "While a team is delivered both ways, its people keep an IAM user (a console password, long-lived credentials) beside the Identity Center role that gives them the same access. Once they sign in through the access portal, set the team's delivery to identity-center: the IAM group goes, and so does the IAM user of anyone left in no IAM-delivered team (checkov CKV_AWS_273 flags every IAM user).",
  check(context) {
    const finding = findingsOf(this, context);
    return context.env.identityCenterRoles.flatMap((role) => {
      const group = role.alsoIamGroup;
      if (group === undefined) return [];
      return context.env.users
        .filter((user) => user.groups.includes(group))
        .map((user) =>
          finding(
            `user/${user.name}`,
            `Group::${group}`,
            `user ${user.name} has IAM user access through group ${group}, whose team Identity Center also delivers (permission set ${role.permissionSet}): finish the migration with delivery: identity-center`,
          ),
        );
    });
  },
};
