/**
 * Teams delivered as roles their members assume (test/fixtures/team-role), on the real plan: the role's member gets
 * cell for cell what a member of a group with the same grants gets, with MFA; a non-member cannot assume it; the
 * two steps show in the member's entry (`via role/<name> (MFA)`); the stack renders exactly the trust, the group's
 * one grant and the hand-over links; the two team-role rules flag a trust wider than the members and a member who
 * holds the same permissions directly.
 */
import type { AnalysisResult } from '../../src/analysis/analyze';
import { andWhen, orWhen } from '../../src/analysis/team-roles';
import type { PrincipalAccess } from '../../src/analysis/environment-access';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { analyzeFocused } from '../helpers/focused';
import { readPlan } from '../helpers/plans';
import '../helpers/access-matchers';

const FIXTURE = 'team-role';
const ACCOUNT = '111222333444';
const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const MFA = { 'aws:MultiFactorAuthPresent': 'true' };

let result: AnalysisResult;
beforeAll(async () => {
  result = await analyzeFocused(FIXTURE);
});
const principals = () => result.access[0].principals;

/** Every cell of an entry with its contexts, self-service (own user, the password policy) left out. */
function cells(entry: PrincipalAccess | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [resource, actions] of Object.entries(entry?.allowed ?? {}))
    for (const action of actions) out[`${action} ${resource}`] = [{}];
  for (const [resource, byAction] of Object.entries(entry?.conditional ?? {}))
    for (const [action, when] of Object.entries(byAction)) out[`${action} ${resource}`] = when;
  return Object.fromEntries(
    Object.entries(out).filter(
      ([cell]) => !cell.includes(':user/') && !cell.startsWith('iam:GetAccountPasswordPolicy'),
    ),
  );
}

test('delivering the team as a role gives its member the cells a group gives, each with MFA', () => {
  const viaGroup = cells(principals()['user/lee']);
  const viaRole = cells(principals()['user/kim']);
  expect(Object.keys(viaGroup).length).toBeGreaterThan(15);
  expect(Object.keys(viaRole).sort()).toEqual(Object.keys(viaGroup).sort());
  for (const [cell, when] of Object.entries(viaGroup)) {
    expect([cell, when]).toEqual([cell, [{}]]);
    expect([cell, viaRole[cell]]).toEqual([cell, [MFA]]);
  }
  expect(principals()['user/kim'].via).toEqual([
    'group/codepipeline-access-self-service',
    'group/oncall-role',
    'role/oncall-role (MFA)',
  ]);
});

test('only the members may assume the team role, with MFA; a role without MFA lets its member in without', () => {
  expect(result.access[0].assumeRole['oncall-role']).toEqual({
    [user('ana')]: [],
    [user('kim')]: [MFA],
    [user('lee')]: [],
    [user('noor')]: [MFA],
  });
  expect(result.access[0].assumeRole.PipelineAuditors[user('noor')]).toEqual([{}]);
  expect(result.access[0].assumeRole.PipelineAuditors[user('kim')]).toEqual([]);
  // The auditors' role asks no MFA: noor's viewer cells are hers in any context.
  expect(principals()['user/noor'].allowed.MyFirstPipeline).toContain('GetPipelineState');
  expect(principals()['user/noor'].via).toContain('role/PipelineAuditors');
});

test('the matchers follow both steps: assume the role, then act as it', async () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/oncall-role`;
  const pipeline = `arn:aws:codepipeline:us-east-2:${ACCOUNT}:MyFirstPipeline`;
  await expect(result.analysis).toAllow(user('kim'), 'codepipeline:StopPipelineExecution', pipeline, MFA, {
    via: role,
  });
  await expect(result.analysis).toDeny(user('kim'), 'codepipeline:StopPipelineExecution', pipeline, {}, { via: role });
  await expect(result.analysis).toDeny(user('ana'), 'codepipeline:StopPipelineExecution', pipeline, MFA, { via: role });
  await expect(result.analysis).toDeny(user('kim'), 'codepipeline:StopPipelineExecution', pipeline, MFA);
});

test('the fixture has no rule finding: the trusts name exactly the members and nobody holds the grants twice', () => {
  expect(result.findings).toEqual([]);
});

describe('the plan', () => {
  const plan = () => readPlan(FIXTURE, 'prod');
  const parse = (value: unknown) => JSON.parse(String(value)) as unknown;

  test("the role trusts the account root, on condition that the principal is one of the team's members, with MFA", () => {
    const role = plan().after('aws_iam_role.oncall-role');
    expect(parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TeamMembers',
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] },
          Action: ['sts:AssumeRole'],
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': [user('kim'), user('noor')] },
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          },
        },
      ],
    });
    expect(role.max_session_duration).toBe(3600);
    expect(role.tags).toEqual({
      'codepipeline-access:team-role': 'oncall-role',
      'codepipeline-access:team-group': 'oncall-role',
    });
    expect(plan().after('aws_iam_role.PipelineAuditors').max_session_duration).toBe(7200);
  });

  test("the team's grants are the role's policies; its group's only policy assumes the role", () => {
    const attached = (type: string, owner: string, ownerAttribute: string) =>
      plan()
        .ofType(type)
        .filter((a) => plan().referencedResource(a.address, ownerAttribute) === owner)
        .map((a) => plan().referencedResource(a.address, 'policy_arn'))
        .sort();
    expect(attached('aws_iam_role_policy_attachment', 'aws_iam_role.oncall-role', 'role')).toEqual([
      'aws_iam_policy.oncall-role-approver',
      'aws_iam_policy.oncall-role-operator',
    ]);
    expect(attached('aws_iam_group_policy_attachment', 'aws_iam_group.oncall-role', 'group')).toEqual([
      'aws_iam_policy.oncall-role-assume-roles',
    ]);
    expect(parse(plan().after('aws_iam_policy.oncall-role-assume-roles').policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeCrossAccountRole',
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: [`arn:aws:iam::${ACCOUNT}:role/oncall-role`],
        },
      ],
    });
  });

  test('hand-over: each member gets the switch-role link of each team role', () => {
    const outputs = (plan().plan as unknown as { planned_values: { outputs: Record<string, { value: unknown }> } })
      .planned_values.outputs;
    const link = (role: string) =>
      `https://signin.aws.amazon.com/switchrole?account=${ACCOUNT}&roleName=${role}&displayName=${role}%40prod`;
    expect(outputs.team_role_switch_urls.value).toEqual({
      kim: { 'oncall-role': link('oncall-role') },
      noor: { 'oncall-role': link('oncall-role'), PipelineAuditors: link('PipelineAuditors') },
    });
  });
});

/** The prod plan with one change, as Terraform would plan it. */
function edited(
  change: (json: { resource_changes: { address: string; change: { after: Record<string, unknown> } }[] }) => void,
) {
  return (_: string, plan: PlanView): PlanView => {
    const json = structuredClone(plan.plan) as unknown as Parameters<typeof change>[0];
    change(json);
    return new PlanView(json as unknown as PlanJson);
  };
}
const after = (json: Parameters<Parameters<typeof edited>[0]>[0], address: string) => {
  const rc = json.resource_changes.find((r) => r.address === address);
  if (!rc) throw new Error(`no ${address}`);
  return rc.change.after;
};

test('CPA-ROLE1: a team role whose trust lost its member condition is wider than its members', async () => {
  const { findings } = await analyzeFocused(
    FIXTURE,
    edited((json) => {
      const role = after(json, 'aws_iam_role.oncall-role');
      const trust = JSON.parse(String(role.assume_role_policy)) as {
        Statement: { Condition: Record<string, unknown> }[];
      };
      delete trust.Statement[0].Condition.ArnEquals;
      role.assume_role_policy = JSON.stringify(trust);
    }),
  );
  expect(findings.filter((f) => f.ruleId === 'CPA-ROLE1').map((f) => [f.target, f.detail, f.severity])).toEqual([
    ['aws_iam_role.oncall-role', `Statement[TeamMembers].Principal::arn:aws:iam::${ACCOUNT}:root`, 'error'],
  ]);
});

test('CPA-ROLE1: a team role that someone outside the team may assume is flagged with that principal', async () => {
  const { findings, access } = await analyzeFocused(
    FIXTURE,
    edited((json) => {
      const role = after(json, 'aws_iam_role.oncall-role');
      const trust = JSON.parse(String(role.assume_role_policy)) as { Statement: object[] };
      trust.Statement.push({ Sid: 'Ana', Effect: 'Allow', Principal: { AWS: user('ana') }, Action: 'sts:AssumeRole' });
      role.assume_role_policy = JSON.stringify(trust);
    }),
  );
  expect(access[0].assumeRole['oncall-role'][user('ana')]).toEqual([{}]);
  expect(findings.filter((f) => f.ruleId === 'CPA-ROLE1').map((f) => [f.target, f.detail])).toEqual([
    ['aws_iam_role.oncall-role', `Principal::${user('ana')}`],
  ]);
});

test("CPA-ROLE2: a member who holds the role's permissions directly is flagged, with what they hold", async () => {
  const { findings } = await analyzeFocused(
    FIXTURE,
    edited((json) => {
      // kim joins the on-call group too: StartPipelineExecution and the rest without the role, or its MFA.
      const membership = after(json, 'aws_iam_user_group_membership.kim');
      membership.groups = [...(membership.groups as string[]), 'oncall-group'];
    }),
  );
  const flagged = findings.filter((f) => f.ruleId === 'CPA-ROLE2');
  expect(flagged.map((f) => [f.target, f.detail, f.severity])).toEqual([['user/kim', 'Role::oncall-role', 'warning']]);
  expect(flagged[0].message).toMatch(
    /may do \d+ of team role oncall-role's cells without assuming it \(.*\), bypassing its MFA/,
  );
});

test('CPA-ROLE2: a direct grant that needs MFA is a bypass too: the role is still not needed', async () => {
  const { findings } = await analyzeFocused(
    FIXTURE,
    edited((json) => {
      // The self-service group's policy (both members are in it) gains the role's StartPipelineExecution, with MFA.
      const policy = after(json, 'aws_iam_policy.codepipeline-access-self-service-change-own-password');
      const document = JSON.parse(String(policy.policy)) as { Statement: object[] };
      document.Statement.push({
        Effect: 'Allow',
        Action: 'codepipeline:StartPipelineExecution',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      });
      policy.policy = JSON.stringify(document);
    }),
  );
  const flagged = findings.filter((f) => f.ruleId === 'CPA-ROLE2');
  expect(flagged.map((f) => [f.target, f.detail])).toEqual([
    ['user/kim', 'Role::oncall-role'],
    ['user/noor', 'Role::oncall-role'],
  ]);
  for (const f of flagged) expect(f.message).toContain('StartPipelineExecution on ');
});

describe('contexts of two steps', () => {
  test('both steps: every pair that does not contradict itself', () => {
    expect(andWhen([MFA], [{}])).toEqual([MFA]);
    expect(andWhen([MFA], [{ 'aws:SecureTransport': 'true' }])).toEqual([{ ...MFA, 'aws:SecureTransport': 'true' }]);
    expect(andWhen([MFA], [{ 'aws:MultiFactorAuthPresent': 'false' }])).toEqual([]);
    expect(andWhen([], [{}])).toEqual([]);
  });
  test('either: the fewest, most general contexts', () => {
    expect(orWhen([MFA], [{}])).toEqual([{}]);
    expect(orWhen([MFA], [])).toEqual([MFA]);
    expect(orWhen([], [])).toEqual([]);
  });
});
