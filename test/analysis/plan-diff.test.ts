/**
 * Plan against plan, resource by resource, on the example's real prod plan and edited copies of it: added, removed
 * and changed addresses, values known only after apply, and policy documents compared as statement sets.
 */
import { describePlanDiff, isEmptyPlanDiff, planDiff } from '../../src/analysis/plan-diff';
import { PlanEdit } from '../helpers/plan-mutations';
import { readPlan } from '../helpers/plans';

const DEVELOPER = 'aws_iam_policy.helprr-backend-developer-policy';
const ROLE = 'aws_iam_role.CrossAccountPipelineViewers';
const BUCKET = 'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890';
const base = () => readPlan('example', 'prod');
const documentOf = (edit: PlanEdit, address: string, attribute = 'policy') =>
  JSON.parse(String(edit.after(address)[attribute]));

test('GIVEN the same plan WHEN compared THEN nothing is added, removed or changed; unknown ARNs compare equal', () => {
  const diff = planDiff(base(), readPlan('example', 'prod'));
  expect(isEmptyPlanDiff(diff)).toBe(true);
  expect(describePlanDiff(diff)).toBe('0 resources added, 0 removed, 0 changed (35 unchanged)');
});

test('GIVEN no base WHEN compared THEN every resource is added', () => {
  const diff = planDiff(undefined, base());
  expect(diff.added).toEqual(base().addresses());
  expect(describePlanDiff(diff)).toBe('35 resources added, 0 removed, 0 changed (0 unchanged)');
});

test('GIVEN policy documents reordered and re-rendered (statements, actions, Sids, key order, pretty-printing) WHEN compared THEN no change', () => {
  const edit = new PlanEdit('prod');
  const developer = documentOf(edit, DEVELOPER);
  developer.Statement.reverse();
  for (const s of developer.Statement) {
    s.Action.reverse();
    s.Sid = `${s.Sid ?? ''}Renamed`;
  }
  edit.setDocument(DEVELOPER, 'policy', developer);
  const bucket = documentOf(edit, BUCKET);
  bucket.Statement.reverse();
  edit.setDocument(BUCKET, 'policy', bucket);
  // Pretty-printed JSON with the keys in another order.
  const trust = documentOf(edit, ROLE, 'assume_role_policy');
  edit.after(ROLE).assume_role_policy = JSON.stringify({ Statement: trust.Statement, Version: trust.Version }, null, 2);

  expect(isEmptyPlanDiff(planDiff(base(), edit.view()))).toBe(true);
});

test('GIVEN a trust that drops its MFA condition and a policy with one more statement WHEN compared THEN both are changed, counted in statements', () => {
  const edit = new PlanEdit('prod');
  const trust = documentOf(edit, ROLE, 'assume_role_policy');
  expect(JSON.stringify(trust)).toContain('aws:MultiFactorAuthPresent');
  for (const s of trust.Statement) delete s.Condition;
  edit.setDocument(ROLE, 'assume_role_policy', trust);
  const developer = documentOf(edit, DEVELOPER);
  developer.Statement.push({ Effect: 'Allow', Action: 'codepipeline:ListWebhooks', Resource: '*' });
  edit.setDocument(DEVELOPER, 'policy', developer);

  const diff = planDiff(base(), edit.view());
  expect(diff.changed).toEqual([
    { address: DEVELOPER, attributes: [{ attribute: 'policy', statements: { added: 1, removed: 0 } }] },
    {
      address: ROLE,
      attributes: [
        {
          attribute: 'assume_role_policy',
          statements: { added: trust.Statement.length, removed: trust.Statement.length },
        },
      ],
    },
  ]);
  expect(describePlanDiff(diff)).toBe('0 resources added, 0 removed, 2 changed (33 unchanged)');
});

test('GIVEN a value known in the base and known only after apply in the head WHEN compared THEN that attribute is changed', () => {
  const edit = new PlanEdit('prod');
  const rc = edit.plan.resource_changes.find((r) => r.address === 'aws_iam_group.release-approvers') as unknown as {
    change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
  };
  delete rc.change.after.name;
  rc.change.after_unknown.name = true;
  expect(planDiff(base(), edit.view()).changed).toEqual([
    { address: 'aws_iam_group.release-approvers', attributes: [{ attribute: 'name' }] },
  ]);
});

test('GIVEN resources removed and added WHEN compared THEN the headline counts them, sorted addresses listed', () => {
  const edit = new PlanEdit('prod')
    .remove('aws_iam_user.sam', 'aws_iam_user_login_profile.sam', 'aws_iam_user_group_membership.sam')
    .group('backend-team')
    .membership('jin', ['codepipeline-access-self-service', 'backend-team']);
  const diff = planDiff(base(), edit.view());
  expect(diff.added).toEqual(['aws_iam_group.backend-team']);
  expect(diff.removed).toEqual([
    'aws_iam_user.sam',
    'aws_iam_user_group_membership.sam',
    'aws_iam_user_login_profile.sam',
  ]);
  expect(diff.changed).toEqual([
    { address: 'aws_iam_user_group_membership.jin', attributes: [{ attribute: 'groups' }] },
  ]);
  expect(describePlanDiff(diff)).toBe('1 resource added, 3 removed, 1 changed (31 unchanged)');
});
