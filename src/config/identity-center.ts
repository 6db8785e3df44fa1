/**
 * Checks between the `identityCenter` section and the teams, people and roles that use it: which environment
 * administers the instance, which teams are delivered through it and to which environments, which people it manages
 * as users, and the settings that only make sense together. Config only: the AWS limits of what resolves (permission
 * set names, inline policy sizes, permission sets per account) are checked on the model (src/model/limits.ts).
 */
import { caseCollisions, duplicates, type PartialConfig } from './references';
import { oneOf, problem, type ConfigPath, type ConfigProblem } from './problems';
import { deliveredByIam, deliveriesOf, type TeamConfig } from './schema';

const IC = 'identity-center';

/** `sectionFailed`: the identityCenter section is in the file but failed the schema (its problems are reported). */
export function checkIdentityCenter(config: PartialConfig, sectionFailed = false): ConfigProblem[] {
  const { identityCenter, environments, teams, people } = config;
  const problems: ConfigProblem[] = [];
  const environmentNames = environments?.map((e) => e.name);
  if (identityCenter && environmentNames && !environmentNames.includes(identityCenter.environment))
    problems.push(
      problem(
        ['identityCenter', 'environment'],
        `unknown environment; must be ${oneOf(environmentNames)} (the environment whose account administers Identity Center: the management account or a delegated administrator)`,
      ),
    );

  (teams ?? []).forEach((team, t) => {
    const at = (...rest: (string | number)[]): ConfigPath => ['teams', t, ...rest];
    const viaIc = deliveriesOf(team).has(IC);
    if (viaIc && !identityCenter && !sectionFailed)
      problems.push(
        problem(
          at('delivery'),
          'a team delivered through Identity Center needs the top-level identityCenter section (instanceArn, identityStoreId, environment)',
        ),
      );
    if (!viaIc && team.identityCenter)
      problems.push(
        problem(
          at('identityCenter'),
          `identityCenter settings apply only to a team delivered through Identity Center; add delivery: ${IC} (or [iam-group, ${IC}] while it moves)`,
        ),
      );
    if (!viaIc) return;
    (team.identityCenter?.environments ?? []).forEach((env, i) => {
      if (environmentNames && !environmentNames.includes(env))
        problems.push(
          problem(at('identityCenter', 'environments', i), `unknown environment; must be ${oneOf(environmentNames)}`),
        );
    });
    if (team.identityCenter?.groupId === undefined && team.identityCenter?.environments !== undefined)
      problems.push(
        problem(
          at('identityCenter', 'environments'),
          'environments apply to a group from your identity provider (groupId); a group managed here is assigned exactly where its members are (people[].memberships), so that nobody gets an account the config does not give them',
        ),
      );
    if (team.identityCenter?.groupId !== undefined && team.identityCenter.environments === undefined)
      problems.push(
        problem(
          at('identityCenter', 'groupId'),
          'a group from your identity provider (groupId) has its members there, not in this config: name the environments to assign the team in (identityCenter.environments)',
        ),
      );
  });
  const delivered = (teams ?? []).flatMap((team, t) => (deliveriesOf(team).has(IC) ? [{ team, t }] : []));
  problems.push(
    ...duplicates(
      delivered,
      ({ team }) => team.identityCenter?.permissionSetName ?? team.name,
      (i) => permissionSetNamePath(delivered[i].team, delivered[i].t),
      'permission set name',
    ),
  );
  problems.push(...checkMembers(config), ...checkTrusts(config));
  if (people) {
    const managed = people.flatMap((person, p) => (person.identityCenter ? [{ ...person.identityCenter, p }] : []));
    problems.push(
      ...duplicates(
        managed,
        (u) => u.userName,
        (i) => ['people', managed[i].p, 'identityCenter', 'userName'],
        'Identity Center user name',
      ),
      ...caseCollisions(
        managed,
        (u) => u.userName,
        (i) => ['people', managed[i].p, 'identityCenter', 'userName'],
        'Identity Center user name',
      ),
    );
  }
  return problems;
}

function permissionSetNamePath(team: TeamConfig, t: number): ConfigPath {
  return team.identityCenter?.permissionSetName !== undefined
    ? ['teams', t, 'identityCenter', 'permissionSetName']
    : ['teams', t, 'name'];
}

/**
 * People in teams delivered through Identity Center: the project manages them as Identity Center users (so it needs
 * their user details), except in groups from an identity provider, whose members are not the config's to name.
 */
function checkMembers({ teams, people }: PartialConfig): ConfigProblem[] {
  if (!teams || !people) return [];
  const problems: ConfigProblem[] = [];
  people.forEach((person, p) => {
    for (const [env, names] of Object.entries(person.memberships))
      names.forEach((name, i) => {
        const team = teams.find((candidate) => candidate.name === name);
        if (!team || !deliveriesOf(team).has(IC)) return;
        const at: ConfigPath = ['people', p, 'memberships', env, i];
        const iamToo = deliveredByIam(team);
        if (team.identityCenter?.groupId !== undefined) {
          if (!iamToo)
            problems.push(
              problem(
                at,
                `team "${name}" is delivered only through Identity Center with a group from your identity provider (groupId): its members are managed there, so this membership would do nothing; remove it and add the person to the group in your identity provider`,
              ),
            );
          return;
        }
        if (!person.identityCenter)
          problems.push(
            problem(
              at,
              `team "${name}" is delivered through Identity Center, whose members the project manages as Identity Center users: add people[${p}].identityCenter with userName, displayName, givenName, familyName and email`,
            ),
          );
      });
  });
  return problems;
}

/**
 * Identity Center sessions carry no `aws:MultiFactorAuthPresent` (MFA is asked at the access portal's sign-in, and
 * role sessions made from SAML assertions do not pass it on), so a role requiring MFA can never be assumed from them.
 * A team delivered only through Identity Center, trusted by such a role, could never use it.
 */
function checkTrusts({ environments, teams }: PartialConfig): ConfigProblem[] {
  if (!environments || !teams) return [];
  const problems: ConfigProblem[] = [];
  environments.forEach((env, e) =>
    env.crossAccountRoles.forEach((role, r) => {
      if (!role.requireMfa || role.trust.environment === undefined) return;
      role.trust.teams.forEach((name, i) => {
        const team = teams.find((candidate) => candidate.name === name);
        if (!team) return;
        if (deliveriesOf(team).has(IC) && !deliveredByIam(team))
          problems.push(
            problem(
              ['environments', e, 'crossAccountRoles', r, 'trust', 'teams', i],
              `team "${name}" is delivered only through Identity Center, whose sessions never carry aws:MultiFactorAuthPresent, so role "${role.name}" (requireMfa: true) could never be assumed by it; set requireMfa: false on this role (Identity Center asks for MFA at sign-in) or deliver the team as an IAM group too`,
            ),
          );
      });
    }),
  );
  return problems;
}
