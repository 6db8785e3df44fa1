/**
 * Who can do what, per environment (environment-access.ts): every principal x every cell the analysis knows,
 * each cell answered with the contexts that allow it (decisions.ts). The cells:
 *
 * - every CodePipeline action of the service reference on every resource of the type it takes: the declared
 *   pipelines, stages, approval actions, webhooks and action types, and one of each kind the config does NOT
 *   declare (an undeclared stage's approval action, webhook, action type), so a grant widened beyond the
 *   config shows;
 * - `iam:PassRole` on the declared pipeline service roles and on an undeclared role;
 * - self-service: `iam:ChangePassword` on the user's own user and on another user, `iam:GetAccountPasswordPolicy`;
 * - `s3:GetObject`, `s3:PutObject`, `s3:ListBucket` on the declared artifact buckets;
 * - who can assume each role (`assumeRole`), and what each artifact bucket policy lets a principal of this account
 *   and of another account do (`artifactBuckets`).
 *
 * Principals with identical policy sets are asked once; equal requests of different sets share one simulation.
 */
import { createHash } from 'node:crypto';
import type { ActionCatalog, CodePipelineResourceType } from '../iam/action-catalog';
import { identityCenterNames, principalKey } from '../iam/arns';
import type { AccessAnalysis, SessionContext } from './access-analysis';
import { withTeamRoleCells } from './team-roles';
import type { DecisionCache } from './decision-cache';
import {
  Decisions,
  documentsDependOnPrincipal,
  emptyDecisionStatistics,
  mayDependOnPrincipal,
  type DecisionStatistics,
} from './decisions';
import type { AllowedWhen, EnvironmentAccess, PrincipalAccess } from './environment-access';
import {
  asList,
  principalsOf,
  statementsOf,
  type PlannedBoundary,
  type PlannedBucketPolicy,
  type PlannedEnvironment,
  type PlannedPolicy,
  type PolicyJson,
} from './plan-principals';

export type { EnvironmentAccess, PrincipalAccess } from './environment-access';
export { renderEnvironmentAccess } from './environment-access';

/** What kind of resource a cell is about: the intent check (intent.ts) reasons by kind. */
export type TargetKind =
  | { readonly kind: 'pipeline'; readonly pipeline: string; readonly declared: boolean }
  | { readonly kind: 'stage'; readonly pipeline: string; readonly stage: string; readonly declared: boolean }
  | { readonly kind: 'action'; readonly pipeline: string; readonly action: string; readonly declared: boolean }
  | { readonly kind: 'webhook'; readonly pipeline?: string; readonly declared: boolean }
  | { readonly kind: 'actiontype'; readonly declared: boolean }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'service-role'; readonly pipelines: readonly string[] }
  | { readonly kind: 'own-user' }
  | { readonly kind: 'other-user' }
  | { readonly kind: 'bucket-objects'; readonly bucket: string }
  | { readonly kind: 'bucket'; readonly bucket: string };

/** One (action, resource) cell of the matrix, with the key it is reported under. */
export interface MatrixTarget {
  readonly action: string;
  /** `OWN_USER` is replaced by the asking user's ARN. */
  readonly resource: string;
  /** CodePipeline resources relative to the account (`MyFirstPipeline`, `*`); others the full ARN. */
  readonly key: string;
  readonly target: TargetKind;
}

export interface MatrixOptions {
  /**
   * Simulate each distinct policy set once and equal requests once (default). Off: every request of every
   * principal, for benchmarks.
   */
  readonly dedupe?: boolean;
  /** Decisions of earlier runs to reuse, and to add this run's to (with de-duplication only). */
  readonly cache?: DecisionCache;
}

export interface MatrixStatistics extends DecisionStatistics {
  principals: number;
  permissionSets: number;
  /** Matrix cells looked at, once per permission set. */
  cells: number;
}

export function emptyStatistics(): MatrixStatistics {
  return { principals: 0, permissionSets: 0, cells: 0, ...emptyDecisionStatistics() };
}

/** Names of the resources the config does not declare, asked about to show a grant wider than the config. */
export const UNDECLARED = 'codepipeline-access-undeclared';
const OWN_USER = '(own user)';
const ANY_OBJECT = 'artifact.zip';

export function matrixTargets(env: PlannedEnvironment, catalog: ActionCatalog): MatrixTarget[] {
  const prefix = `arn:${env.partition}:codepipeline:${env.region}:${env.accountId}:`;
  const iam = `arn:${env.partition}:iam::${env.accountId}:`;
  const targets: MatrixTarget[] = [];
  const codepipeline = (action: string, resource: string, target: TargetKind) =>
    targets.push({ action, resource, key: resource === '*' ? '*' : resource.slice(prefix.length), target });
  // Every action on every resource type the service reference lists for it (PutWebhook on its pipeline and on its
  // webhook, TagResource on pipelines, webhooks and action types); wildcard-only actions on `*`.
  const byType = (type: CodePipelineResourceType) =>
    catalog.actions
      .filter((a) =>
        type === 'wildcard' ? a.resourceTypes.length === 0 : a.resourceTypes.some((r) => r.name === type),
      )
      .map((a) => a.action);
  // The declared pipelines, and one the config does not declare (a pipeline created by hand, or later); each with its
  // declared stages and one undeclared stage, each stage with its declared approval actions and one undeclared.
  const pipelines = [
    ...env.pipelines.map((p) => ({ ...p, declared: true })),
    { name: UNDECLARED, arn: `${prefix}${UNDECLARED}`, stages: [], webhooks: [], declared: false },
  ];
  for (const pipeline of pipelines) {
    const { name } = pipeline;
    for (const action of byType('pipeline'))
      codepipeline(action, pipeline.arn, { kind: 'pipeline', pipeline: name, declared: pipeline.declared });
    const stages = [
      ...pipeline.stages.map((s) => ({ arn: s.arn, stage: s.name, approvals: s.approval_actions, declared: true })),
      { arn: `${pipeline.arn}/${UNDECLARED}`, stage: UNDECLARED, approvals: [], declared: false },
    ];
    for (const stage of stages) {
      for (const action of byType('stage'))
        codepipeline(action, stage.arn, {
          kind: 'stage',
          pipeline: name,
          stage: stage.stage,
          declared: pipeline.declared && stage.declared,
        });
      const approvals = [
        ...stage.approvals.map((arn) => ({ arn, declared: pipeline.declared })),
        { arn: `${stage.arn}/${UNDECLARED}`, declared: false },
      ];
      for (const approval of approvals)
        for (const action of byType('action'))
          codepipeline(action, approval.arn, {
            kind: 'action',
            pipeline: name,
            action: approval.arn.slice(pipeline.arn.length + 1),
            declared: approval.declared,
          });
    }
    for (const webhook of pipeline.webhooks ?? [])
      for (const action of byType('webhook'))
        codepipeline(action, webhook.arn, { kind: 'webhook', pipeline: name, declared: true });
  }
  for (const actionType of env.actionTypes)
    for (const action of byType('actiontype')) codepipeline(action, actionType, { kind: 'actiontype', declared: true });
  for (const action of byType('wildcard')) codepipeline(action, '*', { kind: 'wildcard' });
  for (const action of byType('actiontype'))
    codepipeline(action, `${prefix}actiontype:Custom/Build/${UNDECLARED}/1`, { kind: 'actiontype', declared: false });
  for (const action of byType('webhook'))
    codepipeline(action, `${prefix}webhook:${UNDECLARED}`, { kind: 'webhook', declared: false });

  const serviceRoles = new Map<string, string[]>();
  for (const pipeline of env.pipelines)
    for (const role of pipeline.service_roles ?? [])
      serviceRoles.set(role, [...(serviceRoles.get(role) ?? []), pipeline.name]);
  for (const [role, pipelines] of [...serviceRoles.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    targets.push({ action: 'iam:PassRole', resource: role, key: role, target: { kind: 'service-role', pipelines } });
  targets.push({
    action: 'iam:PassRole',
    resource: `${iam}role/${UNDECLARED}`,
    key: `${iam}role/${UNDECLARED}`,
    target: { kind: 'service-role', pipelines: [] },
  });
  for (const action of ['iam:ChangePassword'])
    targets.push(
      { action, resource: OWN_USER, key: `${iam}user/${OWN_USER}`, target: { kind: 'own-user' } },
      { action, resource: `${iam}user/${UNDECLARED}`, key: `${iam}user/${UNDECLARED}`, target: { kind: 'other-user' } },
    );
  targets.push({ action: 'iam:GetAccountPasswordPolicy', resource: '*', key: '*', target: { kind: 'wildcard' } });
  for (const { bucket } of env.bucketPolicies) {
    const arn = `arn:${env.partition}:s3:::${bucket}`;
    for (const action of ['s3:GetObject', 's3:PutObject'])
      targets.push({
        action,
        resource: `${arn}/${ANY_OBJECT}`,
        key: `${arn}/*`,
        target: { kind: 'bucket-objects', bucket },
      });
    targets.push({ action: 's3:ListBucket', resource: arn, key: arn, target: { kind: 'bucket', bucket } });
  }
  return targets;
}

/** A principal the matrix is asked for: a user or role of the environment, or a probe (src/drift, src/adopt). */
export interface MatrixPrincipal {
  readonly arn: string;
  readonly via: readonly string[];
  readonly policies: readonly PlannedPolicy[];
  readonly isUser: boolean;
  readonly boundary?: PlannedBoundary;
  /** What its sessions can carry, where less than any request's (AccessAnalysis.sessionContext). */
  readonly session?: SessionContext;
}

/**
 * Identical policy texts give identical answers, unless something may depend on who asks: a statement with a
 * condition or a policy variable that could apply (other than `${aws:username}` naming the user's own user), or a
 * resource policy of the environment that names the principal. Then the principal is part of the key.
 */
function permissionSetKey(
  principal: MatrixPrincipal,
  actions: readonly string[],
  namedElsewhere: (arn: string) => boolean,
): string {
  const personal = mayDependOnPrincipal(principal.policies, actions, true) || namedElsewhere(principal.arn);
  return (
    createHash('sha256')
      .update(personal ? principal.arn : principal.isUser ? 'user' : 'role')
      // The same policies under another permissions boundary, or in sessions of another kind, may answer otherwise.
      .update(JSON.stringify([principal.boundary ?? null, principal.session ?? null]))
      .update(
        principal.policies
          .map((p) => p.text)
          .sort()
          .join('\u0000'),
      )
      .digest('hex')
  );
}

/** `codepipeline:GetPipeline` -> `GetPipeline`: CodePipeline actions are reported without their prefix. */
export const reported = (action: string) => action.replace(/^codepipeline:/, '');

/** The resource a cell asks about for one principal: the own-user cell names the principal's own user. */
export function cellResource(target: MatrixTarget, principalArn: string): string {
  return target.resource === OWN_USER ? principalArn : target.resource;
}

interface Cells {
  readonly allowed: Record<string, string[]>;
  readonly conditional: Record<string, Record<string, AllowedWhen>>;
  readonly deniedByGuardrail: Record<string, Record<string, string>>;
}

function recordCell(cells: Cells, key: string, action: string, when: AllowedWhen, deniedBy?: string): void {
  if (deniedBy !== undefined) (cells.deniedByGuardrail[key] ??= {})[reported(action)] = deniedBy;
  if (when.length === 0) return;
  if (when.length === 1 && Object.keys(when[0]).length === 0) (cells.allowed[key] ??= []).push(reported(action));
  else (cells.conditional[key] ??= {})[reported(action)] = when;
}

const sortedRecord = <T>(record: Record<string, T>, sortValue: (value: T) => T = (v) => v): Record<string, T> =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, sortValue(record[k])]),
  );

function principalAccess(principal: MatrixPrincipal, cells: Cells): PrincipalAccess {
  const conditional = sortedRecord(cells.conditional, (byAction) => sortedRecord(byAction));
  const deniedByGuardrail = sortedRecord(cells.deniedByGuardrail, (byAction) => sortedRecord(byAction));
  return {
    arn: principal.arn,
    via: principal.via,
    allowed: sortedRecord(cells.allowed, (actions) => [...actions].sort()),
    ...(Object.keys(conditional).length > 0 ? { conditional } : {}),
    ...(Object.keys(deniedByGuardrail).length > 0 ? { deniedByGuardrail } : {}),
    ...(principal.boundary?.status === 'not given'
      ? { dependsOn: `permissions boundary ${principal.boundary.arn}, whose document the plan does not carry` }
      : {}),
  };
}

async function principalMatrix(
  decisions: Decisions,
  env: PlannedEnvironment,
  principals: readonly MatrixPrincipal[],
  targets: readonly MatrixTarget[],
  options: MatrixOptions,
  stats: MatrixStatistics,
): Promise<Record<string, PrincipalAccess>> {
  const bySet = new Map<string, Promise<Cells>>();
  const actions = [...new Set(targets.map((t) => t.action))];
  const named = namedPrincipals(env);
  // A guardrail that names who asks (an SCP exempting a break-glass user) sets every principal apart.
  const guardrails = [
    ...env.guardrails.serviceControlPolicies,
    ...env.guardrails.resourceControlPolicies,
    ...(env.guardrails.permissionsBoundary ? [env.guardrails.permissionsBoundary] : []),
  ].map((p) => p.document);
  const everyoneApart = documentsDependOnPrincipal(guardrails);
  const out: Record<string, PrincipalAccess> = {};
  for (const principal of principals) {
    const key =
      options.dedupe === false
        ? principal.arn
        : permissionSetKey(principal, actions, (arn) => everyoneApart || named.has(arn));
    let cells = bySet.get(key);
    if (!cells) {
      cells = (async () => {
        const found: Cells = { allowed: {}, conditional: {}, deniedByGuardrail: {} };
        for (const target of targets) {
          const own = target.target.kind === 'own-user' || target.target.kind === 'other-user';
          if (own && !principal.isUser) continue;
          stats.cells++;
          const resource = cellResource(target, principal.arn);
          const { when, deniedBy } = await decisions.decideCell({
            principal: principal.arn,
            action: target.action,
            resource,
            policies: principal.policies,
            setKey: key,
            resourceFitsAction: true,
          });
          recordCell(found, target.key, target.action, when, deniedBy);
        }
        return found;
      })();
      bySet.set(key, cells);
    }
    out[principalKey(principal.arn)] = principalAccess(principal, await cells);
  }
  stats.principals += principals.length;
  stats.permissionSets += bySet.size;
  return out;
}

/**
 * Condition keys on who asks whose value is the same for every IAM user and role (absent, or false): a trail
 * bucket's deny of writers other than CloudTrail singles none of them out.
 */
const SAME_FOR_EVERY_USER_AND_ROLE = /aws:(PrincipalServiceName|PrincipalIsAWSService)\b/gi;

/** Principal ARNs a resource policy of the environment names (bucket policies): their answers are their own. */
function namedPrincipals(env: PlannedEnvironment): Set<string> {
  const named = new Set<string>();
  for (const bucket of env.bucketPolicies)
    for (const statement of statementsOf(bucket.document)) {
      for (const arn of principalsOf(statement)) named.add(arn);
      // A condition on who asks (aws:PrincipalArn, a tag) may single anyone out: every principal is its own.
      const condition = JSON.stringify(statement.Condition ?? {}).replace(SAME_FOR_EVERY_USER_AND_ROLE, '');
      if (condition.match(/aws:(principal|username|userid)/i))
        for (const p of [...env.users, ...env.roles, ...env.identityCenterRoles]) named.add(p.arn);
    }
  return named;
}

/** The accounts (or `*`) a trust policy lets in. */
export function trustedAccounts(trust: PolicyJson): string[] {
  const accounts = new Set<string>();
  for (const statement of statementsOf(trust)) {
    const principal = statement.Principal as { AWS?: string | string[] } | string | undefined;
    const aws = typeof principal === 'string' ? [principal] : asList(principal?.AWS);
    for (const p of aws) accounts.add(p === '*' ? '*' : /^\d{12}$/.test(p) ? p : (p.split(':')[4] ?? p));
  }
  return [...accounts].sort();
}

/** Stands for "any account" where a trust names `*`. */
export const ANY_ACCOUNT = '999999999999';

async function assumeRoleEdges(
  analysis: AccessAnalysis,
  decisions: Decisions,
  env: PlannedEnvironment,
): Promise<EnvironmentAccess['assumeRole']> {
  const edges: Record<string, Record<string, AllowedWhen>> = {};
  for (const role of env.roles) {
    const byPrincipal: Record<string, AllowedWhen> = {};
    for (const account of trustedAccounts(role.trust)) {
      const trusted = analysis.environments.find((e) => e.accountId === account);
      const principals = trusted
        ? [...trusted.users, ...trusted.identityCenterRoles]
        : [analysis.principal(`arn:${env.partition}:iam::${account === '*' ? ANY_ACCOUNT : account}:root`)];
      for (const { arn, policies } of principals) {
        const setKey = createHash('sha256')
          .update(mayDependOnPrincipal(policies, ['sts:AssumeRole']) ? arn : '')
          .update(policies.map((p) => p.text).join('\u0000'))
          .digest('hex');
        byPrincipal[arn] = await decisions.allowedWhen({
          principal: arn,
          action: 'sts:AssumeRole',
          resource: role.arn,
          policies,
          setKey,
        });
      }
    }
    edges[role.name] = sortedRecord(byPrincipal);
  }
  // Identity Center decides who takes its roles: the members of the groups assigned the permission set here.
  for (const role of env.identityCenterRoles) {
    const byPrincipal: Record<string, AllowedWhen> = {};
    for (const assignee of role.assignees) {
      const who =
        assignee.members === undefined
          ? [identityCenterNames.externalGroup(assignee.externalId ?? assignee.group)]
          : assignee.members.map(identityCenterNames.user);
      for (const label of who) byPrincipal[label] = [{}];
    }
    edges[role.name] = sortedRecord(byPrincipal);
  }
  return edges;
}

/** Who the bucket probes are: any principal whose own policies allow s3:*, of this account and of another. */
export function bucketProbes(env: PlannedEnvironment): { readonly name: string; readonly arn: string }[] {
  return [
    {
      name: `a principal of ${env.accountId} whose own policies allow s3:*`,
      arn: `arn:${env.partition}:iam::${env.accountId}:role/codepipeline-access-probe`,
    },
    {
      name: `a principal of another account (${ANY_ACCOUNT}) whose own policies allow s3:*`,
      arn: `arn:${env.partition}:iam::${ANY_ACCOUNT}:role/codepipeline-access-probe`,
    },
  ];
}

const ALLOW_S3: PlannedPolicy = {
  name: 'probe-allows-s3',
  address: '(probe)',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
  text: '{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
};

/** The CloudTrail service, asked what a trail bucket's policy lets it do: the trail must be able to deliver. */
export const CLOUDTRAIL_PROBE = {
  name: 'the CloudTrail service (cloudtrail.amazonaws.com)',
  arn: 'cloudtrail.amazonaws.com',
} as const;

/**
 * What the bucket probes ask of one bucket policy: each probe reads, writes and lists. On a trail's bucket they ask
 * about the keys CloudTrail writes this account's log files to, and CloudTrail itself is asked too (the ACL check
 * and the write a trail needs).
 */
function bucketRequests(env: PlannedEnvironment, bucket: PlannedBucketPolicy) {
  const arn = `arn:${env.partition}:s3:::${bucket.bucket}`;
  const object = `${arn}/${bucket.trail?.logKeyPrefix ?? ''}${ANY_OBJECT}`;
  const requests = bucketProbes(env).map((probe) => ({
    probe,
    setKey: 'bucket-probe',
    policies: [ALLOW_S3],
    asks: [
      ['s3:GetObject', object],
      ['s3:PutObject', object],
      ['s3:ListBucket', arn],
    ],
  }));
  if (bucket.trail)
    requests.push({
      probe: CLOUDTRAIL_PROBE,
      setKey: 'cloudtrail-probe',
      policies: [],
      asks: [
        ['s3:GetBucketAcl', arn],
        ['s3:PutObject', object],
      ],
    });
  return requests;
}

/** What each bucket policy lets the probes do; trail buckets apart (`auditTrailBuckets`, absent without one). */
async function bucketDecisions(
  decisions: Decisions,
  env: PlannedEnvironment,
): Promise<Pick<EnvironmentAccess, 'artifactBuckets' | 'auditTrailBuckets'>> {
  const artifactBuckets: Record<string, Record<string, Record<string, AllowedWhen>>> = {};
  const auditTrailBuckets: typeof artifactBuckets = {};
  for (const bucket of env.bucketPolicies) {
    const byProbe: Record<string, Record<string, AllowedWhen>> = {};
    for (const { probe, setKey, policies, asks } of bucketRequests(env, bucket)) {
      const byAction: Record<string, AllowedWhen> = {};
      for (const [action, resource] of asks)
        byAction[action] = await decisions.allowedWhen({ principal: probe.arn, action, resource, policies, setKey });
      byProbe[probe.name] = byAction;
    }
    (bucket.trail ? auditTrailBuckets : artifactBuckets)[bucket.bucket] = byProbe;
  }
  return { artifactBuckets, ...(Object.keys(auditTrailBuckets).length > 0 ? { auditTrailBuckets } : {}) };
}

/**
 * The matrix of any principals over `env`'s cells: what environmentAccess computes for the environment's own users
 * and roles, for others too (a probe holding one group's policies, a candidate profile's policy).
 */
export async function principalsAccess(
  analysis: AccessAnalysis,
  env: PlannedEnvironment,
  principals: readonly MatrixPrincipal[],
  catalog: ActionCatalog,
  options: MatrixOptions = {},
  stats: MatrixStatistics = emptyStatistics(),
): Promise<Record<string, PrincipalAccess>> {
  const decisions = new Decisions(analysis, stats, options.dedupe !== false, options.cache);
  return principalMatrix(decisions, env, principals, matrixTargets(env, catalog), options, stats);
}

/** The principals of an environment as the matrix asks for them: its users, its roles, Identity Center's roles. */
function environmentPrincipals(analysis: AccessAnalysis, env: PlannedEnvironment): MatrixPrincipal[] {
  return [
    ...env.users.map((u) => ({
      arn: u.arn,
      via: u.groups.map((g) => `group/${g}`),
      policies: u.policies,
      isUser: true,
      boundary: u.permissionsBoundary,
    })),
    ...env.roles.map((r) => ({
      arn: r.arn,
      via: trustedAccounts(r.trust).map((a) => `trusts ${a}`),
      policies: r.policies,
      isUser: false,
      boundary: r.permissionsBoundary,
      session: analysis.sessionContext(r.arn),
    })),
    ...env.identityCenterRoles.map((r) => ({
      arn: r.arn,
      via: r.assignees.map((a) => `identity-center group/${a.group}`),
      policies: r.policies,
      isUser: false,
      session: analysis.sessionContext(r.arn),
    })),
  ];
}

/** `env` is one of `analysis.environments` (or a copy with fewer principals, as the benchmark samples). */
export async function environmentAccess(
  analysis: AccessAnalysis,
  env: PlannedEnvironment,
  catalog: ActionCatalog,
  options: MatrixOptions = {},
  stats: MatrixStatistics = emptyStatistics(),
): Promise<EnvironmentAccess> {
  const targets = matrixTargets(env, catalog);
  const decisions = new Decisions(analysis, stats, options.dedupe !== false, options.cache);
  const assumeRole = await assumeRoleEdges(analysis, decisions, env);
  return {
    environment: env.name,
    accountId: env.accountId,
    region: env.region,
    // A member of a team delivered as a role can do what the role can, once assumed.
    principals: withTeamRoleCells(
      env,
      await principalMatrix(decisions, env, environmentPrincipals(analysis, env), targets, options, stats),
      assumeRole,
    ),
    assumeRole,
    ...(await bucketDecisions(decisions, env)),
  };
}
