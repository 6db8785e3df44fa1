import { humanPlanText, normalizePlanJson } from '../../src/plan/plan-environment';
import { changeKind, countChanges, type PlanJson } from '../../src/plan/plan-json';
import { offlineStack } from '../../src/plan/sandbox';

test('normalizing drops the timestamp and orders relevant_attributes, a set Terraform emits in any order', () => {
  const raw = (order: number[]) =>
    JSON.stringify({
      format_version: '1.2',
      timestamp: `2026-11-23T06:0${order[0]}:00Z`,
      relevant_attributes: order.map((i) => ({ resource: `aws_iam_policy.p${i}`, attribute: ['arn'] })),
      configuration: { root_module: {} },
    });
  const a = normalizePlanJson(raw([2, 1, 3]));
  expect(JSON.stringify(a)).toBe(JSON.stringify(normalizePlanJson(raw([3, 2, 1]))));
  expect(a).not.toHaveProperty('timestamp');
  expect(
    (a as unknown as { relevant_attributes: { resource: string }[] }).relevant_attributes.map((r) => r.resource),
  ).toEqual(['aws_iam_policy.p1', 'aws_iam_policy.p2', 'aws_iam_policy.p3']);
});

test('the human plan drops the sandbox-specific footer', () => {
  const stdout =
    '\nTerraform will perform the following actions:\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n\n─────\n\nSaved the plan to: tfplan\n\nTo perform exactly these actions, run...\n';
  expect(humanPlanText(stdout)).toBe(
    'Terraform will perform the following actions:\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n',
  );
});

test('change kinds: a delete+create pair is a replacement', () => {
  expect(changeKind(['create'])).toBe('create');
  expect(changeKind(['delete', 'create'])).toBe('replace');
  expect(changeKind(['create', 'delete'])).toBe('replace');
  expect(changeKind(['update'])).toBe('update');
  expect(changeKind(['delete'])).toBe('delete');
  expect(changeKind(['no-op'])).toBe('unchanged');
  const plan = {
    resource_changes: [
      { change: { actions: ['create'] } },
      { change: { actions: ['delete', 'create'] } },
      { change: { actions: ['no-op'] } },
    ],
  } as unknown as PlanJson;
  expect(countChanges(plan)).toEqual({ create: 1, update: 0, replace: 1, delete: 0, unchanged: 1 });
});

test('the offline copy strips STS-dependent settings, the backend and import blocks; the original is untouched', () => {
  const stack = {
    provider: {
      aws: [
        {
          region: 'us-east-2',
          allowed_account_ids: ['111222333444'],
          assume_role: [{ role_arn: 'arn:aws:iam::111222333444:role/x' }],
        },
      ],
    },
    terraform: {
      cloud: { organization: 'o', workspaces: { name: 'w' } },
      required_providers: { aws: { source: 'aws', version: '5.100.0' } },
    },
    // Terraform reads the live resource of an import block: an offline plan cannot.
    import: [{ id: 'jin', to: 'aws_iam_user.jin' }],
  };
  const before = structuredClone(stack);
  const offline = offlineStack(stack) as typeof stack & {
    terraform: Record<string, unknown>;
    provider: { aws: Record<string, unknown>[] };
  };
  expect(stack).toEqual(before);
  expect(offline.provider.aws[0]).toEqual({
    region: 'us-east-2',
    access_key: 'offline-plan',
    secret_key: 'offline-plan',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  });
  expect(offline.terraform).toEqual({
    required_providers: stack.terraform.required_providers,
    backend: { local: { path: 'terraform.tfstate' } },
  });
  expect(offline).not.toHaveProperty('import');
});
