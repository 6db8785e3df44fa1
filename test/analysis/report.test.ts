/** The review report: statement changes compared as sets, access gained and lost, deletions called out. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessChanges, renderSummary, statementChanges, type ReportSide } from '../../src/analysis/report';
import { analyzeExample, PlanEdit } from '../helpers/plan-mutations';
import { fixturePlansDir, readPlan } from '../helpers/plans';

const P = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const side = async (edits: PlanEdit[] = []): Promise<ReportSide> => ({
  result: await analyzeExample(edits),
  planText: new Map([['prod', 'Plan: 26 to add, 0 to change, 0 to destroy.\n']]),
});
const prodEnv = (s: ReportSide) => s.result.analysis.environment('prod');
const prodAccess = (s: ReportSide) => s.result.access.find((a) => a.environment === 'prod');

test('without a base, every statement is added and every grant is gained', async () => {
  const head = await side();
  const rows = statementChanges(undefined, prodEnv(head));
  expect(rows.every((r) => r.change === '+')).toBe(true);
  expect(rows).toContainEqual({
    change: '+',
    resource: `${P}/MyApprovalStage/MyApprovalAction`,
    effect: 'Allow',
    action: 'codepipeline:PutApprovalResult',
    principal: 'group/release-approvers',
    condition: '',
  });
  expect(accessChanges(undefined, prodAccess(head))).toContainEqual({
    change: '+',
    principal: 'user/mina',
    resource: 'MyFirstPipeline/MyApprovalStage/MyApprovalAction',
    actions: ['PutApprovalResult'],
  });
});

test('reordering statements and actions shows no change (statements compared as sets)', async () => {
  const base = await side();
  const edit = new PlanEdit('prod');
  const address = 'aws_iam_policy.helprr-backend-developer-policy';
  const document = JSON.parse(String(edit.after(address).policy));
  document.Statement.reverse();
  for (const s of document.Statement) s.Action.reverse();
  edit.setDocument(address, 'policy', document);
  const head = await side([edit]);
  expect(statementChanges(prodEnv(base), prodEnv(head))).toEqual([]);
  expect(accessChanges(prodAccess(base), prodAccess(head))).toEqual([]);
});

test('a grant added and one removed show as + and - rows, with who gains and who loses', async () => {
  const base = await side();
  const edit = new PlanEdit('prod')
    .policy(
      'jin-can-edit',
      {
        Version: '2012-10-17',
        Statement: [{ Sid: 'Edit', Effect: 'Allow', Action: ['codepipeline:UpdatePipeline'], Resource: [P] }],
      },
      'profile:custom',
    )
    .attachToGroup('helprr-backend-developer-group', 'jin-can-edit');
  const approver = JSON.parse(String(edit.after('aws_iam_policy.release-approvers-approver').policy));
  approver.Statement = approver.Statement.filter((s: { Sid: string }) => s.Sid !== 'ApproveOrReject');
  edit.setDocument('aws_iam_policy.release-approvers-approver', 'policy', approver);
  const head = await side([edit]);

  expect(statementChanges(prodEnv(base), prodEnv(head))).toEqual([
    {
      change: '+',
      resource: P,
      effect: 'Allow',
      action: 'codepipeline:UpdatePipeline',
      principal: 'group/helprr-backend-developer-group',
      condition: '',
    },
    {
      change: '-',
      resource: `${P}/MyApprovalStage/MyApprovalAction`,
      effect: 'Allow',
      action: 'codepipeline:PutApprovalResult',
      principal: 'group/release-approvers',
      condition: '',
    },
  ]);
  expect(accessChanges(prodAccess(base), prodAccess(head))).toEqual([
    { change: '+', principal: 'user/jin', resource: 'MyFirstPipeline', actions: ['UpdatePipeline'] },
    {
      change: '-',
      principal: 'user/mina',
      resource: 'MyFirstPipeline/MyApprovalStage/MyApprovalAction',
      actions: ['PutApprovalResult'],
    },
  ]);

  const summary = renderSummary(head, base);
  expect(summary).toContain('changes against the base branch');
  expect(summary).toContain('| + | user/jin | MyFirstPipeline | UpdatePipeline |');
  expect(summary).toContain('| - | user/mina | MyFirstPipeline/MyApprovalStage/MyApprovalAction | PutApprovalResult |');
  expect(summary).toMatch(
    /\| error \| CPA-IAM2 \| `user\/jin` \| `Action::codepipeline:UpdatePipeline@MyFirstPipeline` \|/,
  );
});

test('deletions and replacements are called out', async () => {
  const edit = new PlanEdit('prod');
  const rc = edit.plan.resource_changes.find((r) => r.address === 'aws_iam_user_login_profile.jin');
  if (rc) rc.change.actions = ['delete', 'create'];
  edit.plan.resource_changes = edit.plan.resource_changes.filter((r) => r.address !== 'aws_iam_user.sam');
  const summary = renderSummary(await side([edit]), await side());
  expect(summary).toContain('> [!WARNING]');
  expect(summary).toContain('> - `aws_iam_user_login_profile.jin` will be replaced');
  expect(summary).toContain('> - `aws_iam_user.sam` is no longer in the configuration (deleted on deploy)');
});

test('the report has per environment: counts, statement changes, access changes, findings, the raw plan folded', async () => {
  const summary = readFileSync(join(fixturePlansDir('example'), 'SUMMARY.md'), 'utf8');
  const prod = summary.slice(summary.indexOf('## prod (111222333444, us-east-2)'));
  const order = [
    '**Plan:** 26 to create, 0 to update, 0 to replace, 0 to delete.',
    '### IAM statement changes',
    '### Who gains and who loses access',
    '### Rule findings',
    '<details><summary>Terraform plan</summary>',
  ];
  const positions = order.map((heading) => prod.indexOf(heading));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(summary).toContain('changes against nothing (no base given): everything shows as added');
  expect(readPlan('example', 'prod').addresses()).toHaveLength(26);
});
