/**
 * Checks between config entries: names are unique, references point at something that exists, and
 * custom actions exist in the service reference. Each check runs when the sections it reads passed
 * the schema, so one broken section does not hide the problems of the others.
 */
import type { ActionCatalog } from '../iam/action-catalog';
import { checkAuditTrails } from './audit-trail';
import { customActionProblem } from './custom-actions';
import { checkEnvironmentArns } from './environment-arns';
import { checkIdentityCenter } from './identity-center';
import { checkTeamRoles } from './team-roles';
import { oneOf, problem, type ConfigPath, type ConfigProblem } from './problems';
import type { AccessConfig, SectionName } from './schema';

export type PartialConfig = Partial<AccessConfig>;

export function checkReferences(
  config: PartialConfig,
  catalog: ActionCatalog,
  /** Sections that failed the schema (absent from `config` though the file has them). @default - none */
  failed: readonly SectionName[] = [],
): ConfigProblem[] {
  return [
    ...checkEnvironments(config),
    ...checkProfiles(config, catalog),
    ...checkTeams(config),
    ...checkPeople(config),
    ...checkCrossAccountRoles(config),
    ...checkEnvironmentArns(config),
    ...checkAuditTrails(config),
    ...checkSuppressions(config),
    ...checkIdentityCenter(config, failed.includes('identityCenter')),
    ...checkTeamRoles(config),
  ];
}

/** One problem for every entry whose key repeats an earlier entry's. */
export function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  path: (index: number) => ConfigPath,
  what: string,
): ConfigProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    const first = firstIndex.get(k);
    if (first === undefined) firstIndex.set(k, index);
    else
      problems.push(
        problem(path(index), `duplicate ${what} "${k}" (first defined at index ${first}); ${what}s must be unique`),
      );
  });
  return problems;
}

function checkEnvironments({ environments }: PartialConfig): ConfigProblem[] {
  if (!environments) return [];
  const problems = [
    ...duplicates(
      environments,
      (e) => e.name,
      (i) => ['environments', i, 'name'],
      'environment name',
    ),
    ...duplicates(
      environments,
      (e) => e.accountId,
      (i) => ['environments', i, 'accountId'],
      'account id',
    ),
  ];
  environments.forEach((env, e) => {
    const at = (...rest: (string | number)[]) => ['environments', e, ...rest];
    problems.push(
      ...duplicates(
        env.pipelines,
        (p) => p.name,
        (i) => at('pipelines', i, 'name'),
        'pipeline name',
      ),
    );
    env.pipelines.forEach((pipeline, p) => {
      problems.push(
        ...duplicates(
          pipeline.stages,
          (s) => s.name,
          (i) => at('pipelines', p, 'stages', i, 'name'),
          'stage name',
        ),
      );
    });
    // Webhook names are unique per account and region, whichever pipeline they trigger.
    const webhooks = env.pipelines.flatMap((pipeline, p) => pipeline.webhooks.map((name, w) => ({ name, p, w })));
    problems.push(
      ...duplicates(
        webhooks,
        (hook) => hook.name,
        (i) => at('pipelines', webhooks[i].p, 'webhooks', webhooks[i].w),
        'webhook name',
      ),
      ...duplicates(
        env.actionTypes,
        (t) => `${t.owner}/${t.category}/${t.provider}/${t.version}`,
        (i) => at('actionTypes', i),
        'action type',
      ),
    );
    problems.push(
      ...duplicates(
        env.artifactBuckets,
        (b) => b.name,
        (i) => at('artifactBuckets', i, 'name'),
        'bucket name',
      ),
    );
    problems.push(
      ...duplicates(
        env.crossAccountRoles,
        (r) => r.name,
        (i) => at('crossAccountRoles', i, 'name'),
        'role name',
      ),
    );
    const roleNames = env.crossAccountRoles.map((r) => r.name);
    env.artifactBuckets.forEach((bucket, b) =>
      bucket.readers.forEach((reader, r) => {
        if (!roleNames.includes(reader)) {
          problems.push(
            problem(
              at('artifactBuckets', b, 'readers', r),
              `unknown reader role; must be ${oneOf(roleNames)} (crossAccountRoles of this environment)`,
            ),
          );
        }
      }),
    );
  });
  return problems;
}

function checkProfiles({ profiles }: PartialConfig, catalog: ActionCatalog): ConfigProblem[] {
  if (!profiles) return [];
  const problems = duplicates(
    profiles,
    (p) => p.name,
    (i) => ['profiles', i, 'name'],
    'profile name',
  );
  profiles.forEach((profile, p) => {
    if (profile.kind !== 'custom') {
      if (profile.actions !== undefined) {
        problems.push(
          problem(
            ['profiles', p, 'actions'],
            `actions are only allowed with kind "custom"; kind "${profile.kind}" has a fixed action set`,
          ),
        );
      }
      return;
    }
    if (!profile.actions || profile.actions.length === 0) {
      problems.push(
        problem(['profiles', p, 'actions'], 'a custom profile needs a non-empty list of CodePipeline actions'),
      );
      return;
    }
    profile.actions.forEach((action, a) => {
      const message = customActionProblem(action, catalog);
      if (message !== undefined) problems.push(problem(['profiles', p, 'actions', a], message));
    });
    problems.push(
      ...duplicates(
        profile.actions,
        (a) => a,
        (i) => ['profiles', p, 'actions', i],
        'action',
      ),
    );
  });
  return problems;
}

function checkTeams({ teams, profiles }: PartialConfig): ConfigProblem[] {
  if (!teams) return [];
  const problems = duplicates(
    teams,
    (t) => t.name,
    (i) => ['teams', i, 'name'],
    'team name',
  );
  if (!profiles) return problems;
  const profileKinds = new Map(profiles.map((p) => [p.name, p.kind]));
  teams.forEach((team, t) =>
    team.grants.forEach((grant, g) => {
      const kind = profileKinds.get(grant.profile);
      if (kind === undefined) {
        problems.push(
          problem(['teams', t, 'grants', g, 'profile'], `unknown profile; must be ${oneOf(profileKinds.keys())}`),
        );
      } else if (grant.approvalActions !== undefined && kind !== 'approver') {
        problems.push(
          problem(
            ['teams', t, 'grants', g, 'approvalActions'],
            `approvalActions only apply to approver profiles; "${grant.profile}" is kind "${kind}"`,
          ),
        );
      }
    }),
  );
  return problems;
}

/**
 * One problem for every entry whose key differs only in case from an earlier entry's: IAM names are
 * case-insensitive, so `Jin` and `jin` would be one user.
 */
export function caseCollisions<T>(
  items: readonly T[],
  key: (item: T) => string,
  path: (index: number) => ConfigPath,
  what: string,
): ConfigProblem[] {
  const first = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    const earlier = first.get(k.toLowerCase());
    if (earlier === undefined) first.set(k.toLowerCase(), index);
    else if (key(items[earlier]) !== k)
      problems.push(
        problem(
          path(index),
          `${what} "${k}" differs only in case from "${key(items[earlier])}" at {related}; IAM names are case-insensitive, so both would be one and the same name in AWS`,
          { related: path(earlier) },
        ),
      );
  });
  return problems;
}

function checkPeople({ people, environments, teams }: PartialConfig): ConfigProblem[] {
  if (!people) return [];
  const problems = [
    ...duplicates(
      people,
      (p) => p.name,
      (i) => ['people', i, 'name'],
      'person name',
    ),
    ...caseCollisions(
      people,
      (p) => p.name,
      (i) => ['people', i, 'name'],
      'user name',
    ),
  ];
  people.forEach((person, p) => {
    for (const [envName, teamNames] of Object.entries(person.memberships)) {
      if (environments && !environments.some((e) => e.name === envName)) {
        problems.push(
          problem(
            ['people', p, 'memberships', envName],
            `unknown environment "${envName}"; must be ${oneOf(environments.map((e) => e.name))}`,
          ),
        );
      }
      if (!teams) continue;
      teamNames.forEach((teamName, i) => {
        if (!teams.some((t) => t.name === teamName)) {
          problems.push(
            problem(
              ['people', p, 'memberships', envName, i],
              `unknown team; must be ${oneOf(teams.map((t) => t.name))}`,
            ),
          );
        }
      });
      problems.push(
        ...duplicates(
          teamNames,
          (n) => n,
          (i) => ['people', p, 'memberships', envName, i],
          'team membership',
        ),
      );
    }
  });
  return problems;
}

function checkCrossAccountRoles({ environments, profiles, teams }: PartialConfig): ConfigProblem[] {
  if (!environments) return [];
  const problems: ConfigProblem[] = [];
  environments.forEach((env, e) =>
    env.crossAccountRoles.forEach((role, r) => {
      const at = (...rest: (string | number)[]) => ['environments', e, 'crossAccountRoles', r, ...rest];
      if (profiles && !profiles.some((p) => p.name === role.profile)) {
        problems.push(problem(at('profile'), `unknown profile; must be ${oneOf(profiles.map((p) => p.name))}`));
      }
      const { environment: trustedEnvName, accountId: trustedAccountId, teams: trustedTeams } = role.trust;
      if ((trustedEnvName === undefined) === (trustedAccountId === undefined)) {
        problems.push(
          problem(
            at('trust'),
            'trust needs exactly one of "environment" (an environment of this config) or "accountId" (an account managed elsewhere)',
          ),
        );
        return;
      }
      if (trustedAccountId !== undefined) {
        if (trustedAccountId === env.accountId) {
          problems.push(
            problem(
              at('trust', 'accountId'),
              `a cross-account role cannot trust its own account ${env.accountId}; use a team in this environment instead`,
            ),
          );
        }
        if (trustedTeams.length > 0) {
          problems.push(
            problem(
              at('trust', 'teams'),
              'teams only apply when trusting an environment of this config; the other account grants sts:AssumeRole itself',
            ),
          );
        }
        return;
      }
      const trustedEnv = environments.find((candidate) => candidate.name === trustedEnvName);
      if (!trustedEnv) {
        problems.push(
          problem(at('trust', 'environment'), `unknown environment; must be ${oneOf(environments.map((x) => x.name))}`),
        );
        return;
      }
      if (trustedEnv.accountId === env.accountId) {
        problems.push(
          problem(
            at('trust', 'environment'),
            `a cross-account role cannot trust its own account ${env.accountId}; "${trustedEnvName}" is the same account`,
          ),
        );
      }
      if (trustedTeams.length === 0) {
        problems.push(
          problem(
            at('trust', 'teams'),
            `name at least one team of environment "${trustedEnvName}" whose group may assume the role`,
          ),
        );
      }
      trustedTeams.forEach((teamName, i) => {
        if (teams && !teams.some((t) => t.name === teamName)) {
          problems.push(problem(at('trust', 'teams', i), `unknown team; must be ${oneOf(teams.map((t) => t.name))}`));
        }
      });
    }),
  );
  return problems;
}

function checkSuppressions({ suppressions, environments }: PartialConfig): ConfigProblem[] {
  if (!suppressions || !environments) return [];
  const names = environments.map((e) => e.name);
  return suppressions.flatMap((suppression, s) =>
    suppression.environment === undefined || names.includes(suppression.environment)
      ? []
      : [
          problem(
            ['suppressions', s, 'environment'],
            `unknown environment; must be ${oneOf(names)} (or leave it out for every environment)`,
          ),
        ],
  );
}
