/**
 * What the config means, as data: per environment, which grants each principal holds (profile kind, pipelines,
 * approval actions, custom actions), who each role is meant to trust and under which conditions, which roles may
 * read which artifact bucket, which uploads a bucket is meant to take. Worked out from the config and the
 * resolved scopes alone, never from the rendered policies: the analysis holds the plan's simulated matrix against
 * it cell by cell (src/analysis/intent-check.ts), so a rendering mistake cannot hide behind itself.
 */
import { arns, identityCenterNames, principalKey } from '../iam/arns';
import { deliveredByIam, type AccessConfig, type ProfileKind } from '../config/schema';
import type { ConfigProblem } from '../config/problems';
import { resolveScope } from './resolve';
import type { AccessModel, EnvironmentModel } from './types';

export interface IntendedGrant {
  readonly kind: ProfileKind;
  /** `all`, or the pipelines the grant names. */
  readonly pipelines: 'all' | readonly string[];
  /** Approver grants: `pipeline/stage/action` of each approval action. */
  readonly approvals: readonly string[];
  /** Custom grants: the action names. */
  readonly actions: readonly string[];
  /**
   * The context the grant needs: MFA for a grant a user holds through a team role that requires it (the user must
   * assume the role with MFA first). @default - any context
   */
  readonly context?: Readonly<Record<string, string>>;
}

export interface IntendedPrincipal {
  readonly grants: readonly IntendedGrant[];
  /** A console user: may change their own password. */
  readonly console: boolean;
  /** Artifact buckets this role is a reader of. */
  readonly reads: readonly string[];
}

export interface IntendedTrust {
  /**
   * Principal ARNs meant to assume the role: the trusted teams' members (IAM users, or the roles Identity Center
   * provisions for the teams), or the trusted account's root; for a role Identity Center provisions, the members of
   * the groups assigned its permission set (as the access file names them).
   */
  readonly principals: readonly string[];
  /** The context a request must carry: MFA, the external id. */
  readonly context: Readonly<Record<string, string>>;
}

export interface EnvironmentIntent {
  readonly environment: string;
  /** `user/<name>` or `role/<name>`. */
  readonly principals: Readonly<Record<string, IntendedPrincipal>>;
  /** Role name -> who is meant to assume it. */
  readonly trusts: Readonly<Record<string, IntendedTrust>>;
  /** Bucket -> the KMS key uploads must use, when pinned. */
  readonly buckets: Readonly<Record<string, { readonly kmsKeyArn?: string }>>;
  readonly pipelines: readonly EnvironmentModel['pipelines'][number][];
}

export interface AccessIntent {
  readonly environments: readonly EnvironmentIntent[];
}

export function accessIntent(config: AccessConfig, model: AccessModel): AccessIntent {
  const ignored: ConfigProblem[] = []; // the config was checked already: resolving it again finds nothing new
  const profile = (name: string) => config.profiles.find((p) => p.name === name);
  const grantOf = (
    env: AccessConfig['environments'][number],
    profileName: string,
    selector: AccessConfig['teams'][number]['grants'][number]['pipelines'],
    approvalFilter?: readonly string[],
  ): IntendedGrant[] => {
    const p = profile(profileName);
    if (!p) return [];
    const scope = resolveScope({ env, selector, kind: p.kind, approvalFilter, at: [] }, ignored);
    return [
      {
        kind: p.kind,
        pipelines: scope.pipelines,
        approvals: scope.approvals.map((a) => `${a.pipeline}/${a.stage}/${a.action}`),
        actions: p.actions ?? [],
      },
    ];
  };
  // Per environment and team, once: every member of a team shares its grants (100 people x 50 accounts asked it
  // 10,000 times).
  const grantsOfTeam = new Map<string, IntendedGrant[]>();
  const teamGrants = (env: AccessConfig['environments'][number], team: string): IntendedGrant[] => {
    const key = JSON.stringify([env.name, team]);
    let grants = grantsOfTeam.get(key);
    if (!grants) {
      grants = (config.teams.find((t) => t.name === team)?.grants ?? []).flatMap((g) =>
        grantOf(env, g.profile, g.pipelines, g.approvalActions),
      );
      grantsOfTeam.set(key, grants);
    }
    return grants;
  };
  const byIam = (team: string) => {
    const t = config.teams.find((candidate) => candidate.name === team);
    return t !== undefined && deliveredByIam(t);
  };
  /** The teams of a person in an environment that reach them as an IAM user. */
  const iamTeams = (person: AccessConfig['people'][number], envName: string) =>
    (person.memberships[envName] ?? []).filter(byIam);
  const membersOf = (envName: string, teams: readonly string[]) =>
    config.people.filter((person) => iamTeams(person, envName).some((t) => teams.includes(t)));
  const ic = model.identityCenter;
  /** The roles Identity Center provisions in an environment's account, with the team and who may take each. */
  const identityCenterRoles = (env: AccessConfig['environments'][number]) =>
    ic === undefined
      ? []
      : ic.permissionSets.flatMap((set) => {
          const assigned = ic.assignments.filter((a) => a.permissionSet === set.name && a.environment === env.name);
          if (assigned.length === 0) return [];
          const groups = ic.groups.filter((g) => assigned.some((a) => a.group === g.key));
          const userName = (person: string) => ic.users.find((u) => u.person === person)?.userName ?? person;
          return [
            {
              team: set.team,
              arn: identityCenterNames.roleArn(env, ic.region, set.name),
              name: identityCenterNames.roleName(set.name),
              takenBy: groups.flatMap((g) =>
                g.externalId !== undefined
                  ? [identityCenterNames.externalGroup(g.externalId)]
                  : g.members.map((m) => identityCenterNames.user(userName(m))),
              ),
            },
          ];
        });

  const environments = config.environments.map((env): EnvironmentIntent => {
    const envModel = model.environments.find((e) => e.name === env.name);
    const teamRoles = (envModel?.roles ?? []).filter((r) => r.teamRole !== undefined);
    const principals: Record<string, IntendedPrincipal> = {};
    for (const person of config.people) {
      const teams = iamTeams(person, env.name);
      if (teams.length === 0) continue;
      principals[`user/${person.name}`] = {
        // A team delivered as a role reaches its members through it: with MFA where the role requires it.
        grants: teams.flatMap((team) => {
          const role = teamRoles.find((r) => r.teamRole?.team === team);
          const grants = teamGrants(env, team);
          return role?.teamRole?.requireMfa
            ? grants.map((g) => ({ ...g, context: { 'aws:MultiFactorAuthPresent': 'true' } }))
            : grants;
        }),
        console: person.console.enabled,
        reads: [],
      };
    }
    const trusts: Record<string, IntendedTrust> = {};
    for (const role of teamRoles) {
      const team = role.teamRole;
      if (!team) continue;
      principals[`role/${role.name}`] = { grants: teamGrants(env, team.team), console: false, reads: [] };
      trusts[role.name] = {
        principals: team.members.map((m) => arns.iamUser(env, m)),
        context: team.requireMfa ? { 'aws:MultiFactorAuthPresent': 'true' } : {},
      };
    }
    for (const role of identityCenterRoles(env)) {
      principals[principalKey(role.arn)] = {
        grants: teamGrants(env, role.team),
        console: false,
        reads: [],
      };
      trusts[role.name] = { principals: [...role.takenBy].sort(), context: {} };
    }
    for (const role of env.crossAccountRoles) {
      principals[`role/${role.name}`] = {
        grants: grantOf(env, role.profile, role.pipelines),
        console: false,
        reads: env.artifactBuckets.filter((b) => b.readers.includes(role.name)).map((b) => b.name),
      };
      const trusted = config.environments.find((e) => e.name === role.trust.environment);
      const context: Record<string, string> = {};
      if (role.requireMfa) context['aws:MultiFactorAuthPresent'] = 'true';
      if (role.externalId !== undefined) context['sts:ExternalId'] = role.externalId;
      trusts[role.name] = {
        principals: trusted
          ? [
              ...membersOf(trusted.name, role.trust.teams).map((p) => arns.iamUser(trusted, p.name)),
              ...identityCenterRoles(trusted)
                .filter((r) => role.trust.teams.includes(r.team))
                .map((r) => r.arn),
            ]
          : role.trust.accountId !== undefined
            ? [arns.accountRoot({ accountId: role.trust.accountId, region: env.region })]
            : [],
        context,
      };
    }
    return {
      environment: env.name,
      principals,
      trusts,
      buckets: Object.fromEntries(env.artifactBuckets.map((b) => [b.name, { kmsKeyArn: b.kmsKeyArn }])),
      pipelines: envModel?.pipelines ?? env.pipelines,
    };
  });
  return { environments };
}
