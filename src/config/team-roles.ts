/**
 * Checks of teams delivered as in-account roles (`delivery: iam-role`): the role is assumed by the team's members in
 * its own account, so it needs members there; a team's IAM delivery is a group or a role, not both; role settings
 * belong to a team delivered so. The names, quotas and policy sizes of what resolves are checked on the model.
 */
import { oneOf, problem, type ConfigProblem } from './problems';
import type { PartialConfig } from './references';
import { deliveriesOf } from './schema';

export function checkTeamRoles({ teams, people, environments }: PartialConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = environments?.map((e) => e.name);
  (teams ?? []).forEach((team, t) => {
    const kinds = deliveriesOf(team);
    if (kinds.has('iam-group') && kinds.has('iam-role'))
      problems.push(
        problem(
          ['teams', t, 'delivery'],
          'a team is delivered as an IAM group or as a role its group may assume, not both: choose "iam-group" or "iam-role"',
        ),
      );
    if (!kinds.has('iam-role')) {
      if (team.role)
        problems.push(
          problem(
            ['teams', t, 'role'],
            'role settings apply only to a team delivered as a role; add delivery: iam-role',
          ),
        );
      return;
    }
    (team.role?.environments ?? []).forEach((env, i) => {
      const at = ['teams', t, 'role', 'environments', i];
      if (names && !names.includes(env)) {
        problems.push(problem(at, `unknown environment; must be ${oneOf(names)}`));
        return;
      }
      const members = (people ?? []).filter((p) => p.memberships[env]?.includes(team.name));
      const elsewhere = [
        ...new Set(
          (people ?? []).flatMap((p) => Object.keys(p.memberships).filter((e) => p.memberships[e].includes(team.name))),
        ),
      ];
      if (people && members.length === 0)
        problems.push(
          problem(
            at,
            `no member of team "${team.name}" is in environment "${env}": a team role is assumed only by the team's members in its own account${elsewhere.length > 0 ? ` (they are in ${oneOf(elsewhere)})` : ''}; for people of another account, use a cross-account role (crossAccountRoles)`,
          ),
        );
    });
  });
  return problems;
}
