/**
 * Who can do what, per environment: every principal x every declared pipeline, stage and approval action x
 * every CodePipeline action of the service reference, plus who can assume each cross-account role and what
 * the artifact bucket policies decide. Principals with identical policy sets are simulated once, and equal
 * requests of different sets share one simulation (shared-decisions.ts), so the cost grows with distinct
 * permission sets, not with people.
 */
import { createHash } from 'node:crypto';
import type { ActionCatalog, CodePipelineResourceType } from '../iam/action-catalog';
import type { AccessAnalysis } from './access-analysis';
import type { DecisionCache } from './decision-cache';
import { asList, statementsOf, type PlannedEnvironment, type PlannedPolicy, type PolicyJson } from './plan-principals';
import {
  applicableStatements,
  mayDependOnPrincipal,
  SharedDecisions,
  type DecisionStatistics,
} from './shared-decisions';
import { simulate, type Decision } from './simulator';

/** One (action, resource) cell of the matrix, with the key it is reported under. */
export interface MatrixTarget {
  readonly action: string;
  readonly resource: string;
  /** Resource relative to the account: `MyFirstPipeline`, `MyFirstPipeline/Stage`, `*`, `actiontype:*`. */
  readonly key: string;
}

export interface PrincipalAccess {
  readonly arn: string;
  /** Groups (users) or trusted accounts (roles) the access comes through. */
  readonly via: readonly string[];
  /** Allowed actions (without the `codepipeline:` prefix) per resource key; denied cells are absent. */
  readonly allowed: Readonly<Record<string, readonly string[]>>;
}

export interface AssumeRoleDecision {
  readonly withMfa: Decision;
  readonly withoutMfa: Decision;
}

export interface EnvironmentAccess {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly principals: Readonly<Record<string, PrincipalAccess>>;
  /** Role name -> principal ARN (in the trusted account) -> decision. */
  readonly assumeRole: Readonly<Record<string, Readonly<Record<string, AssumeRoleDecision>>>>;
  /** Bucket -> probe -> decision. */
  readonly artifactBuckets: Readonly<Record<string, Readonly<Record<string, Decision>>>>;
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
  /** Matrix cells no statement could apply to: implicit denies, not simulated. */
  skippedByPrefilter: number;
}

export function emptyStatistics(): MatrixStatistics {
  return {
    principals: 0,
    permissionSets: 0,
    cells: 0,
    simulations: 0,
    sharedCells: 0,
    cachedDecisions: 0,
    skippedByPrefilter: 0,
  };
}

const SAMPLE_ACTION_TYPE = 'actiontype:Custom/Build/Example/1';
const SAMPLE_WEBHOOK = 'webhook:Example';

export function matrixTargets(env: PlannedEnvironment, catalog: ActionCatalog): MatrixTarget[] {
  const prefix = `arn:${env.partition}:codepipeline:${env.region}:${env.accountId}:`;
  const targets: MatrixTarget[] = [];
  const add = (action: string, resource: string) =>
    targets.push({ action, resource, key: resource === '*' ? '*' : resource.slice(prefix.length) });
  const byType = (type: CodePipelineResourceType) =>
    catalog.actions.filter((a) => a.resourceType === type).map((a) => a.action);
  for (const pipeline of env.pipelines) {
    for (const action of byType('pipeline')) add(action, pipeline.arn);
    // Stage actions on each declared stage; a pipeline without declared stages gets one stand-in stage.
    const stages = pipeline.stages.length > 0 ? pipeline.stages.map((s) => s.arn) : [`${pipeline.arn}/AnyStage`];
    for (const stage of stages) for (const action of byType('stage')) add(action, stage);
    for (const approval of pipeline.stages.flatMap((s) => s.approval_actions))
      for (const action of byType('action')) add(action, approval);
  }
  for (const action of byType('wildcard')) add(action, '*');
  for (const action of byType('actiontype')) add(action, `${prefix}${SAMPLE_ACTION_TYPE}`);
  for (const action of byType('webhook')) add(action, `${prefix}${SAMPLE_WEBHOOK}`);
  return targets;
}

/**
 * Identical policy texts give identical decisions for `actions`, unless a statement that could apply to one of
 * them has a condition or a policy variable (which may name the principal): then the principal is part of the key.
 */
function permissionSetKey(arn: string, policies: readonly PlannedPolicy[], actions: readonly string[]): string {
  return createHash('sha256')
    .update(mayDependOnPrincipal(policies, actions) ? arn : '')
    .update(
      policies
        .map((p) => p.text)
        .sort()
        .join('\u0000'),
    )
    .digest('hex');
}

const strip = (action: string) => action.replace(/^codepipeline:/, '');

async function principalMatrix(
  decisions: SharedDecisions,
  principals: readonly { arn: string; via: string[]; policies: readonly PlannedPolicy[] }[],
  targets: readonly MatrixTarget[],
  options: MatrixOptions,
  stats: MatrixStatistics,
): Promise<Record<string, PrincipalAccess>> {
  const bySet = new Map<string, Promise<Record<string, string[]>>>();
  const actions = [...new Set(targets.map((t) => t.action))];
  const out: Record<string, PrincipalAccess> = {};
  for (const principal of principals) {
    const key = options.dedupe === false ? principal.arn : permissionSetKey(principal.arn, principal.policies, actions);
    let allowed = bySet.get(key);
    if (!allowed) {
      allowed = (async () => {
        const cells: Record<string, string[]> = {};
        for (const target of targets) {
          stats.cells++;
          const applicable = applicableStatements(principal.policies, target.action, target.resource);
          // No statement could apply: an implicit deny, CodePipeline having no resource policies.
          if (applicable.reduced.length === 0) {
            stats.skippedByPrefilter++;
            continue;
          }
          const request = { principal: principal.arn, action: target.action, resource: target.resource };
          const decision = await decisions.decide(request, principal.policies, applicable, key, {
            resourceFitsAction: true,
          });
          if (decision === 'Allowed') (cells[target.key] ??= []).push(strip(target.action));
        }
        return cells;
      })();
      bySet.set(key, allowed);
    }
    const cells = await allowed;
    out[principal.arn.split(':').pop() ?? principal.arn] = {
      arn: principal.arn,
      via: principal.via,
      allowed: Object.fromEntries(
        Object.keys(cells)
          .sort()
          .map((k) => [k, [...cells[k]].sort()]),
      ),
    };
  }
  stats.principals += principals.length;
  stats.permissionSets += bySet.size;
  return out;
}

function trustedAccounts(trust: PolicyJson): string[] {
  const accounts = new Set<string>();
  for (const statement of statementsOf(trust)) {
    const principal = statement.Principal as { AWS?: string | string[] } | string | undefined;
    const aws = typeof principal === 'string' ? [principal] : asList(principal?.AWS);
    for (const p of aws) accounts.add(p === '*' ? '*' : /^\d{12}$/.test(p) ? p : (p.split(':')[4] ?? p));
  }
  return [...accounts].sort();
}

async function assumeRoleEdges(
  analysis: AccessAnalysis,
  decisions: SharedDecisions,
  env: PlannedEnvironment,
): Promise<EnvironmentAccess['assumeRole']> {
  const edges: Record<string, Record<string, AssumeRoleDecision>> = {};
  for (const role of env.roles) {
    const byPrincipal: Record<string, AssumeRoleDecision> = {};
    for (const account of trustedAccounts(role.trust)) {
      const trusted = analysis.environments.find((e) => e.accountId === account);
      const principals = trusted
        ? trusted.users
        : [analysis.principal(`arn:${env.partition}:iam::${account === '*' ? '999999999999' : account}:root`)];
      for (const { arn, policies } of principals) {
        const applicable = applicableStatements(policies, 'sts:AssumeRole', role.arn);
        const setKey = permissionSetKey(arn, policies, ['sts:AssumeRole']);
        const ask = (mfa: string) =>
          decisions.decide(
            {
              principal: arn,
              action: 'sts:AssumeRole',
              resource: role.arn,
              context: { 'aws:MultiFactorAuthPresent': mfa },
            },
            policies,
            applicable,
            setKey,
          );
        byPrincipal[arn] = { withMfa: await ask('true'), withoutMfa: await ask('false') };
      }
    }
    edges[role.name] = Object.fromEntries(
      Object.keys(byPrincipal)
        .sort()
        .map((k) => [k, byPrincipal[k]]),
    );
  }
  return edges;
}

/** Requests every artifact bucket policy must answer the same way, made by a same-account principal allowed s3:*. */
const BUCKET_PROBES: readonly { name: string; action: string; object: boolean; context: Record<string, string> }[] = [
  {
    name: 'PutObject over HTTPS with SSE-KMS',
    action: 's3:PutObject',
    object: true,
    context: { 's3:x-amz-server-side-encryption': 'aws:kms' },
  },
  {
    name: 'PutObject over HTTPS with SSE-S3',
    action: 's3:PutObject',
    object: true,
    context: { 's3:x-amz-server-side-encryption': 'AES256' },
  },
  { name: 'PutObject over HTTPS without encryption header', action: 's3:PutObject', object: true, context: {} },
  { name: 'GetObject over HTTPS', action: 's3:GetObject', object: true, context: {} },
  {
    name: 'GetObject over plain HTTP',
    action: 's3:GetObject',
    object: true,
    context: { 'aws:SecureTransport': 'false' },
  },
  {
    name: 'ListBucket over plain HTTP',
    action: 's3:ListBucket',
    object: false,
    context: { 'aws:SecureTransport': 'false' },
  },
];

async function bucketDecisions(
  env: PlannedEnvironment,
  stats: MatrixStatistics,
): Promise<EnvironmentAccess['artifactBuckets']> {
  const out: Record<string, Record<string, Decision>> = {};
  const probe = `arn:${env.partition}:iam::${env.accountId}:role/codepipeline-access-probe`;
  const allowS3 = {
    name: 'probe-allows-s3',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 's3:*', Resource: '*' }] },
  };
  for (const bucket of env.bucketPolicies) {
    const decisions: Record<string, Decision> = {};
    const bucketArn = `arn:${env.partition}:s3:::${bucket.bucket}`;
    for (const p of BUCKET_PROBES) {
      stats.simulations++;
      const outcome = await simulate({
        principalArn: probe,
        action: p.action,
        resourceArn: p.object ? `${bucketArn}/artifact.zip` : bucketArn,
        resourceAccountId: env.accountId,
        identityPolicies: [allowS3],
        resourcePolicy: bucket.document,
        context: { 'aws:SecureTransport': 'true', ...p.context },
      });
      decisions[p.name] = outcome.decision;
    }
    for (const role of env.roles) {
      stats.simulations++;
      const outcome = await simulate({
        principalArn: role.arn,
        action: 's3:GetObject',
        resourceArn: `${bucketArn}/artifact.zip`,
        resourceAccountId: env.accountId,
        identityPolicies: role.policies.map((p) => ({ name: p.name, document: p.document })),
        resourcePolicy: bucket.document,
        context: { 'aws:SecureTransport': 'true' },
      });
      decisions[`GetObject by role/${role.name}`] = outcome.decision;
    }
    out[bucket.bucket] = decisions;
  }
  return out;
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
  const decisions = new SharedDecisions(analysis, stats, options.dedupe !== false, options.cache);
  const principals = [
    ...env.users.map((u) => ({ arn: u.arn, via: u.groups.map((g) => `group/${g}`), policies: u.policies })),
    ...env.roles.map((r) => ({
      arn: r.arn,
      via: trustedAccounts(r.trust).map((a) => `trusts ${a}`),
      policies: r.policies,
    })),
  ];
  return {
    environment: env.name,
    accountId: env.accountId,
    region: env.region,
    principals: await principalMatrix(decisions, principals, targets, options, stats),
    assumeRole: await assumeRoleEdges(analysis, decisions, env),
    artifactBuckets: await bucketDecisions(env, stats),
  };
}

/** The committed, reviewable form: sorted keys, two-space indent, trailing newline. */
export function renderEnvironmentAccess(access: EnvironmentAccess): string {
  return `${JSON.stringify(access, null, 2)}\n`;
}
