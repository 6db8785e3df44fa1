/**
 * Drift of one environment: its live IAM (src/live) against what the project's plan of it makes true. Both sides go
 * through the same analysis (environmentAccess: every CodePipeline action on every declared pipeline, stage and
 * approval action and on undeclared ones, PassRole, self-service and bucket cells, who may assume which role, what
 * the bucket policies let through), and are compared with the review's own rule (access-diff.ts): a live grant is
 * drift unless the plan gives the same cell in that context or a wider one, and the mirror for what is missing live.
 * Found:
 *
 * - access live that the config does not give, each cell with the policies that give it (access-sources.ts), named
 *   by kind: AWS managed, customer managed (the project's or not, attached by the project or outside it), inline;
 * - access the config gives that is missing live (not deployed yet, or removed by hand), with the planned policy;
 * - users, groups and roles the project does not manage (not in the plan) that can do anything in CodePipeline;
 * - managed resources whose live attributes differ (attribute-drift.ts).
 */
import type { ActionCatalog } from '../iam/action-catalog';
import { identityCenterNames, kindAndName, principalKey } from '../iam/arns';
import { AccessAnalysis } from '../analysis/access-analysis';
import { environmentAccess, principalsAccess, type EnvironmentAccess } from '../analysis/access-matrix';
import { accessChanges, type AccessChange } from '../analysis/access-diff';
import type { DecisionCache } from '../analysis/decision-cache';
import { byText, type ContextCondition, type PrincipalAccess } from '../analysis/environment-access';
import type { PlannedEnvironment, PlannedPolicy } from '../analysis/plan-principals';
import type { LiveEnvironment, LivePolicy } from '../live/live-environment';
import { AccessSources } from './access-sources';
import { statementSet } from '../analysis/statement-changes';
import { attributeDrift, type AttributeDrift } from './attribute-drift';

/** One cell of a change row, with what gives it. */
export interface SourcedCell {
  readonly action: string;
  /** What gives the cell on the side that has it (a policy, a trust, a bucket policy), described. */
  readonly sources: readonly string[];
}

/** A row of who gains or loses (access-diff.ts), each of its cells with its sources. */
export interface SourcedChange extends AccessChange {
  readonly cells: readonly SourcedCell[];
}

/** A user, group or role the plan does not have that can do something in CodePipeline. */
export interface UnmanagedPrincipal {
  /** `user/<name>`, `group/<name>`, `role/<name>`. */
  readonly principal: string;
  /** The CodePipeline actions it may do somewhere (in some context), sorted. */
  readonly actions: readonly string[];
  /** On how many of the matrix's resources. */
  readonly resources: number;
  /** The policies that give it that access, described. */
  readonly sources: readonly string[];
  /** Its groups (users) or members (groups). */
  readonly via: readonly string[];
}

export interface DriftResult {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  /** Access live that the config does not give ('+' rows: live against the plan). */
  readonly liveOnly: readonly SourcedChange[];
  /** Access the config gives that is missing live ('-' rows). */
  readonly missingLive: readonly SourcedChange[];
  readonly unmanaged: readonly UnmanagedPrincipal[];
  readonly attributes: readonly AttributeDrift[];
  /** What could not be compared (a bucket policy or the credential report the dump lacks), for the report. */
  readonly notCompared: readonly string[];
  readonly planned: EnvironmentAccess;
  readonly live: EnvironmentAccess;
}

export interface DriftInput {
  /** The planned environments the environment's analysis reads (its own and those it has trust edges with). */
  readonly planned: AccessAnalysis;
  readonly environment: string;
  readonly live: LiveEnvironment;
  readonly catalog: ActionCatalog;
  readonly cache?: DecisionCache;
}

/** The CodePipeline actions (without their prefix) an entry allows in some context, and on how many resources. */
export function codePipelineCells(entry: PrincipalAccess): { actions: string[]; resources: number } {
  const cells = codePipelineCellList(entry);
  return {
    actions: [...new Set(cells.map((c) => c.action))].sort(),
    resources: new Set(cells.map((c) => c.resource)).size,
  };
}

/** How a live policy is named in a finding: its kind, name, who holds it and whether it is the project's. */
export function describeLivePolicy(policy: LivePolicy, planned: PlannedEnvironment): string {
  const { kind, name, holder } = policy.source;
  if (kind === 'inline') return `inline policy ${name} of ${holder}`;
  if (kind === 'AWS managed') return `AWS managed policy ${name} attached to ${holder}`;
  const ours = [...planned.policies.values()].find((p) => p.address.startsWith('aws_iam_policy.') && p.name === name);
  if (!ours) return `customer managed policy ${name} (not the project's) attached to ${holder}`;
  const [kindOfHolder, holderName] = holder.split('/');
  const holders = kindOfHolder === 'group' ? planned.groups : kindOfHolder === 'role' ? planned.roles : [];
  const attachedByProject = holders.some((h) => h.name === holderName && h.policies.some((p) => p.name === name));
  if (!attachedByProject) return `the project's policy ${name}, attached to ${holder} outside the project`;
  const [live, plan] = [statementSet(policy.document, name), statementSet(ours.document, name)];
  const edited = live.size !== plan.size || [...live].some((s) => !plan.has(s));
  return `the project's policy ${name}, attached to ${holder}${edited ? " (its live document differs from the plan's)" : ''}`;
}

/** How a planned policy is named in a finding: the project's policy and the groups or roles it is attached to. */
function describePlannedPolicy(policy: PlannedPolicy, planned: PlannedEnvironment): string {
  const holders = [
    ...planned.groups.filter((g) => g.policies.includes(policy)).map((g) => `group/${g.name}`),
    ...planned.roles.filter((r) => r.policies.includes(policy)).map((r) => `role/${r.name}`),
  ];
  return `the project's policy ${policy.name} (${policy.address})${holders.length > 0 ? ` via ${holders.join(', ')}` : ''}`;
}

async function sourced(
  rows: readonly AccessChange[],
  sources: AccessSources,
  describe: (policy: PlannedPolicy) => string,
): Promise<SourcedChange[]> {
  const out: SourcedChange[] = [];
  for (const row of rows) {
    const resourcePolicy = sources.resourcePolicyOf(row.resource);
    // Who may assume a role and what a bucket policy lets through are the resource policy's alone.
    const resourceOnly = row.resource.startsWith('role/') || row.resource.startsWith('bucket/');
    const cells: SourcedCell[] = [];
    for (const action of row.actions) {
      const policies = resourceOnly
        ? []
        : await sources.policiesAllowing(row.principal, row.resource, action, row.context);
      // A team role's member has the role's cells: named by the role's policy, through the role's trust.
      const throughRoles =
        resourceOnly || policies.length > 0
          ? []
          : (await sources.teamRolePoliciesAllowing(row.principal, row.resource, action, row.context)).flatMap(
              ({ role, policies: rolePolicies }) =>
                rolePolicies.map((p) => `${describe(p)}, through ${role} (${sources.resourcePolicyOf(role)})`),
            );
      const described = [...policies.map(describe), ...throughRoles, ...(resourcePolicy ? [resourcePolicy] : [])];
      cells.push({ action, sources: described.length > 0 ? described : ['(no single policy gives it alone)'] });
    }
    out.push({ ...row, cells });
  }
  return out;
}

/** The probe of a group: a user holding the group's policies alone, so the group is asked what it gives. */
function groupProbe(env: PlannedEnvironment, group: { name: string; policies: readonly PlannedPolicy[] }) {
  return {
    arn: `arn:${env.partition}:iam::${env.accountId}:user/codepipeline-access-member-of/${group.name}`,
    via: [`group/${group.name}`],
    policies: group.policies,
    isUser: true,
  };
}

/** The CodePipeline cells of an entry, each in each context it is allowed in. */
function codePipelineCellList(
  entry: PrincipalAccess,
): { resource: string; action: string; context: ContextCondition }[] {
  return [
    ...Object.entries(entry.allowed).flatMap(([resource, actions]) =>
      actions.map((action) => ({ resource, action, context: {} })),
    ),
    ...Object.entries(entry.conditional ?? {}).flatMap(([resource, byAction]) =>
      Object.entries(byAction).flatMap(([action, when]) => when.map((context) => ({ resource, action, context }))),
    ),
  ].filter((c) => !c.action.includes(':'));
}

/**
 * The users, groups and roles live that the plan does not have and that can do something in CodePipeline, each with
 * the policies that alone allow one of its CodePipeline cells. A group is asked as a user holding its policies alone.
 */
async function unmanagedPrincipals(
  planned: PlannedEnvironment,
  live: LiveEnvironment,
  aliases: ReadonlyMap<string, string>,
  liveAccess: EnvironmentAccess,
  probeAccess: (probes: readonly ReturnType<typeof groupProbe>[]) => Promise<Record<string, PrincipalAccess>>,
  sources: AccessSources,
): Promise<UnmanagedPrincipal[]> {
  const describe = (p: PlannedPolicy) => describeLivePolicy(p as LivePolicy, planned);
  const sourcesOf = async (entry: PrincipalAccess, policies: readonly PlannedPolicy[]) => {
    const cells = codePipelineCellList(entry);
    const found: string[] = [];
    for (const policy of policies)
      for (const cell of cells) {
        const alone = { arn: entry.arn, policies: [policy] };
        if ((await sources.policiesAllowing(alone, cell.resource, cell.action, cell.context)).length === 0) continue;
        found.push(describe(policy));
        break;
      }
    return [...new Set(found)].sort();
  };
  const found: UnmanagedPrincipal[] = [];
  const add = async (principal: string, entry: PrincipalAccess, policies: readonly PlannedPolicy[], via: string[]) => {
    const { actions, resources } = codePipelineCells(entry);
    if (actions.length > 0)
      found.push({ principal, actions, resources, sources: await sourcesOf(entry, policies), via });
  };
  const plannedKeys = new Set(
    [...planned.users, ...planned.roles, ...planned.identityCenterRoles].map((p) => principalKey(p.arn)),
  );
  for (const principal of [...live.users, ...live.roles]) {
    const liveKey = principalKey(principal.arn);
    const key = aliases.get(liveKey) ?? liveKey;
    const entry = liveAccess.principals[key];
    if (!plannedKeys.has(key) && entry) await add(key, entry, principal.policies, [...entry.via]);
  }
  const plannedGroups = new Set(planned.groups.map((g) => g.name));
  const groups = live.groups.filter((g) => !plannedGroups.has(g.name) && g.policies.length > 0);
  const probes = groups.map((g) => groupProbe(live, g));
  const access = await probeAccess(probes);
  for (const [i, group] of groups.entries())
    await add(
      `group/${group.name}`,
      access[principalKey(probes[i].arn)],
      group.policies,
      group.members.map((m) => `user/${m}`),
    );
  return found.sort((a, b) => byText(a.principal, b.principal));
}

/** What the dump does not hold, so was not compared. */
function notComparedOf(live: LiveEnvironment): string[] {
  return [
    ...live.bucketsNotInDump.map(
      (b) => `bucket policy of ${b}: the dump holds none (aws s3api get-bucket-policy --bucket ${b}); taken as planned`,
    ),
    ...live.undeclaredBuckets.map((b) => `bucket policy of ${b}: not an artifact bucket of the config`),
    ...(live.dump.consolePasswords ? [] : ['login profiles: the dump holds no credential report']),
    ...(live.dump.passwordPolicy ? [] : ['the account password policy: the dump holds none']),
  ];
}

/** The matrix keys (`role/<name>`) of the pipelines' declared service roles that exist live. */
function declaredServiceRoles(planned: PlannedEnvironment, live: LiveEnvironment): Set<string> {
  const declared = new Set(planned.pipelines.flatMap((p) => p.service_roles ?? []));
  const managed = new Set(planned.roles.map((r) => r.arn));
  return new Set(live.roles.filter((r) => declared.has(r.arn) && !managed.has(r.arn)).map((r) => principalKey(r.arn)));
}

const withoutKeys = <T>(record: Readonly<Record<string, T>>, keys: ReadonlySet<string>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));

/**
 * Live principals the plan knows under another key, live key -> the plan's: a managed user or role at another path
 * (its path differs, attribute drift says so; its access is still compared), and each role Identity Center
 * provisioned for a permission set the plan assigns here (the plan cannot know the suffix AWS gives it, and says so
 * in its name, iam/arns.ts). Only a role under the plan's own path (the instance's home region) is the plan's; of
 * several, the first by name, so any other is unmanaged.
 */
function principalAliases(planned: PlannedEnvironment, live: LiveEnvironment): Map<string, string> {
  const aliases = new Map<string, string>();
  const plannedByName = new Map(
    [...planned.users, ...planned.roles].map((p) => [kindAndName(p.arn), principalKey(p.arn)]),
  );
  const provisionedFor = new Map(
    planned.identityCenterRoles.map((r) => {
      const { path } = identityCenterNames.provisioned(r.arn) ?? { path: '' };
      return [`${path}\u0000${r.permissionSet}`, principalKey(r.arn)];
    }),
  );
  const taken = new Set<string>();
  for (const principal of [...live.users, ...live.roles].sort((a, b) => byText(a.arn, b.arn))) {
    const key = principalKey(principal.arn);
    const provisioned = identityCenterNames.provisioned(key);
    const ours = provisioned
      ? provisionedFor.get(`${provisioned.path}\u0000${provisioned.permissionSet}`)
      : plannedByName.get(kindAndName(key));
    if (ours === undefined || ours === key || taken.has(ours)) continue;
    aliases.set(key, ours);
    taken.add(ours);
  }
  return aliases;
}

/**
 * The live access with Identity Center's roles under their planned keys, and without who may take them on either
 * side: that is Identity Center's assignments, which no IAM dump holds.
 */
function comparableAccess(
  access: EnvironmentAccess,
  aliases: ReadonlyMap<string, string>,
  planned: PlannedEnvironment,
): EnvironmentAccess {
  const provisioned = new Set([
    ...planned.identityCenterRoles.map((r) => r.name),
    ...[...aliases.keys()]
      .filter((key) => identityCenterNames.provisioned(key))
      .map((key) => kindAndName(key).slice(5)),
  ]);
  return {
    ...access,
    principals: Object.fromEntries(Object.entries(access.principals).map(([k, v]) => [aliases.get(k) ?? k, v])),
    assumeRole: Object.fromEntries(Object.entries(access.assumeRole).filter(([role]) => !provisioned.has(role))),
  };
}

export async function findDrift(input: DriftInput): Promise<DriftResult> {
  const { catalog, cache, live } = input;
  const planned = input.planned.environment(input.environment);
  // The same analysis over the live account: the other environments (whose people may assume its roles) as planned.
  const liveAnalysis = new AccessAnalysis(
    input.planned.environments.map((e) => (e.name === input.environment ? live : e)),
  );
  // The same principals on both sides under the plan's keys: Identity Center's roles, and any at another path.
  const aliases = principalAliases(planned, live);
  const plannedAccess = comparableAccess(
    await environmentAccess(input.planned, planned, catalog, { cache }),
    aliases,
    planned,
  );
  const liveAccess = comparableAccess(
    await environmentAccess(liveAnalysis, live, catalog, { cache }),
    aliases,
    planned,
  );
  // A pipeline's declared service role is CodePipeline's, not a person's: what it may do is not the project's to
  // give (who may assume it still counts: a trust edge is a row of its own).
  const serviceRoles = declaredServiceRoles(planned, live);
  const rows = accessChanges(plannedAccess, liveAccess).filter((r) => !serviceRoles.has(r.principal));
  const liveSources = new AccessSources(liveAnalysis, live, catalog, {
    cache,
    aliases,
    assumeRole: liveAccess.assumeRole,
  });
  const plannedSources = new AccessSources(input.planned, planned, catalog, {
    cache,
    assumeRole: plannedAccess.assumeRole,
  });
  return {
    environment: planned.name,
    accountId: planned.accountId,
    region: planned.region,
    liveOnly: await sourced(
      rows.filter((r) => r.change === '+'),
      liveSources,
      (p) => describeLivePolicy(p as LivePolicy, planned),
    ),
    missingLive: await sourced(
      rows.filter((r) => r.change === '-'),
      plannedSources,
      (p) => describePlannedPolicy(p, planned),
    ),
    unmanaged: await unmanagedPrincipals(
      planned,
      live,
      aliases,
      { ...liveAccess, principals: withoutKeys(liveAccess.principals, serviceRoles) },
      (probes) => principalsAccess(liveAnalysis, live, probes, catalog, { cache }),
      liveSources,
    ),
    attributes: attributeDrift(planned, live),
    notCompared: [
      ...(planned.identityCenterRoles.length > 0
        ? [
            "who may take the roles Identity Center provisions: its assignments are Identity Center's, not in the IAM dump (their own access is compared)",
          ]
        : []),
      ...[...serviceRoles].map(
        (role) => `${role}: a pipeline's declared service role (serviceRoleArn); its own access is CodePipeline's`,
      ),
      ...notComparedOf(live),
    ],
    planned: plannedAccess,
    live: liveAccess,
  };
}

/** Whether anything was found (what `npm run drift` exits 2 for). */
export function hasDrift(result: DriftResult): boolean {
  return result.liveOnly.length + result.missingLive.length + result.unmanaged.length + result.attributes.length > 0;
}
