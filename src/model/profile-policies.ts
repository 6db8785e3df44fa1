/**
 * What each access profile kind allows, as policy statements for one resolved scope.
 *
 * Resources follow the service reference: pipeline-level actions on pipeline ARNs, stage-level actions on
 * `<pipeline>/*` (a pipeline ARN alone does not cover its stages), approval on the exact action ARNs, and
 * wildcard-only actions on `*`. A scope of "all" uses the account's `codepipeline:<region>:<account>:*`,
 * which also covers pipelines created later.
 */
import type { ActionCatalog, CodePipelineResourceType } from '../iam/action-catalog';
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
  const resources =
    scope.pipelines === 'all'
      ? [arns.allCodePipeline(scope.env)]
      : [...pipelineResources(scope), ...stageResources(scope)];
  return [
    { sid: 'AdministerPipelines', effect: 'Allow', actions: ['codepipeline:*'], resources },
    { sid: 'WildcardOnlyActions', effect: 'Allow', actions: catalog.wildcardOnly(), resources: ['*'] },
    {
      // CreatePipeline/UpdatePipeline pass the pipeline's service role; only to CodePipeline itself.
      sid: 'PassRoleToCodePipeline',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [arns.iamAllRoles(scope.env)],
      condition: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
    },
  ];
}

const CUSTOM_SIDS: Record<CodePipelineResourceType, string> = {
  pipeline: 'CustomPipelineActions',
  stage: 'CustomStageActions',
  action: 'CustomActionActions',
  actiontype: 'CustomActionTypeActions',
  webhook: 'CustomWebhookActions',
  wildcard: 'CustomWildcardOnlyActions',
};

function customResources(type: CodePipelineResourceType, scope: ResolvedScope): string[] {
  switch (type) {
    case 'pipeline':
      return pipelineResources(scope);
    case 'stage':
    case 'action':
      return stageResources(scope);
    case 'actiontype':
      return [arns.actionTypes(scope.env)];
    case 'webhook':
      return [arns.webhooks(scope.env)];
    case 'wildcard':
      return ['*'];
  }
}

/**
 * Custom actions, grouped by the resource type the service reference gives each one. An action the catalog does
 * not know is left out: the config check reports it (custom-actions.ts), and resolution still runs on such a
 * config to report its own problems in the same run, so it must not stop at one.
 */
function customStatements(actions: readonly string[], scope: ResolvedScope, catalog: ActionCatalog): PolicyStatement[] {
  const byType = new Map<CodePipelineResourceType, string[]>();
  for (const action of actions) {
    const entry = catalog.get(action);
    if (entry) byType.set(entry.resourceType, [...(byType.get(entry.resourceType) ?? []), entry.action]);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, typeActions]) => ({
      sid: CUSTOM_SIDS[type],
      effect: 'Allow',
      actions: typeActions,
      resources: customResources(type, scope),
    }));
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
