/**
 * What each access profile kind allows, as policy statements for one resolved scope.
 *
 * Resources follow the service reference: pipeline-level actions on pipeline ARNs, stage-level actions on
 * `<pipeline>/*` (a pipeline ARN alone does not cover its stages), approval on the exact action ARNs, and
 * wildcard-only actions on `*`. A scope of "all" uses the account's `codepipeline:<region>:<account>:*`,
 * which also covers pipelines created later.
 *
 * Webhooks and custom action types are never widened to the account: they come from the config's declarations
 * (pipelines[].webhooks, actionTypes), and resolve.ts refuses a grant whose actions need some when none are
 * declared in its scope (undeclaredResources). An action that requires several resource types gets all of them
 * (PutWebhook: the pipelines and their webhooks); one whose resource types are all optional (the tagging actions)
 * gets every declared one. Those two kinds of action get the declared pipeline ARNs even in a scope of "all": the
 * account-wide `...:*` would match every webhook and action type of the account as well.
 */
import type { ActionCatalog, CatalogAction, CatalogResourceType } from '../iam/action-catalog';
import { arns, type AccountRegion } from '../iam/arns';
import type { PolicyStatement } from '../iam/policy-document';
import type { ProfileKind } from '../config/schema';

const cp = (name: string) => `codepipeline:${name}`;

/** Seeing pipelines, executions and their history, as the console does. */
export const VIEWER_PIPELINE_ACTIONS = [
  'GetPipeline',
  'GetPipelineExecution',
  'GetPipelineState',
  'ListActionExecutions',
  'ListDeployActionExecutionTargets',
  'ListPipelineExecutions',
  'ListRuleExecutions',
  'ListTagsForResource',
].map(cp);
/** Lists the console needs; these actions accept no resource but `*`. */
export const VIEWER_WILDCARD_ACTIONS = ['GetActionType', 'ListActionTypes', 'ListPipelines', 'ListRuleTypes'].map(cp);
/** Seed 002: re-trigger and stop an execution... */
export const OPERATOR_PIPELINE_ACTIONS = ['StartPipelineExecution', 'StopPipelineExecution'].map(cp);
/** ...and retry a failed stage. Nothing that creates, edits or deletes a pipeline. */
export const OPERATOR_STAGE_ACTIONS = ['RetryStageExecution'].map(cp);
/** Seed 000: the reads an approver needs to find the approval, and the approval itself. */
export const APPROVER_READ_ACTIONS = ['GetPipeline', 'GetPipelineExecution', 'GetPipelineState'].map(cp);
export const APPROVER_CONSOLE_ACTIONS = ['ListPipelines'].map(cp);
export const APPROVAL_ACTIONS = ['PutApprovalResult'].map(cp);

export interface ApprovalActionRef {
  readonly pipeline: string;
  readonly stage: string;
  readonly action: string;
}

/** The pipelines one grant covers in one environment. */
export interface ResolvedScope {
  readonly env: AccountRegion;
  /** Every pipeline of the account (`all`), or the named ones. */
  readonly pipelines: 'all' | readonly string[];
  /** For approvers: the approval actions they may approve. */
  readonly approvals: readonly ApprovalActionRef[];
  /** The declared pipelines in scope (every declared one for `all`): what multi-resource actions name. */
  readonly declaredPipelines: readonly string[];
  /** ARNs of the webhooks the pipelines in scope declare. */
  readonly webhooks: readonly string[];
  /** ARNs of the environment's declared custom action types. */
  readonly actionTypes: readonly string[];
  /** The service roles the pipelines in scope declare (role ARNs), what an admin may pass to CodePipeline. */
  readonly serviceRoles: readonly string[];
}

function pipelineResources(scope: ResolvedScope): string[] {
  return scope.pipelines === 'all'
    ? [arns.allCodePipeline(scope.env)]
    : scope.pipelines.map((p) => arns.pipeline(scope.env, p));
}

function stageResources(scope: ResolvedScope): string[] {
  return scope.pipelines === 'all'
    ? [arns.allCodePipeline(scope.env)]
    : scope.pipelines.map((p) => arns.pipelineStages(scope.env, p));
}

function viewerStatements(scope: ResolvedScope): PolicyStatement[] {
  return [
    { sid: 'ViewPipelines', effect: 'Allow', actions: VIEWER_PIPELINE_ACTIONS, resources: pipelineResources(scope) },
    { sid: 'ListForConsole', effect: 'Allow', actions: VIEWER_WILDCARD_ACTIONS, resources: ['*'] },
  ];
}

function operatorStatements(scope: ResolvedScope): PolicyStatement[] {
  return [
    ...viewerStatements(scope),
    {
      sid: 'StartStopExecutions',
      effect: 'Allow',
      actions: OPERATOR_PIPELINE_ACTIONS,
      resources: pipelineResources(scope),
    },
    { sid: 'RetryStages', effect: 'Allow', actions: OPERATOR_STAGE_ACTIONS, resources: stageResources(scope) },
  ];
}

function approverStatements(scope: ResolvedScope): PolicyStatement[] {
  const pipelines = [...new Set(scope.approvals.map((a) => a.pipeline))];
  return [
    { sid: 'ListPipelinesForConsole', effect: 'Allow', actions: APPROVER_CONSOLE_ACTIONS, resources: ['*'] },
    {
      sid: 'ReadApprovalPipelines',
      effect: 'Allow',
      actions: APPROVER_READ_ACTIONS,
      resources: pipelines.map((p) => arns.pipeline(scope.env, p)),
    },
    {
      sid: 'ApproveOrReject',
      effect: 'Allow',
      actions: APPROVAL_ACTIONS,
      resources: scope.approvals.map((a) => arns.action(scope.env, a.pipeline, a.stage, a.action)),
    },
  ];
}

function adminStatements(scope: ResolvedScope, catalog: ActionCatalog): PolicyStatement[] {
  // A scope of "all" is the whole account (webhooks and action types included, those created later too); a
  // scoped admin gets its pipelines, their stages and their declared webhooks, never another pipeline's.
  const resources =
    scope.pipelines === 'all'
      ? [arns.allCodePipeline(scope.env)]
      : [...pipelineResources(scope), ...stageResources(scope), ...scope.webhooks];
  const statements: PolicyStatement[] = [
    { sid: 'AdministerPipelines', effect: 'Allow', actions: ['codepipeline:*'], resources },
    { sid: 'WildcardOnlyActions', effect: 'Allow', actions: catalog.wildcardOnly(), resources: ['*'] },
  ];
  // CreatePipeline/UpdatePipeline pass the pipeline's service role: only a declared one, only to CodePipeline.
  // With none declared there is nothing to pass (resolve.ts warns that the admin cannot create or update).
  if (scope.serviceRoles.length > 0) {
    statements.push({
      sid: 'PassRoleToCodePipeline',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [...scope.serviceRoles],
      condition: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
    });
  }
  return statements;
}

type ResourceTypeName = CatalogResourceType['name'];

const TYPE_LABELS: Record<ResourceTypeName, string> = {
  pipeline: 'Pipeline',
  stage: 'Stage',
  action: 'Action',
  actiontype: 'ActionType',
  webhook: 'Webhook',
};

/** The resource types a grant of `entry` names: the required ones, else (all optional) every one. */
function grantedTypes(entry: CatalogAction): readonly CatalogResourceType[] {
  const required = entry.resourceTypes.filter((r) => r.required);
  return required.length > 0 ? required : entry.resourceTypes;
}

function typeResources(type: ResourceTypeName, scope: ResolvedScope, multi: boolean): string[] {
  switch (type) {
    case 'pipeline':
      // `...:*` would also match every webhook and action type: a multi-resource action names declared pipelines.
      return multi ? scope.declaredPipelines.map((p) => arns.pipeline(scope.env, p)) : pipelineResources(scope);
    case 'stage':
    case 'action':
      return stageResources(scope);
    case 'actiontype':
      return [...scope.actionTypes];
    case 'webhook':
      return [...scope.webhooks];
  }
}

/** Resource types an action requires but the scope declares none of: resolve.ts refuses such a grant. */
export function undeclaredResources(
  actions: readonly string[],
  scope: ResolvedScope,
  catalog: ActionCatalog,
): { readonly type: ResourceTypeName; readonly actions: readonly string[] }[] {
  const missing = new Map<ResourceTypeName, string[]>();
  for (const action of actions) {
    const entry = catalog.get(action);
    if (!entry) continue;
    const types = grantedTypes(entry);
    const perType = types.map((t) => typeResources(t.name, scope, entry.resourceTypes.length > 1));
    // Every required type must be declared; of optional ones (tagging), at least one: a pipeline, say so.
    const lacking = types[0]?.required
      ? types.filter((_, t) => perType[t].length === 0)
      : types.filter((t) => t.name === 'pipeline' && perType.flat().length === 0);
    for (const type of lacking) missing.set(type.name, [...(missing.get(type.name) ?? []), action]);
  }
  return [...missing.entries()].map(([type, typeActions]) => ({ type, actions: typeActions }));
}

/**
 * Custom actions, grouped by the resource types the service reference gives each one. An action the catalog does
 * not know, or one that requires a resource the scope does not declare, is left out: the config checks report it
 * (custom-actions.ts, undeclaredResources), and resolution still runs on such a config to report its own problems
 * in the same run, so it must not stop at one.
 */
function customStatements(actions: readonly string[], scope: ResolvedScope, catalog: ActionCatalog): PolicyStatement[] {
  const groups = new Map<string, { sid: string; actions: string[]; resources: string[] }>();
  for (const action of actions) {
    const entry = catalog.get(action);
    if (!entry) continue;
    const types = grantedTypes(entry);
    const perType = types.map((t) => typeResources(t.name, scope, entry.resourceTypes.length > 1));
    const resources = perType.flat();
    if (types.some((t, i) => t.required && perType[i].length === 0) || (types.length > 0 && resources.length === 0))
      continue;
    const anyOf = types.length > 1 && !types[0].required;
    const key = types.length === 0 ? 'wildcard' : types.map((t) => t.name).join(anyOf ? '|' : '+');
    const sid =
      types.length === 0
        ? 'CustomWildcardOnlyActions'
        : `Custom${types.map((t) => TYPE_LABELS[t.name]).join(anyOf ? 'Or' : 'And')}Actions`;
    const group = groups.get(key) ?? { sid, actions: [], resources: types.length === 0 ? ['*'] : resources };
    group.actions.push(entry.action);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, group]) => ({ sid: group.sid, effect: 'Allow', actions: group.actions, resources: group.resources }));
}

export function profileStatements(
  kind: ProfileKind,
  scope: ResolvedScope,
  catalog: ActionCatalog,
  customActions: readonly string[] = [],
): PolicyStatement[] {
  switch (kind) {
    case 'viewer':
      return viewerStatements(scope);
    case 'operator':
      return operatorStatements(scope);
    case 'approver':
      return approverStatements(scope);
    case 'admin':
      return adminStatements(scope, catalog);
    case 'custom':
      return customStatements(customActions, scope, catalog);
  }
}
