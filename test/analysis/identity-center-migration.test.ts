/**
 * A migration to IAM Identity Center under way (test/fixtures/identity-center-migration), on its real plans: a team
 * delivered both ways gives its Identity Center role exactly the cells its IAM group gives, in every account; the
 * IAM users that remain are flagged (CPA-IC1); a group from an identity provider is assigned without members in the
 * config; a role requiring MFA is closed to Identity Center sessions, and the report says so.
 */
import type { AnalysisResult } from '../../src/analysis/analyze';
import type { PrincipalAccess } from '../../src/analysis/environment-access';
import { identityCenterNames } from '../../src/iam/arns';
import { analyzeFocused } from '../helpers/focused';
import { readPlan } from '../helpers/plans';

const FIXTURE = 'identity-center-migration';
const ACCOUNTS = { staging: '222222222222', prod: '111222333444' } as const;
/** The instance's home region is us-east-1: its roles have no region in their path. */
const roleKey = (permissionSet: string) =>
  `role/aws-reserved/sso.amazonaws.com/${identityCenterNames.roleName(permissionSet)}`;

let result: AnalysisResult;
beforeAll(async () => {
  result = await analyzeFocused(FIXTURE);
});
const principals = (env: keyof typeof ACCOUNTS) => result.access.find((a) => a.environment === env)?.principals ?? {};

/** A principal's cells other than the self-service ones only IAM users have (their own password, the policy). */
function pipelineCells(entry: PrincipalAccess | undefined): unknown {
  const selfService = (key: string) => key.includes(':user/');
  const strip = <T>(record: Readonly<Record<string, T>> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => !selfService(key)));
  const allowed = strip(entry?.allowed);
  allowed['*'] = (allowed['*'] ?? []).filter((a) => a !== 'iam:GetAccountPasswordPolicy');
  return { allowed, conditional: strip(entry?.conditional), deniedByGuardrail: strip(entry?.deniedByGuardrail) };
}

describe.each([
  ['helprr-backend-developer', 'jin', 'helprr-backend-developer'],
  ['release-approvers', 'mina', 'ReleaseApprovers'],
])('team %s, delivered both ways', (_team, member, permissionSet) => {
  test.each(['staging', 'prod'] as const)(
    `in %s, its Identity Center role has the cells of ${member}'s IAM user (in that team only), cell for cell`,
    (env) => {
      const user = principals(env)[`user/${member}`];
      expect(user?.via.filter((v) => v !== 'group/codepipeline-access-self-service')).toHaveLength(1);
      const role = principals(env)[roleKey(permissionSet)];
      expect(role).toBeDefined();
      const cells = pipelineCells(role) as { allowed: Record<string, string[]> };
      expect(Object.keys(cells.allowed).length).toBeGreaterThan(1);
      expect(cells).toEqual(pipelineCells(user));
    },
  );
});

test('every IAM user of a team delivered both ways is flagged as a migration left unfinished (CPA-IC1)', () => {
  const flagged = result.findings
    .filter((f) => f.ruleId === 'CPA-IC1')
    .map((f) => [f.environment, f.target, f.detail, f.severity]);
  expect(flagged.sort()).toEqual(
    [
      ['prod', 'user/jin', 'Group::helprr-backend-developer-group', 'warning'],
      ['prod', 'user/mina', 'Group::release-approvers', 'warning'],
      ['staging', 'user/ana', 'Group::helprr-backend-developer-group', 'warning'],
      ['staging', 'user/ana', 'Group::pipeline-viewers', 'warning'],
      ['staging', 'user/jin', 'Group::helprr-backend-developer-group', 'warning'],
      ['staging', 'user/mina', 'Group::release-approvers', 'warning'],
    ].sort(),
  );
});

test('members in different environments are in different groups, each assigned only where its members are', () => {
  const prod = readPlan(FIXTURE, 'prod');
  const assigned = prod
    .ofType('aws_ssoadmin_account_assignment')
    .map((rc) => [
      prod.referencedResource(rc.address, 'principal_id') ?? rc.change.after?.principal_id,
      rc.change.after?.target_id,
    ]);
  expect(assigned).toEqual([
    ['aws_identitystore_group.helprr-backend-developer__staging__prod', ACCOUNTS.prod],
    ['aws_identitystore_group.helprr-backend-developer__staging__prod', ACCOUNTS.staging],
    ['aws_identitystore_group.helprr-backend-developer__staging', ACCOUNTS.staging],
    ['aws_identitystore_group.pipeline-viewers__staging', ACCOUNTS.staging],
    // The identity provider's group: its id, no group resource, no members in the config.
    ['906701a8e5-3f5e5a72-0e7d-4a5d-9d7e-8c1f2e3d4c5b', ACCOUNTS.prod],
    ['906701a8e5-3f5e5a72-0e7d-4a5d-9d7e-8c1f2e3d4c5b', ACCOUNTS.staging],
    ['aws_identitystore_group.release-approvers__staging__prod', ACCOUNTS.prod],
    ['aws_identitystore_group.release-approvers__staging__prod', ACCOUNTS.staging],
  ]);
  expect(prod.ofType('aws_identitystore_group').map((rc) => rc.change.after?.display_name)).toEqual([
    'helprr-backend-developer-group (staging)',
    'helprr-backend-developer-group (staging, prod)',
    'pipeline-viewers',
    'release-approvers',
  ]);
});

test('who may take each role: the members of its groups, or the identity provider group for SCIM', () => {
  const staging = result.access.find((a) => a.environment === 'staging')?.assumeRole ?? {};
  expect(staging[identityCenterNames.roleName('helprr-backend-developer')]).toEqual({
    'identity-center user ana': [{}],
    'identity-center user jin': [{}],
  });
  expect(staging[identityCenterNames.roleName('platform-admins')]).toEqual({
    'identity-center group 906701a8e5-3f5e5a72-0e7d-4a5d-9d7e-8c1f2e3d4c5b (its members are managed by your identity provider)':
      [{}],
  });
});

test('a role that requires MFA: the IAM user may assume it with MFA, the Identity Center role never', () => {
  const edges = result.access.find((a) => a.environment === 'prod')?.assumeRole.StagingPipelineViewers ?? {};
  const icRole = `arn:aws:iam::${ACCOUNTS.staging}:${roleKey('pipeline-viewers')}`;
  expect(edges[`arn:aws:iam::${ACCOUNTS.staging}:user/ana`]).toEqual([{ 'aws:MultiFactorAuthPresent': 'true' }]);
  expect(edges[icRole]).toEqual([]);
  // What the config means and the plan denies is reported, not hidden.
  expect(
    result.findings.filter((f) => f.ruleId === 'CPA-INT2').map((f) => [f.environment, f.target, f.detail]),
  ).toEqual([['prod', icRole, 'Cell::role/StagingPipelineViewers']]);
});

test("Identity Center's resources use the provider of its home region (us-east-1), the rest the account's", () => {
  const config = readPlan(FIXTURE, 'prod').plan.configuration as unknown as {
    provider_config: Record<string, { expressions: { region: { constant_value: string } } }>;
    root_module: { resources: { type: string; provider_config_key: string }[] };
  };
  expect(config.provider_config['aws.identity_center'].expressions.region.constant_value).toBe('us-east-1');
  const providers = new Map(config.root_module.resources.map((r) => [r.type, r.provider_config_key]));
  for (const [type, provider] of providers)
    expect([type, provider]).toEqual([
      type,
      type.startsWith('aws_ssoadmin_') || type.startsWith('aws_identitystore_') ? 'aws.identity_center' : 'aws',
    ]);
});
