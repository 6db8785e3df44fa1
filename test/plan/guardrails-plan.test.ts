/**
 * Guardrails in real plans (fixture test/fixtures/guardrails, planned by the global setup): every user and role
 * carries the configured permissions boundary, the `guardrails` output carries the SCP/RCP names and documents
 * and the boundary's ARN and document exactly as the files hold them (`${aws:username}` included), and
 * plan-principals reads them back, saying explicitly when a boundary's document is not in the plan.
 */
import { readPlannedEnvironment } from '../../src/analysis/plan-principals';
import { loadAccessConfig } from '../../src/model/load-model';
import type { AccessModel } from '../../src/model/types';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { PLAN_FIXTURES, readPlan } from '../helpers/plans';

const fixture = PLAN_FIXTURES.find((f) => f.name === 'guardrails');
if (!fixture) throw new Error('the guardrails fixture is not in PLAN_FIXTURES');

let model: AccessModel;
beforeAll(async () => {
  model = (await loadAccessConfig(fixture.configFile)).model;
});

const environment = (name: string) => {
  const env = model.environments.find((e) => e.name === name);
  if (!env) throw new Error(`no environment ${name}`);
  return env;
};

test.each(['dev', 'prod'])(
  'GIVEN a boundary in %s WHEN planned THEN every user and role has it as permissions_boundary',
  (name) => {
    const plan = readPlan('guardrails', name);
    const principals = [...plan.ofType('aws_iam_user'), ...plan.ofType('aws_iam_role')];
    expect(principals.length).toBeGreaterThan(0);
    const boundaries = Object.fromEntries(principals.map((rc) => [rc.address, rc.change.after?.permissions_boundary]));
    const arn = environment(name).guardrails.permissionsBoundary?.arn;
    expect(arn).toMatch(/^arn:aws:iam::\d{12}:policy\//);
    expect(boundaries).toEqual(Object.fromEntries(principals.map((rc) => [rc.address, arn])));
  },
);

test('GIVEN SCP, RCP and boundary files WHEN planned THEN the guardrails output carries their names and documents', () => {
  const prod = readPlannedEnvironment('prod', readPlan('guardrails', 'prod'));
  const configured = environment('prod').guardrails;
  expect(prod.guardrails.serviceControlPolicies).toEqual(
    configured.serviceControlPolicies.map((p) => ({ name: p.name, document: p.document })),
  );
  expect(prod.guardrails.serviceControlPolicies.map((p) => p.name)).toEqual([
    'FullAWSAccess',
    'DenyPipelineDeletion',
    'ApprovalsNeedMfa',
  ]);
  expect(prod.guardrails.resourceControlPolicies).toEqual([
    { name: 'EnforceTls', document: configured.resourceControlPolicies[0].document },
  ]);
  expect(prod.guardrails.permissionsBoundary).toEqual({
    arn: 'arn:aws:iam::111222333444:policy/codepipeline-boundary',
    document: configured.permissionsBoundary?.document,
  });
});

test('GIVEN a boundary with ${aws:username} WHEN planned THEN the policy variable arrives literally', () => {
  const output = readPlan('guardrails', 'prod').plan as unknown as {
    planned_values: { outputs: { guardrails: { value: { permissions_boundary: { document: string }[] } } } };
  };
  const text = output.planned_values.outputs.guardrails.value.permissions_boundary[0].document;
  expect(text).toContain('"Resource":"arn:aws:iam::111222333444:user/${aws:username}"');
  expect(text).not.toContain('$${');
});

test('GIVEN the plan WHEN read THEN each user and role has the boundary with its document', () => {
  for (const name of ['dev', 'prod']) {
    const planned = readPlannedEnvironment(name, readPlan('guardrails', name));
    const boundary = environment(name).guardrails.permissionsBoundary;
    const principals = [...planned.users, ...planned.roles];
    expect(principals.length).toBeGreaterThan(0);
    for (const principal of principals) {
      expect({ principal: principal.name, boundary: principal.permissionsBoundary }).toEqual({
        principal: principal.name,
        boundary: { status: 'given', arn: boundary?.arn, document: boundary?.document },
      });
    }
  }
});

test('GIVEN a role whose boundary the plan does not carry WHEN read THEN it says "not given" with the ARN', () => {
  // GIVEN the prod plan with the role's boundary changed to a policy set outside this config
  const plan = structuredClone(readPlan('guardrails', 'prod').plan) as PlanJson;
  const other = 'arn:aws:iam::111222333444:policy/set-elsewhere';
  const role = (plan.resource_changes ?? []).find((rc) => rc.type === 'aws_iam_role');
  if (!role?.change.after) throw new Error('no role in the plan');
  role.change.after.permissions_boundary = other;
  // WHEN read
  const planned = readPlannedEnvironment('prod', new PlanView(plan));
  // THEN that role's boundary is explicitly unknown, the users' still given
  expect(planned.roles.map((r) => r.permissionsBoundary)).toEqual([{ status: 'not given', arn: other }]);
  expect(planned.users.map((u) => u.permissionsBoundary?.status)).toEqual(['given', 'given']);
});

test('GIVEN a config without guardrails WHEN planned THEN no boundary and no guardrails output', () => {
  for (const name of ['dev', 'staging', 'prod']) {
    const plan = readPlan('example', name);
    const planned = readPlannedEnvironment(name, plan);
    expect(planned.guardrails).toEqual({ serviceControlPolicies: [], resourceControlPolicies: [] });
    expect([...planned.users, ...planned.roles].filter((p) => p.permissionsBoundary !== undefined)).toEqual([]);
    const outputs = (plan.plan as unknown as { planned_values: { outputs: Record<string, unknown> } }).planned_values
      .outputs;
    expect(Object.keys(outputs)).not.toContain('guardrails');
  }
});
