/**
 * The config's intent (src/model/intent.ts) against the simulated plan, cell by cell. For every cell of the
 * matrix the intent says: not meant (`no`), meant in a context (`{ context }`: `{}` for any context, MFA and the
 * external id for a trust, TLS for a bucket read), or `either` where the config leaves it open (a resource the
 * config does not declare, reached by a grant on `all` pipelines, which covers the account). Then:
 *
 * - `unintended`: the plan allows a cell the config does not mean, or in a context wider than it means;
 * - `missing`: the config means a cell the plan denies in the meant context.
 */
import type { ActionCatalog } from '../iam/action-catalog';
import type { EnvironmentIntent, IntendedGrant, IntendedPrincipal } from '../model/intent';
import {
  APPROVAL_ACTIONS,
  APPROVER_CONSOLE_ACTIONS,
  APPROVER_READ_ACTIONS,
  OPERATOR_PIPELINE_ACTIONS,
  OPERATOR_STAGE_ACTIONS,
  VIEWER_PIPELINE_ACTIONS,
  VIEWER_WILDCARD_ACTIONS,
} from '../model/profile-policies';
import { bucketProbes, matrixTargets, type MatrixTarget, type TargetKind } from './access-matrix';
import { covers, type AllowedWhen, type ContextCondition, type EnvironmentAccess } from './environment-access';
import type { PlannedEnvironment } from './plan-principals';

export type Intended = { readonly context: ContextCondition } | 'no' | 'either';

const ANY: Intended = { context: {} };
const TLS = { 'aws:SecureTransport': 'true' };
const PASSED_TO_CODEPIPELINE = { 'iam:PassedToService': 'codepipeline.amazonaws.com' };

/** One cell where plan and intent disagree. */
export interface IntentMismatch {
  readonly kind: 'unintended' | 'missing';
  /** `user/jin`, `role/X`, a principal ARN (trusts) or a bucket probe. */
  readonly principal: string;
  /** The resource key as in access.json (`role/<name>` for trusts, the bucket for probes). */
  readonly resource: string;
  readonly action: string;
  /** The contexts the plan allows the cell in (unintended) or the context the config means (missing). */
  readonly contexts: readonly ContextCondition[];
  /** For a missing cell, the guardrail that denies it, when one does. */
  readonly deniedBy?: string;
}

const inScope = (grant: IntendedGrant, pipeline: string | undefined) =>
  grant.pipelines === 'all' || (pipeline !== undefined && grant.pipelines.includes(pipeline));

/** The pipeline a CodePipeline target belongs to, if any. */
function pipelineOf(target: TargetKind): string | undefined {
  return 'pipeline' in target && typeof target.pipeline === 'string' ? target.pipeline : undefined;
}

/**
 * What one grant means for one CodePipeline cell. A resource the config does not declare, reached by a grant on
 * `all` pipelines, is neither required nor forbidden: the account-wide ARN covers pipelines made later, but the
 * multi-resource and approval grants name declared resources only.
 */
function grantIntends(grant: IntendedGrant, cell: MatrixTarget, catalog: ActionCatalog): Intended {
  const meant = grantIntendsDeclared(grant, cell, catalog);
  const declared = !('declared' in cell.target) || cell.target.declared;
  return meant !== 'no' && !declared && grant.pipelines === 'all' ? 'either' : meant;
}

function grantIntendsDeclared(grant: IntendedGrant, cell: MatrixTarget, catalog: ActionCatalog): Intended {
  const { action, target } = cell;
  const types = (catalog.get(action)?.resourceTypes ?? []).map((r) => r.name);
  if (target.kind === 'wildcard') {
    const wildcard: Record<IntendedGrant['kind'], readonly string[]> = {
      viewer: VIEWER_WILDCARD_ACTIONS,
      operator: VIEWER_WILDCARD_ACTIONS,
      approver: APPROVER_CONSOLE_ACTIONS,
      admin: catalog.wildcardOnly(),
      custom: grant.actions.filter((a) => catalog.get(a)?.resourceType === 'wildcard'),
    };
    return wildcard[grant.kind].includes(action) ? ANY : 'no';
  }
  const pipeline = pipelineOf(target);
  const declared = !('declared' in target) || target.declared;
  switch (grant.kind) {
    case 'viewer':
    case 'operator': {
      const pipelineActions = [
        ...VIEWER_PIPELINE_ACTIONS,
        ...(grant.kind === 'operator' ? OPERATOR_PIPELINE_ACTIONS : []),
      ];
      const stageActions = grant.kind === 'operator' ? OPERATOR_STAGE_ACTIONS : [];
      if (target.kind === 'pipeline') return inScope(grant, pipeline) && pipelineActions.includes(action) ? ANY : 'no';
      if (target.kind === 'stage') return inScope(grant, pipeline) && stageActions.includes(action) ? ANY : 'no';
      // ListTagsForResource and the like reach webhooks and action types through the account-wide ARN of `all`.
      return grant.pipelines === 'all' && pipelineActions.includes(action) ? 'either' : 'no';
    }
    case 'approver': {
      if (target.kind === 'pipeline') {
        const approvalPipelines = grant.approvals.map((a) => a.split('/')[0]);
        return approvalPipelines.includes(target.pipeline) && APPROVER_READ_ACTIONS.includes(action) ? ANY : 'no';
      }
      if (target.kind === 'action')
        return APPROVAL_ACTIONS.includes(action) && grant.approvals.includes(`${target.pipeline}/${target.action}`)
          ? ANY
          : 'no';
      return 'no';
    }
    case 'admin':
      if (grant.pipelines === 'all') return ANY;
      if (target.kind === 'pipeline' || target.kind === 'stage' || target.kind === 'action')
        return inScope(grant, pipeline) ? ANY : 'no';
      if (target.kind === 'webhook') return declared && inScope(grant, pipeline) ? ANY : 'no';
      return 'no';
    case 'custom': {
      // Each action on every resource type the service reference lists for it, of the pipelines in scope; webhooks
      // and action types only where the config declares them, whatever the scope.
      if (!grant.actions.includes(action)) return 'no';
      switch (target.kind) {
        case 'pipeline':
        case 'stage':
          return inScope(grant, pipeline) && types.includes(target.kind) ? ANY : 'no';
        case 'action':
          // Rendered on `<pipeline>/*`: every action of the granted pipelines, declared or not.
          return inScope(grant, pipeline) && types.includes('action') ? ANY : 'no';
        case 'webhook':
          return declared && inScope(grant, pipeline) && types.includes('webhook') ? ANY : 'no';
        case 'actiontype':
          return declared && types.includes('actiontype') ? ANY : 'no';
        default:
          return 'no';
      }
    }
  }
}

/** What the config means for one cell of one principal (undefined principal: one the config does not make). */
export function intendedCell(
  principal: IntendedPrincipal | undefined,
  cell: MatrixTarget,
  catalog: ActionCatalog,
): Intended {
  if (!principal) return 'no';
  const { target, action } = cell;
  switch (target.kind) {
    case 'own-user':
      return principal.console && action === 'iam:ChangePassword' ? ANY : 'no';
    case 'other-user':
      return 'no';
    case 'service-role': {
      const admin = principal.grants.filter((g) => g.kind === 'admin');
      const meant = admin.some((g) => g.pipelines === 'all' || target.pipelines.some((p) => g.pipelines.includes(p)));
      return meant && target.pipelines.length > 0 ? { context: PASSED_TO_CODEPIPELINE } : 'no';
    }
    case 'bucket-objects':
    case 'bucket':
      return principal.reads.includes(target.bucket) && action !== 's3:PutObject' ? { context: TLS } : 'no';
    case 'wildcard':
      if (action === 'iam:GetAccountPasswordPolicy') return principal.console ? ANY : 'no';
      break;
    default:
      break;
  }
  let result: Intended = 'no';
  let widest: { readonly context: ContextCondition } | undefined;
  for (const grant of principal.grants) {
    const meant = grantIntends(grant, cell, catalog);
    if (meant === 'either') result = 'either';
    if (meant === 'no' || meant === 'either') continue;
    // A grant through a team role needs its context (MFA); the same cell through a group does not: the widest wins.
    const context = { ...meant.context, ...(grant.context ?? {}) };
    if (!widest || Object.keys(context).length < Object.keys(widest.context).length) widest = { context };
  }
  return widest ?? result;
}

/** `allowed` is within what is meant: every context it allows is one the meant context covers. */
function unintendedContexts(allowed: AllowedWhen, meant: Intended): ContextCondition[] {
  if (meant === 'either') return [];
  if (meant === 'no') return [...allowed];
  return allowed.filter((c) => !covers(meant.context, c));
}

/** `allowed` lets the meant context through (some allowed context covers it). */
const allowsMeant = (allowed: AllowedWhen, meant: Intended) =>
  meant === 'no' || meant === 'either' || allowed.some((c) => covers(c, meant.context));

export function checkIntent(
  intent: EnvironmentIntent,
  env: PlannedEnvironment,
  access: EnvironmentAccess,
  catalog: ActionCatalog,
): IntentMismatch[] {
  const mismatches: IntentMismatch[] = [];
  const targets = matrixTargets(env, catalog);
  const report = (
    kind: IntentMismatch['kind'],
    principal: string,
    resource: string,
    action: string,
    contexts: readonly ContextCondition[],
  ) => {
    if (contexts.length > 0) mismatches.push({ kind, principal, resource, action, contexts });
  };
  const reported = (action: string) => action.replace(/^codepipeline:/, '');

  // People with the same cells and the same grants differ in nothing checked here: each pair is compared once.
  const compared = new Map<string, Omit<IntentMismatch, 'principal'>[]>();
  const principalKeys = [...new Set([...Object.keys(access.principals), ...Object.keys(intent.principals)])].sort();
  for (const key of principalKeys) {
    const entry = access.principals[key];
    const meantFor = intent.principals[key];
    const isUser = key.startsWith('user/');
    const signature = JSON.stringify([isUser, entry?.allowed, entry?.conditional, entry?.deniedByGuardrail, meantFor]);
    let found = compared.get(signature);
    if (!found) {
      found = [];
      for (const cell of targets) {
        if ((cell.target.kind === 'own-user' || cell.target.kind === 'other-user') && !isUser) continue;
        const action = reported(cell.action);
        const allowed: AllowedWhen = entry?.allowed[cell.key]?.includes(action)
          ? [{}]
          : (entry?.conditional?.[cell.key]?.[action] ?? []);
        const meant = intendedCell(meantFor, cell, catalog);
        const wider = unintendedContexts(allowed, meant);
        if (wider.length > 0) found.push({ kind: 'unintended', resource: cell.key, action, contexts: wider });
        if (entry && !allowsMeant(allowed, meant) && typeof meant === 'object') {
          const deniedBy = entry.deniedByGuardrail?.[cell.key]?.[action];
          found.push({
            kind: 'missing',
            resource: cell.key,
            action,
            contexts: [meant.context],
            ...(deniedBy ? { deniedBy } : {}),
          });
        }
      }
      compared.set(signature, found);
    }
    for (const m of found) mismatches.push({ ...m, principal: key });
  }

  for (const [role, byPrincipal] of Object.entries(access.assumeRole)) {
    const trust = intent.trusts[role];
    for (const [principal, allowed] of Object.entries(byPrincipal)) {
      const meant: Intended = trust?.principals.includes(principal) ? { context: trust.context } : 'no';
      report('unintended', principal, `role/${role}`, 'sts:AssumeRole', unintendedContexts(allowed, meant));
      if (!allowsMeant(allowed, meant) && typeof meant === 'object')
        report('missing', principal, `role/${role}`, 'sts:AssumeRole', [meant.context]);
    }
    for (const principal of trust?.principals ?? [])
      if (!(principal in byPrincipal)) report('missing', principal, `role/${role}`, 'sts:AssumeRole', [trust.context]);
  }

  const [sameAccount, otherAccount] = bucketProbes(env);
  for (const [bucket, byProbe] of Object.entries(access.artifactBuckets)) {
    const pin = intent.buckets[bucket]?.kmsKeyArn;
    const upload: Record<string, string> = { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms' };
    if (pin !== undefined) upload['s3:x-amz-server-side-encryption-aws-kms-key-id'] = pin;
    const meantFor: Record<string, Intended> = {
      's3:GetObject': { context: TLS },
      's3:ListBucket': { context: TLS },
      's3:PutObject': { context: upload },
    };
    for (const [action, allowed] of Object.entries(byProbe[sameAccount.name] ?? {}))
      report('unintended', sameAccount.name, bucket, action, unintendedContexts(allowed, meantFor[action] ?? 'no'));
    for (const [action, allowed] of Object.entries(byProbe[otherAccount.name] ?? {}))
      report('unintended', otherAccount.name, bucket, action, unintendedContexts(allowed, 'no'));
  }
  return mismatches;
}
