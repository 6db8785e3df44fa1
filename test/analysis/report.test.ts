/**
 * The review report on real plans of the example: the base -> head resource comparison as the headline with
 * Terraform's own counts labelled, statement changes compared as sets, who gains and who loses (access-diff.ts),
 * unchanged environments in one line, deletions called out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessChanges, describeNewCell, gainedGrants, newCells } from '../../src/analysis/access-diff';
import { renderSummary, type ReportSide } from '../../src/analysis/report';
import { statementChanges } from '../../src/analysis/statement-changes';
import { analyzeExample, PlanEdit } from '../helpers/plan-mutations';
import { fixturePlansDir, readPlan } from '../helpers/plans';

const P = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const side = async (edits: PlanEdit[] = []): Promise<ReportSide> => ({
  result: await analyzeExample(edits),
  planText: new Map([['prod', 'Plan: 26 to add, 0 to change, 0 to destroy.\n']]),
});
const prodEnv = (s: ReportSide) => s.result.analysis.environment('prod');
const prodAccess = (s: ReportSide) => s.result.access.find((a) => a.environment === 'prod');
/** The prod section of a summary (up to the next environment, if any). */
const prodSection = (summary: string) => summary.slice(summary.indexOf('## prod ('));

let unedited: Promise<ReportSide> | undefined;
const baseSide = () => (unedited ??= side());

test('GIVEN no base WHEN reported THEN every statement is added, every grant gained, and Terraform counts are the only comparison', async () => {
  const head = await baseSide();
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
    context: {},
    otherSide: [],
  });
  const summary = renderSummary(head);
  expect(prodSection(summary)).toContain(
    '**Terraform against empty state** (what a first deploy creates; no base given, so this is the only comparison): 35 to create, 0 to update, 0 to replace, 0 to delete.',
  );
  expect(summary).not.toContain('Against the base');
  expect(summary).not.toContain('no change (plan identical');
});

test('GIVEN a refactor (statements reordered, a policy renamed, a grant moved to a team with the same members) WHEN compared THEN no gain and no loss', async () => {
  const base = await baseSide();
  const edit = new PlanEdit('prod');
  const developer = 'aws_iam_policy.helprr-backend-developer-policy';
  const document = JSON.parse(String(edit.after(developer).policy));
  document.Statement.reverse();
  for (const s of document.Statement) s.Action.reverse();
  edit.setDocument(developer, 'policy', document);
  edit.renamePolicy('release-approvers-approver', 'release-approvers-approver-v2');
  // jin is the only member of helprr-backend-developer-group: a new team with jin alone takes over its grant.
  edit
    .remove('aws_iam_group_policy_attachment.helprr-backend-developer-group__helprr-backend-developer-policy')
    .group('backend-team')
    .attachToGroup('backend-team', 'helprr-backend-developer-policy')
    .membership('jin', ['codepipeline-access-self-service', 'helprr-backend-developer-group', 'backend-team']);
  const head = await side([edit]);

  expect(accessChanges(prodAccess(base), prodAccess(head))).toEqual([]);
  expect(gainedGrants(prodAccess(base), prodAccess(head))).toEqual([]);
  expect(newCells(base.result.access, head.result.access)).toEqual([]);
  const prod = prodSection(renderSummary(head, base));
  expect(prod).toContain('No change in who can do what.');
  // The plan does change: the renamed policy and its attachment, the moved attachment, the new group, jin's groups.
  expect(prod).toContain('**Against the base:** 4 resources added, 3 removed, 1 changed (31 unchanged).');
  expect(prod).toContain('- changed: `aws_iam_user_group_membership.jin`: groups');
  expect(prod).not.toContain('aws_iam_policy.helprr-backend-developer-policy`: policy');
});

test('GIVEN a grant added and one removed WHEN compared THEN + and - rows say who gains and who loses, and the headline counts the change', async () => {
  const base = await baseSide();
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
    {
      change: '+',
      principal: 'user/jin',
      resource: 'MyFirstPipeline',
      actions: ['UpdatePipeline'],
      context: {},
      otherSide: [],
    },
    {
      change: '-',
      principal: 'user/mina',
      resource: 'MyFirstPipeline/MyApprovalStage/MyApprovalAction',
      actions: ['PutApprovalResult'],
      context: {},
      otherSide: [],
    },
  ]);

  const summary = renderSummary(head, base);
  expect(summary).toContain('changes against the base branch');
  const prod = prodSection(summary);
  expect(prod).toContain('**Against the base:** 2 resources added, 0 removed, 1 changed (34 unchanged).');
  expect(prod).toContain(
    '- changed: `aws_iam_policy.release-approvers-approver`: policy (0 statements added, 1 removed)',
  );
  expect(prod).toContain('| + | user/jin | MyFirstPipeline | UpdatePipeline | any context |');
  expect(prod).toContain(
    '| - | user/mina | MyFirstPipeline/MyApprovalStage/MyApprovalAction | PutApprovalResult | any context |',
  );
  expect(prod).toMatch(
    /\| error \| CPA-IAM2 \| `user\/jin` \| `Action::codepipeline:UpdatePipeline@MyFirstPipeline` \|/,
  );
});

test("GIVEN a person added to a team WHEN compared THEN they gain exactly the team's cells, as the gate prints them", async () => {
  const base = await baseSide();
  const edit = new PlanEdit('prod').membership('mina', [
    'codepipeline-access-self-service',
    'release-approvers',
    'helprr-backend-developer-group',
  ]);
  const head = await side([edit]);
  const cells = newCells(base.result.access, head.result.access);
  const jin = prodAccess(base)?.principals['user/jin'];
  const jinOnly = Object.entries(jin?.allowed ?? {}).flatMap(([resource, actions]) =>
    actions.filter((a) => !(prodAccess(base)?.principals['user/mina'].allowed[resource] ?? []).includes(a)),
  );
  expect(cells.length).toBeGreaterThan(0);
  expect(cells).toHaveLength(jinOnly.length);
  expect(cells.every((c) => c.environment === 'prod' && c.principal === 'user/mina')).toBe(true);
  expect(cells.map(describeNewCell)).toContain(
    '[prod] user/mina StartPipelineExecution on MyFirstPipeline in any context',
  );
  expect(accessChanges(prodAccess(base), prodAccess(head)).every((r) => r.change === '+')).toBe(true);
});

test("GIVEN a deletion WHEN compared THEN the headline shows it removed, above Terraform's labelled counts, and it is called out", async () => {
  const edit = new PlanEdit('prod');
  const rc = edit.plan.resource_changes.find((r) => r.address === 'aws_iam_user_login_profile.jin');
  if (rc) rc.change.actions = ['delete', 'create'];
  edit.remove('aws_iam_user.sam', 'aws_iam_user_login_profile.sam', 'aws_iam_user_group_membership.sam');
  const prod = prodSection(renderSummary(await side([edit]), await baseSide()));
  const headline = prod.indexOf('**Against the base:** 0 resources added, 3 removed, 0 changed (32 unchanged).');
  const terraform = prod.indexOf(
    'Terraform against empty state (what a first deploy creates): 31 to create, 0 to update, 1 to replace, 0 to delete.',
  );
  expect(headline).toBeGreaterThan(0);
  expect(terraform).toBeGreaterThan(headline);
  expect(prod).not.toContain('**Plan:**');
  expect(prod).toContain('> [!WARNING]');
  expect(prod).toContain('> - `aws_iam_user_login_profile.jin` will be replaced');
  expect(prod).toContain('> - `aws_iam_user.sam` is no longer in the configuration (deleted on deploy)');
  expect(prod).toMatch(/\| - \| user\/sam \|/);
});

test('GIVEN environments the change does not touch WHEN reported against the base THEN each is one line, the changed one in full', async () => {
  const edit = new PlanEdit('prod').membership('mina', ['codepipeline-access-self-service']);
  const summary = renderSummary(await side([edit]), await baseSide());
  expect(summary).toContain("Unchanged: `dev`, `staging` (plan and access as the base's, no findings).");
  expect(summary).not.toContain('## dev (');
  expect(summary).toContain('## prod (111222333444, us-east-2)');
  expect(summary).toMatch(/^3 environments \(2 unchanged\);/m);
  // The headline row comes first, linking prod's review.
  expect(summary.indexOf('| `prod` (111222333444) |')).toBeLessThan(summary.indexOf('## prod ('));
  expect(summary).toContain('[prod.review.md](prod.review.md)');
});

test('GIVEN an environment the base had and the head does not WHEN reported THEN it is one line saying so', async () => {
  const head: ReportSide = { result: await analyzeExample([], ['dev', 'prod']), planText: new Map() };
  const summary = renderSummary(head, await baseSide());
  expect(summary).toContain('`staging`: no longer in the config (the base had it).');
  expect(summary).not.toContain('## staging');
});

test('the written report has per environment: the labelled counts, statement changes, access changes, findings, the raw plan folded', () => {
  const summary = readFileSync(join(fixturePlansDir('example'), 'SUMMARY.md'), 'utf8');
  // Without a base every cell is new: the example's summary would pass a comment's size, so the detail is in the
  // environment's review file, linked from its headline row.
  expect(summary.length).toBeLessThan(60_000);
  expect(summary).toContain('[prod.review.md](prod.review.md)');
  const prod = prodSection(readFileSync(join(fixturePlansDir('example'), 'prod.review.md'), 'utf8'));
  const order = [
    '**Terraform against empty state** (what a first deploy creates; no base given, so this is the only comparison): 35 to create, 0 to update, 0 to replace, 0 to delete.',
    '### IAM statement changes',
    '### Who gains and who loses access',
    '### Rule findings',
    '<details><summary>Terraform plan</summary>',
  ];
  const positions = order.map((heading) => prod.indexOf(heading));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(summary).toContain('changes against nothing (no base given): everything shows as added');
  expect(readPlan('example', 'prod').addresses()).toHaveLength(35);
});
