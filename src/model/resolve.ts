/**
 * Config -> access model: which teams exist in which environment, what each grant covers there, and the
 * policy documents that follow. Problems that only show once a grant meets an environment (a pipeline
 * missing there, an approver with nothing to approve) are returned, not thrown.
 */
import type { ActionCatalog } from '../iam/action-catalog';
import { arns, partitionOf, type AccountRegion } from '../iam/arns';
import { renderPolicy, type PolicyDocument, type PolicyStatement } from '../iam/policy-document';
import { NO_GUARDRAILS, type EnvironmentGuardrails } from '../config/guardrails';
import { oneOf, problem, type ConfigPath, type ConfigProblem } from '../config/problems';
import {
  deliveredByIam,
  deliveriesOf,
  type AccessConfig,
  type ArtifactBucketConfig,
  type CrossAccountRoleConfig,
  type EnvironmentConfig,
  type GrantConfig,
  type PersonConfig,
  type PipelineSelector,
  type ProfileConfig,
  type TeamConfig,
} from '../config/schema';
import { assumeRolePolicies, type AssumableRole } from './assume-role-policies';
import { resolveIdentityCenter } from './identity-center';
import { resolveImports } from './imports';
import { auditTrailModel } from './audit-trail';
import { managedPolicy } from './managed-policy';
import { profileStatements, undeclaredResources, type ApprovalActionRef, type ResolvedScope } from './profile-policies';
import type {
  AccessModel,
  BucketPolicyModel,
  EnvironmentModel,
  GroupModel,
  ManagedPolicyModel,
  RoleModel,
  UserModel,
} from './types';

export interface Resolution {
  readonly model: AccessModel;
  readonly problems: readonly ConfigProblem[];
  /** Notes on a usable config that only show once resolved (an admin with no service role to pass). */
  readonly warnings: readonly ConfigProblem[];
}

export interface ScopeRequest {
  readonly env: EnvironmentConfig;
  readonly selector: PipelineSelector;
  readonly kind: ProfileConfig['kind'];
  readonly approvalFilter?: readonly string[];
  /** Path of the grant (or role) in the config. */
  readonly at: ConfigPath;
}

/** A resolved scope that still knows its environment's config (name, declared pipelines). */
type EnvironmentScope = ResolvedScope & { readonly env: EnvironmentConfig };

export function resolveScope(request: ScopeRequest, problems: ConfigProblem[]): EnvironmentScope {
  const { env, selector, kind, at } = request;
  const inEnv = `in environment "${env.name}"`;
  let pipelines: ResolvedScope['pipelines'];
  if (selector === 'all') {
    pipelines = 'all';
  } else if (Array.isArray(selector)) {
    const defined = env.pipelines.map((p) => p.name);
    selector.forEach((name, i) => {
      if (!defined.includes(name)) {
        problems.push(problem([...at, 'pipelines', i], `pipeline is not defined ${inEnv}; must be ${oneOf(defined)}`));
      }
    });
    pipelines = selector.filter((name) => defined.includes(name));
  } else {
    const wanted = Object.entries(selector.tags);
    pipelines = env.pipelines.filter((p) => wanted.every(([k, v]) => p.tags[k] === v)).map((p) => p.name);
    if (pipelines.length === 0) {
      problems.push(
        problem(
          [...at, 'pipelines', 'tags'],
          `no pipeline ${inEnv} has all these tags; tag a pipeline or name pipelines explicitly`,
        ),
      );
    }
  }

  let approvals: ApprovalActionRef[] = [];
  if (kind === 'approver') {
    const candidates = env.pipelines
      .filter((p) => pipelines === 'all' || pipelines.includes(p.name))
      .flatMap((p) =>
        p.stages.flatMap((s) => s.approvals.map((action) => ({ pipeline: p.name, stage: s.name, action }))),
      );
    const key = (a: ApprovalActionRef) => `${a.pipeline}/${a.stage}/${a.action}`;
    if (request.approvalFilter) {
      request.approvalFilter.forEach((wanted, i) => {
        if (!candidates.some((c) => key(c) === wanted)) {
          problems.push(
            problem(
              [...at, 'approvalActions', i],
              `not an approval action of the granted pipelines ${inEnv}; must be ${oneOf(candidates.map(key))}`,
            ),
          );
        }
      });
      approvals = candidates.filter((c) => request.approvalFilter?.includes(key(c)));
    } else {
      approvals = candidates;
    }
    if (candidates.length === 0) {
      problems.push(
        problem(
          [...at, 'pipelines'],
          `an approver needs approval actions, but the granted pipelines ${inEnv} declare none (pipelines[].stages[].approvals)`,
        ),
      );
    }
  }
  const inScope = env.pipelines.filter((p) => pipelines === 'all' || pipelines.includes(p.name));
  return {
    env,
    pipelines,
    approvals,
    declaredPipelines: inScope.map((p) => p.name),
    webhooks: inScope.flatMap((p) => p.webhooks.map((name) => arns.webhook(env, name))),
    actionTypes: env.actionTypes.map((t) => arns.actionType(env, t)),
    serviceRoles: [...new Set(inScope.flatMap((p) => (p.serviceRoleArn === undefined ? [] : [p.serviceRoleArn])))],
  };
}

/** How a problem names a resource type a custom action requires, where it is declared, and what to declare. */
const UNDECLARED: Partial<Record<string, { what: string; where: (env: string) => string; declare: string }>> = {
  webhook: {
    what: 'a webhook',
    where: (env) => `the granted pipelines in environment "${env}" declare none`,
    declare: 'their webhooks (pipelines[].webhooks: [<webhook name>])',
  },
  pipeline: {
    what: 'a pipeline',
    where: (env) => `environment "${env}" declares no pipelines`,
    declare: 'its pipelines (pipelines: [{ name: <pipeline> }])',
  },
  actiontype: {
    what: 'a custom action type',
    where: (env) => `environment "${env}" declares none`,
    declare: 'its custom action types (actionTypes: [{ category, provider, version }])',
  },
};

/**
 * A grant's custom actions that need a webhook or action type its scope does not declare: refused, never widened
 * to the account's `webhook:*` or `actiontype:*`.
 */
function undeclaredProblems(
  profile: ProfileConfig,
  scope: EnvironmentScope,
  catalog: ActionCatalog,
  at: ConfigPath,
): ConfigProblem[] {
  if (profile.kind !== 'custom') return [];
  return undeclaredResources(profile.actions ?? [], scope, catalog).map(({ type, actions }) => {
    const words = UNDECLARED[type] ?? { what: `a ${type}`, where: () => 'none is declared', declare: type };
    return problem(
      [...at, 'pipelines'],
      `profile "${profile.name}" grants ${actions.join(', ')}, which ${actions.length === 1 ? 'needs' : 'need'} ${words.what}, but ${words.where(scope.env.name)}; declare ${words.declare} or remove those actions from the profile (they are never widened to every ${type === 'actiontype' ? 'action type' : type} of the account)`,
    );
  });
}

/**
 * An admin passes the pipeline's service role to create or update it; only declared service roles may be passed.
 * A located warning for an admin grant whose pipelines (some or all) declare none.
 */
function passRoleWarnings(profile: ProfileConfig, scope: EnvironmentScope, at: ConfigPath): ConfigProblem[] {
  if (profile.kind !== 'admin') return [];
  const without = scope.declaredPipelines.filter(
    (name) => scope.env.pipelines.find((p) => p.name === name)?.serviceRoleArn === undefined,
  );
  if (without.length === 0 && scope.declaredPipelines.length > 0) return [];
  const which =
    without.length > 0
      ? `pipeline${without.length === 1 ? '' : 's'} ${without.map((n) => `"${n}"`).join(', ')}`
      : 'pipelines (none are declared)';
  return [
    problem(
      [...at, 'pipelines'],
      `admin profile "${profile.name}" cannot create or update ${which} in environment "${scope.env.name}" until ${without.length === 1 ? 'its' : 'their'} serviceRoleArn is declared: iam:PassRole is granted only on declared service roles${scope.serviceRoles.length === 0 ? ', so this grant has none' : ''}`,
    ),
  ];
}

class EnvironmentResolver {
  readonly groups = new Map<
    string,
    { name: string; team?: string; policies: ManagedPolicyModel[]; origin: ConfigPath }
  >();

  constructor(
    readonly config: AccessConfig,
    readonly catalog: ActionCatalog,
    readonly env: EnvironmentConfig,
    readonly envIndex: number,
    readonly problems: ConfigProblem[],
    readonly warnings: ConfigProblem[],
  ) {}

  /** A profile's statements for one grant or role, with the problems and warnings only its scope shows. */
  private scopedStatements(profile: ProfileConfig, request: ScopeRequest): PolicyStatement[] {
    const scope = resolveScope(request, this.problems);
    this.problems.push(...undeclaredProblems(profile, scope, this.catalog, request.at));
    this.warnings.push(...passRoleWarnings(profile, scope, request.at));
    return profileStatements(profile.kind, scope, this.catalog, profile.actions);
  }

  get accountRegion(): AccountRegion {
    return this.env;
  }

  /** Undefined for an unknown profile: references.ts reports it, resolution skips what uses it. */
  profile(name: string): ProfileConfig | undefined {
    return this.config.profiles.find((p) => p.name === name);
  }

  grantPolicy(teamName: string, grant: GrantConfig, at: ConfigPath): ManagedPolicyModel[] {
    const profile = this.profile(grant.profile);
    if (!profile) return [];
    const statements = this.scopedStatements(profile, {
      env: this.env,
      selector: grant.pipelines,
      kind: profile.kind,
      approvalFilter: grant.approvalActions,
      at,
    });
    return [
      managedPolicy(
        grant.policyName ?? `${teamName}-${profile.name}`,
        `profile:${profile.kind}`,
        profile.description ?? `CodePipeline ${profile.kind} access for team ${teamName} (codepipeline-access)`,
        statements,
        at,
      ),
    ];
  }

  private readonly teamPolicies = new Map<string, ManagedPolicyModel[]>();

  /**
   * A team's grant policies in this environment, resolved once (their problems are reported once) whether the team
   * is delivered as an IAM group, through Identity Center, or both.
   */
  policiesOf(teamName: string): ManagedPolicyModel[] {
    let policies = this.teamPolicies.get(teamName);
    if (!policies) {
      const t = this.config.teams.findIndex((team) => team.name === teamName);
      const team = this.config.teams[t];
      policies = team
        ? team.grants.flatMap((grant, g) => this.grantPolicy(team.name, grant, ['teams', t, 'grants', g]))
        : [];
      this.teamPolicies.set(teamName, policies);
    }
    return policies;
  }

  /** The people who are members of the team here. */
  membersOf(teamName: string): PersonConfig[] {
    return this.config.people.filter((person) => person.memberships[this.env.name]?.includes(teamName));
  }

  /**
   * Whether the team is delivered here as a role its members assume: `delivery: iam-role`, this environment among its
   * role's environments (every one by default), and members here to assume it.
   */
  deliveredAsRole(team: TeamConfig): boolean {
    if (!deliveriesOf(team).has('iam-role')) return false;
    const listed = team.role?.environments;
    return (listed === undefined || listed.includes(this.env.name)) && this.membersOf(team.name).length > 0;
  }

  /**
   * The team's IAM group here, unless it is delivered through Identity Center only. Delivered as a role, the group
   * holds no grant: its members get the team's access by assuming the role (the group's one policy, see teamRoles).
   */
  addTeamGroup(teamName: string): void {
    const t = this.config.teams.findIndex((team) => team.name === teamName);
    const team = this.config.teams[t];
    if (!team || this.groups.has(team.name) || !deliveredByIam(team)) return;
    this.groups.set(team.name, {
      name: team.groupName ?? team.name,
      team: team.name,
      policies: this.deliveredAsRole(team) ? [] : [...this.policiesOf(team.name)],
      origin: ['teams', t],
    });
  }

  /**
   * The roles of the teams delivered as roles here: the team's grants, trusted by exactly its members here (the
   * account's root with an aws:PrincipalArn condition naming their user ARNs: a trust naming the users themselves
   * would be refused before the users exist, and break when one is recreated), with MFA unless the team says not.
   */
  teamRoles(): RoleModel[] {
    return [...this.groups.values()].flatMap((group): RoleModel[] => {
      const t = this.config.teams.findIndex((team) => team.name === group.team);
      const team = this.config.teams[t];
      if (!team || !this.deliveredAsRole(team)) return [];
      const members = this.membersOf(team.name)
        .map((p) => p.name)
        .sort();
      const requireMfa = team.role?.requireMfa ?? true;
      const condition: Record<string, Record<string, string | string[]>> = {
        ArnEquals: { 'aws:PrincipalArn': members.map((m) => arns.iamUser(this.env, m)) },
      };
      if (requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
      const trustPolicy: PolicyDocument = {
        statements: [
          {
            sid: 'TeamMembers',
            effect: 'Allow',
            principal: { AWS: [arns.accountRoot(this.env)] },
            actions: ['sts:AssumeRole'],
            condition,
          },
        ],
      };
      const name = team.role?.name ?? team.name;
      return [
        {
          name,
          description: `CodePipeline access of team ${team.name}, assumed by its members (codepipeline-access)`,
          arn: arns.iamRole(this.env, name),
          trustedAccountId: this.env.accountId,
          trustPolicy,
          trustJson: renderPolicy(trustPolicy),
          policies: [...this.policiesOf(team.name)],
          maxSessionDurationSeconds: team.role?.maxSessionDurationSeconds ?? 3600,
          teamRole: { team: team.name, group: group.name, members, requireMfa },
          origin: team.role ? ['teams', t, 'role'] : ['teams', t, 'delivery'],
        },
      ];
    });
  }

  /** IAM users: the people with a membership here in a team delivered as an IAM group (or an unknown one). */
  users(): UserModel[] {
    return this.config.people.flatMap((person, p): UserModel[] => {
      const teams = (person.memberships[this.env.name] ?? []).filter((name) => {
        const team = this.config.teams.find((candidate) => candidate.name === name);
        return !team || deliveredByIam(team);
      });
      if (teams.length === 0) return [];
      const groups = teams.map((team) => this.groups.get(team)?.name ?? team);
      if (person.console.enabled) groups.push(this.env.selfServiceGroup);
      return [
        {
          name: person.name,
          groups: [...new Set(groups)].sort(),
          console: person.console.enabled
            ? { passwordResetRequired: person.console.passwordResetRequired, pgpKey: person.console.pgpKey }
            : undefined,
          tags: person.tags,
          origin: ['people', p, 'memberships', this.env.name],
        },
      ];
    });
  }

  selfServiceGroup(): GroupModel {
    const self = this.accountRegion;
    return {
      name: this.env.selfServiceGroup,
      policies: [
        managedPolicy(
          `${this.env.selfServiceGroup}-change-own-password`,
          'self-service',
          'Lets console users set their own password, as AWS managed IAMUserChangePassword does',
          [
            // `${aws:username}` is an IAM policy variable: each user may change only their own password.
            {
              sid: 'ChangeOwnPassword',
              effect: 'Allow',
              actions: ['iam:ChangePassword'],
              resources: [arns.iamUser(self, '${aws:username}')],
            },
            { sid: 'ReadPasswordPolicy', effect: 'Allow', actions: ['iam:GetAccountPasswordPolicy'], resources: ['*'] },
          ],
          ['environments', this.envIndex, 'selfServiceGroup'],
        ),
      ],
      origin: ['environments', this.envIndex, 'selfServiceGroup'],
    };
  }

  role(role: CrossAccountRoleConfig, r: number, trustedAccountId: string): RoleModel {
    const at: ConfigPath = ['environments', this.envIndex, 'crossAccountRoles', r];
    const profile = this.profile(role.profile);
    const kind = profile?.kind ?? role.profile;
    const conditions: Record<string, Record<string, string>> = {};
    if (role.requireMfa) conditions.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
    if (role.externalId !== undefined) conditions.StringEquals = { 'sts:ExternalId': role.externalId };
    const trustPolicy: PolicyDocument = {
      statements: [
        {
          sid: 'TrustAccount',
          effect: 'Allow',
          principal: { AWS: [arns.accountRoot({ accountId: trustedAccountId, region: this.env.region })] },
          actions: ['sts:AssumeRole'],
          condition: conditions,
        },
      ],
    };
    return {
      name: role.name,
      description:
        role.description ?? `CodePipeline ${kind} access for account ${trustedAccountId} (codepipeline-access)`,
      arn: arns.iamRole(this.env, role.name),
      trustedAccountId,
      trustPolicy,
      trustJson: renderPolicy(trustPolicy),
      policies: profile ? [this.rolePolicy(role, profile, at)] : [],
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      origin: at,
    };
  }

  private rolePolicy(role: CrossAccountRoleConfig, profile: ProfileConfig, at: ConfigPath): ManagedPolicyModel {
    return managedPolicy(
      `${role.name}-policy`,
      `profile:${profile.kind}`,
      `CodePipeline ${profile.kind} access for role ${role.name} (codepipeline-access)`,
      this.scopedStatements(profile, { env: this.env, selector: role.pipelines, kind: profile.kind, at }),
      at,
    );
  }

  bucketPolicy(bucket: ArtifactBucketConfig, b: number): BucketPolicyModel {
    const bucketArn = arns.bucket(this.env, bucket.name);
    const objectsArn = arns.bucketObjects(this.env, bucket.name);
    const statements: PolicyStatement[] = [
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:*'],
        resources: [bucketArn, objectsArn],
        condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        sid: 'DenyUnencryptedObjectUploads',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:PutObject'],
        resources: [objectsArn],
        condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      },
      {
        // StringNotEquals alone lets a request without the header through some evaluators; deny it outright.
        sid: 'DenyMissingEncryptionHeader',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:PutObject'],
        resources: [objectsArn],
        condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
      },
    ];
    if (bucket.kmsKeyArn !== undefined) {
      statements.push({
        sid: 'DenyOtherKmsKeys',
        effect: 'Deny',
        principal: '*',
        actions: ['s3:PutObject'],
        resources: [objectsArn],
        // Not ...IfExists: an SSE-KMS upload without the key id header is encrypted with the account's default
        // aws/s3 key, which is exactly what the pin is there to refuse.
        condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': bucket.kmsKeyArn } },
      });
    }
    if (bucket.readers.length > 0) {
      statements.push({
        sid: 'AllowCrossAccountViewerRead',
        effect: 'Allow',
        principal: { AWS: bucket.readers.map((role) => arns.iamRole(this.env, role)) },
        actions: ['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
        resources: [bucketArn, objectsArn],
      });
    }
    const document: PolicyDocument = { id: 'SSEAndSSLPolicy', statements };
    return {
      bucket: bucket.name,
      document,
      json: renderPolicy(document),
      origin: ['environments', this.envIndex, 'artifactBuckets', b],
    };
  }
}

/**
 * Resolves whatever the references allow: entries that name an unknown profile, team or environment are
 * skipped (references.ts reports those), so resolution problems show up in the same run.
 */
export function resolveAccessModel(
  config: AccessConfig,
  catalog: ActionCatalog,
  /** Read by config/guardrails.ts, by environment name. @default - no environment has guardrails */
  guardrails: ReadonlyMap<string, EnvironmentGuardrails> = new Map(),
): Resolution {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const resolvers = config.environments.map(
    (env, e) => new EnvironmentResolver(config, catalog, env, e, problems, warnings),
  );
  const resolverOf = (name: string) => resolvers.find((r) => r.env.name === name);

  // Teams exist in an environment where someone is a member or a cross-account role trusts them.
  for (const resolver of resolvers) {
    for (const person of config.people) {
      for (const team of person.memberships[resolver.env.name] ?? []) resolver.addTeamGroup(team);
    }
  }
  // The trusted side: each team a cross-account role trusts may assume it, from its group in the trusted
  // environment. Collected first, then packed per team (assume-role-policies.ts) after its grant policies.
  const assumable = new Map<EnvironmentResolver, Map<string, AssumableRole[]>>();
  const rolesPerEnv = resolvers.map((resolver) =>
    resolver.env.crossAccountRoles.map((role, r) => {
      const trusted = role.trust.environment !== undefined ? resolverOf(role.trust.environment) : undefined;
      const model = resolver.role(role, r, trusted?.env.accountId ?? role.trust.accountId ?? '');
      if (trusted) {
        const byTeam = assumable.get(trusted) ?? new Map<string, AssumableRole[]>();
        assumable.set(trusted, byTeam);
        for (const team of role.trust.teams) {
          trusted.addTeamGroup(team);
          const roles = byTeam.get(team) ?? [];
          roles.push({ arn: model.arn, origin: ['environments', resolver.envIndex, 'crossAccountRoles', r, 'trust'] });
          byTeam.set(team, roles);
        }
      }
      return model;
    }),
  );
  // A team delivered as a role: its group's one grant is to assume it, packed with the cross-account roles it may
  // assume (the team's own role is not one Identity Center's permission set needs: it has the grants themselves).
  const teamRolesPerEnv = resolvers.map((resolver) => resolver.teamRoles());
  const mayAssume = (resolver: EnvironmentResolver, team: string): AssumableRole[] => [
    ...teamRolesPerEnv[resolvers.indexOf(resolver)]
      .filter((r) => r.teamRole?.team === team)
      .map((r) => ({ arn: r.arn, origin: r.origin })),
    ...(assumable.get(resolver)?.get(team) ?? []),
  ];
  // A team delivered through Identity Center only has no group here: its grants go into its permission set.
  for (const resolver of resolvers)
    for (const group of resolver.groups.values())
      if (group.team !== undefined)
        group.policies.push(...assumeRolePolicies(group.team, mayAssume(resolver, group.team)));
  const identityCenter = resolveIdentityCenter({
    config,
    accountOf: (name) => resolverOf(name)?.env.accountId ?? '',
    regionOf: (name) => resolverOf(name)?.env.region ?? '',
    teamStatements: (name, team) =>
      resolverOf(name)
        ?.policiesOf(team)
        .flatMap((p) => p.document.statements) ?? [],
    trustingRoles: (name, team) => {
      const resolver = resolverOf(name);
      return resolver ? (assumable.get(resolver)?.get(team) ?? []).map((r) => r.arn) : [];
    },
  });

  const environments = resolvers.map((resolver, e): EnvironmentModel => {
    const { env } = resolver;
    const users = resolver.users();
    const groups: GroupModel[] = [...resolver.groups.values()];
    if (users.some((u) => u.console)) groups.push(resolver.selfServiceGroup());
    const roles = [...rolesPerEnv[e], ...teamRolesPerEnv[e]];
    const auditTrail = auditTrailModel(env, e, { groups, roles, users });
    return {
      name: env.name,
      accountId: env.accountId,
      region: env.region,
      partition: partitionOf(env.region),
      deploymentRoleArn: env.deploymentRoleArn,
      backend: env.backend,
      defaultTags: env.defaultTags,
      groups,
      users,
      roles,
      bucketPolicies: env.artifactBuckets.map((bucket, b) => resolver.bucketPolicy(bucket, b)),
      passwordPolicy: env.passwordPolicy,
      pipelines: env.pipelines,
      actionTypes: env.actionTypes,
      guardrails: guardrails.get(env.name) ?? NO_GUARDRAILS,
      ...(identityCenter?.environment === env.name ? { identityCenter } : {}),
      imports: resolveImports(env, e, { groups, users, roles }, problems),
      ...(auditTrail ? { auditTrail } : {}),
      origin: ['environments', e],
    };
  });
  return { model: { environments, ...(identityCenter ? { identityCenter } : {}) }, problems, warnings };
}
