/**
 * Teams delivered through IAM Identity Center, resolved: one permission set per team (its grants of every
 * environment it is assigned in, merged into one inline policy), the identity store groups and users the project
 * manages, and one account assignment per group, permission set and account.
 *
 * A group in Identity Center is not per account the way an IAM group is: whoever is in it gets every account it is
 * assigned in. So a team's managed members are grouped by the environments they are members in (jin in prod and
 * staging, ana in dev: two groups), and each person gets exactly the accounts the config gives them. A group from an
 * external identity provider (SCIM) is assigned in the environments the team names.
 */
import { deliveredByIam, deliveriesOf, type AccessConfig, type TeamConfig } from '../config/schema';
import type { ConfigPath } from '../config/problems';
import { renderPolicy, sortedUnique, type PolicyDocument, type PolicyStatement } from '../iam/policy-document';
import type {
  AccountAssignmentModel,
  IdentityCenterGroupModel,
  IdentityCenterModel,
  IdentityCenterUserModel,
  PermissionSetModel,
} from './types';

/** What resolution knows of one environment that the Identity Center resolution reads. */
export interface IdentityCenterSources {
  readonly config: AccessConfig;
  /** The account of an environment of the config. */
  readonly accountOf: (environment: string) => string;
  /** The region of an environment of the config. */
  readonly regionOf: (environment: string) => string;
  /** The team's grant statements in an environment, as its IAM policies have them. */
  readonly teamStatements: (environment: string, team: string) => readonly PolicyStatement[];
  /** The ARNs of the cross-account roles that trust the team in an environment (its sts:AssumeRole grants). */
  readonly trustingRoles: (environment: string, team: string) => readonly string[];
}

export const IDENTITY_CENTER = 'identity-center';

/** Whether a team is delivered through Identity Center. */
export const viaIdentityCenter = (team: Pick<TeamConfig, 'delivery'>) => deliveriesOf(team).has(IDENTITY_CENTER);

/** The permission set name of a team: its identityCenter.permissionSetName, or its own name. */
export const permissionSetName = (team: TeamConfig) => team.identityCenter?.permissionSetName ?? team.name;

export function resolveIdentityCenter(sources: IdentityCenterSources): IdentityCenterModel | undefined {
  const { config } = sources;
  const ic = config.identityCenter;
  if (!ic) return undefined;
  const permissionSets: PermissionSetModel[] = [];
  const groups: IdentityCenterGroupModel[] = [];
  const assignments: AccountAssignmentModel[] = [];
  const alsoIamGroups: Record<string, string> = {};
  config.teams.forEach((team, t) => {
    if (!viaIdentityCenter(team)) return;
    const teamGroups = groupsOf(team, t, config);
    const environments = config.environments
      .map((e) => e.name)
      .filter((e) => teamGroups.some((g) => g.environments.includes(e)));
    const name = permissionSetName(team);
    const document: PolicyDocument = {
      statements: mergeStatements(
        environments.flatMap((env) => [
          ...sources.teamStatements(env, team.name),
          ...assumeRoleStatement(sources.trustingRoles(env, team.name)),
        ]),
      ),
    };
    const kinds = sortedUnique(
      team.grants.flatMap((g) => config.profiles.find((p) => p.name === g.profile)?.kind ?? []),
    ) as PermissionSetModel['kinds'];
    permissionSets.push({
      name,
      team: team.name,
      description: team.identityCenter?.description ?? `CodePipeline access of team ${team.name} (codepipeline-access)`,
      sessionDuration: team.identityCenter?.sessionDuration ?? ic.sessionDuration,
      kinds,
      document,
      json: renderPolicy(document),
      origin:
        team.identityCenter?.permissionSetName !== undefined
          ? ['teams', t, 'identityCenter', 'permissionSetName']
          : ['teams', t, 'name'],
    });
    groups.push(...teamGroups);
    for (const group of teamGroups)
      for (const env of group.environments)
        assignments.push({
          group: group.key,
          permissionSet: name,
          environment: env,
          accountId: sources.accountOf(env),
        });
    if (deliveredByIam(team)) alsoIamGroups[name] = team.groupName ?? team.name;
  });
  const users = config.people.flatMap((person, p): IdentityCenterUserModel[] =>
    person.identityCenter
      ? [{ person: person.name, ...person.identityCenter, origin: ['people', p, 'identityCenter'] }]
      : [],
  );
  return {
    instanceArn: ic.instanceArn,
    identityStoreId: ic.identityStoreId,
    environment: ic.environment,
    region: ic.region ?? sources.regionOf(ic.environment),
    portalUrl: ic.portalUrl ?? `https://${ic.identityStoreId}.awsapps.com/start`,
    permissionSets,
    groups,
    users,
    assignments,
    alsoIamGroups,
    origin: ['identityCenter'],
  };
}

/**
 * The groups of one team: an external group in its named environments, or the team's managed members grouped by
 * the environments they are members in (one group when they all are in the same ones).
 */
function groupsOf(team: TeamConfig, t: number, config: AccessConfig): IdentityCenterGroupModel[] {
  const base = team.identityCenter?.groupName ?? team.groupName ?? team.name;
  const origin: ConfigPath = ['teams', t];
  const description = `Members of team ${team.name} (codepipeline-access)`;
  const externalId = team.identityCenter?.groupId;
  if (externalId !== undefined) {
    const environments = team.identityCenter?.environments ?? [];
    return [
      {
        key: groupKey(team.name, environments),
        team: team.name,
        displayName: base,
        description,
        externalId,
        members: [],
        environments: [...environments],
        origin,
      },
    ];
  }
  const order = config.environments.map((e) => e.name);
  const bySet = new Map<string, { environments: string[]; members: string[] }>();
  for (const person of config.people) {
    const environments = order.filter((env) => person.memberships[env]?.includes(team.name));
    if (environments.length === 0) continue;
    const key = environments.join('+');
    const entry = bySet.get(key) ?? { environments, members: [] };
    entry.members.push(person.name);
    bySet.set(key, entry);
  }
  const sets = [...bySet.values()];
  return sets.map(({ environments, members }) => ({
    key: groupKey(team.name, environments),
    team: team.name,
    // The team's name alone while its members share their environments; per set of environments otherwise.
    displayName: sets.length === 1 ? base : `${base} (${environments.join(', ')})`,
    description,
    members: [...members].sort(),
    environments,
    origin,
  }));
}

/** A group's key: its team and environments, `helprr-backend-developer__prod__staging`. */
const groupKey = (team: string, environments: readonly string[]) => [team, ...environments].join('__');

function assumeRoleStatement(roles: readonly string[]): PolicyStatement[] {
  return roles.length === 0
    ? []
    : [{ sid: 'AssumeCrossAccountRole', effect: 'Allow', actions: ['sts:AssumeRole'], resources: roles }];
}

/**
 * Statements that differ only in their resources become one listing all of them (the same grant in two accounts);
 * statements that share a Sid but differ otherwise keep apart under numbered Sids, which IAM requires to be unique.
 */
export function mergeStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const merged = new Map<string, { statement: PolicyStatement; resources?: Set<string> }>();
  for (const statement of statements) {
    const shape = JSON.stringify([
      statement.sid,
      statement.effect,
      statement.principal ?? null,
      sortedUnique(statement.actions),
      statement.resources === undefined,
      renderPolicy({ statements: [{ ...statement, sid: 'x', actions: [], resources: undefined }] }),
    ]);
    const entry = merged.get(shape);
    if (!entry) merged.set(shape, { statement, resources: statement.resources && new Set(statement.resources) });
    else for (const resource of statement.resources ?? []) entry.resources?.add(resource);
  }
  // Two statements that differ but share a Sid get Sid, Sid2, ...: the next number no statement has taken.
  const taken = new Set<string>();
  return [...merged.values()].map(({ statement, resources }) => {
    let sid = statement.sid;
    for (let n = 2; taken.has(sid); n++) sid = `${statement.sid}${n}`;
    taken.add(sid);
    return { ...statement, sid, ...(resources ? { resources: [...resources].sort() } : {}) };
  });
}
