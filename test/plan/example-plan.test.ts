/** The seed scenario, read from the real plans of the example config (literal expectations, not the model). */
import { resourceName } from '../../src/constructs/terraform-names';
import type { PlanView } from '../../src/plan/plan-json';
import { planLog, readPlan } from '../helpers/plans';

let prod: PlanView;
let dev: PlanView;
beforeAll(() => {
  prod = readPlan('example', 'prod');
  dev = readPlan('example', 'dev');
});

const policyOf = (plan: PlanView, name: string) =>
  JSON.parse(String(plan.after(`aws_iam_policy.${resourceName(name)}`).policy)) as {
    Statement: { Sid: string; Action: string[]; Resource: string[] }[];
  };

test('resource counts per environment', () => {
  expect(prod.addresses()).toHaveLength(35);
  expect(dev.addresses()).toHaveLength(15);
  expect(readPlan('example', 'staging').addresses()).toHaveLength(16);
});

test('jin: in helprr-backend-developer-group and the self-service group, console login with a forced reset', () => {
  expect(prod.after('aws_iam_user_group_membership.jin').groups).toEqual([
    'codepipeline-access-self-service',
    'helprr-backend-developer-group',
  ]);
  expect(prod.after('aws_iam_user_login_profile.jin')).toMatchObject({
    user: 'jin',
    password_reset_required: true,
    password_length: 20,
  });
  expect(
    prod.referencedResource(
      'aws_iam_group_policy_attachment.helprr-backend-developer-group__helprr-backend-developer-policy',
      'policy_arn',
    ),
  ).toBe('aws_iam_policy.helprr-backend-developer-policy');
});

test('the plan carries the analysis outputs and the hand-over outputs', () => {
  const outputs = (prod.plan as unknown as { output_changes: Record<string, { actions: string[] }> }).output_changes;
  expect(Object.keys(outputs).sort()).toEqual([
    'account_id',
    'action_types',
    'console_sign_in_url',
    'encrypted_passwords',
    'initial_passwords',
    'pipeline_inventory',
    'region',
    'role_arns',
    'switch_role_urls',
    'team_role_switch_urls',
    'user_names',
  ]);
  expect(outputs.initial_passwords.actions).toEqual(['create']);
});

test('the approver policy reaches PutApprovalResult on MyApprovalAction only', () => {
  const approve = policyOf(prod, 'release-approvers-approver').Statement.find((s) => s.Sid === 'ApproveOrReject');
  expect(approve?.Resource).toEqual([
    'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline/MyApprovalStage/MyApprovalAction',
  ]);
});

test('the self-service policy keeps ${aws:username} literal through Terraform', () => {
  const change = policyOf(prod, 'codepipeline-access-self-service-change-own-password').Statement.find(
    (s) => s.Sid === 'ChangeOwnPassword',
  );
  expect(change?.Resource).toEqual(['arn:aws:iam::111222333444:user/${aws:username}']);
});

test('dev grants pipeline-viewers sts:AssumeRole on the prod role, which trusts dev', () => {
  expect(policyOf(dev, 'pipeline-viewers-assume-roles').Statement[0]).toMatchObject({
    Action: ['sts:AssumeRole'],
    Resource: ['arn:aws:iam::111222333444:role/CrossAccountPipelineViewers'],
  });
  const trust = JSON.parse(String(prod.after('aws_iam_role.CrossAccountPipelineViewers').assume_role_policy));
  expect(trust.Statement[0].Principal).toEqual({ AWS: ['arn:aws:iam::111111111111:root'] });
});

test('default tags reach every taggable resource through the provider', () => {
  expect(prod.after('aws_iam_role.CrossAccountPipelineViewers').tags_all).toEqual({
    Environment: 'prod',
    ManagedBy: 'codepipeline-access',
  });
});

test('npm run plan reports progress per environment and a summary line', () => {
  const log = planLog('example');
  // Each environment is planned, or its exact stack was planned before (.cache/plans, e.g. in a copied project).
  for (const env of ['dev', 'staging', 'prod'])
    expect(log).toMatch(new RegExp(`\\[${env}\\] (planning|plan reused: this exact stack was planned before)\n`));
  if (log.includes('[prod] planning'))
    expect(log).toMatch(
      /\[prod\] planned in \d+\.\d s( \(with terraform init\))?: 35 to create, 0 to update, 0 to replace, 0 to delete/,
    );
  const summary = /Planned (\d) environments? in \d+\.\d s \(against empty state: [^)]*\); (\d) plans? reused/.exec(
    log,
  );
  expect(Number(summary?.[1]) + Number(summary?.[2])).toBe(3);
  expect(log).toContain('dev.plan.json');
});
