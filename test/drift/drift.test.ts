/**
 * Drift on recorded dumps (test/fixtures/live/) against the example's plans that the global setup made: the account
 * as a deploy leaves it has no drift; the drifted one shows each kind of drift with the policy it comes from; and
 * the acid test of adopt, the operator guide's hand-made account against the plan of the config adopt made of it,
 * shows no access difference.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { driftReportName, findingLines, renderDriftReport } from '../../src/drift/drift-report';
import { findDrift, hasDrift, type DriftResult, type SourcedChange } from '../../src/drift/find-drift';
import { loadActionCatalog } from '../../src/iam/action-catalog';
import { readAccountDump } from '../../src/live/account-dump';
import { readLiveEnvironment } from '../../src/live/live-environment';
import { FIXTURES_DIR } from '../helpers/isolated-project';
import { readPlan } from '../helpers/plans';

const PROD = { accountId: '111222333444', environment: 'prod' };

async function drift(fixture: string, environments: readonly string[], dump: string): Promise<DriftResult> {
  const planned = AccessAnalysis.fromPlans(environments.map((name) => ({ name, plan: readPlan(fixture, name) })));
  const account = readAccountDump(join(FIXTURES_DIR, 'live', dump), PROD);
  const live = readLiveEnvironment(account, planned.environment('prod'));
  return findDrift({ planned, environment: 'prod', live, catalog: await loadActionCatalog() });
}

/** The rows of a principal on a resource. */
const rows = (list: readonly SourcedChange[], principal: string, resource: string) =>
  list.filter((r) => r.principal === principal && r.resource === resource);

const sourcesOf = (list: readonly SourcedChange[], principal: string, resource: string, action: string) =>
  rows(list, principal, resource)
    .flatMap((r) => r.cells)
    .filter((c) => c.action === action)
    .flatMap((c) => c.sources);

test('the example account as a deploy leaves it: no drift of any kind, every part of the dump compared', async () => {
  const result = await drift('example', ['dev', 'staging', 'prod'], 'matches-plan');
  expect([result.liveOnly, result.missingLive, result.unmanaged, result.attributes]).toEqual([[], [], [], []]);
  // The pipeline's service role reads the artifacts: CodePipeline's access, which the config does not give.
  expect(result.notCompared).toEqual([
    "role/codepipeline-MyFirstPipeline-service-role: a pipeline's declared service role (serviceRoleArn); its own access is CodePipeline's",
  ]);
  expect(hasDrift(result)).toBe(false);
  expect(findingLines(result)).toEqual([]);
});

type Details = {
  UserDetailList: { UserName: string; Path: string; Arn: string }[];
  RoleDetailList: { RoleName: string; Tags: unknown[]; RolePolicyList: { PolicyDocument: unknown }[] }[];
  Policies: { PolicyName: string; PolicyVersionList: { Document: { Statement: unknown[] } }[] }[];
};

/** Drift of prod against a copy of a recorded dump that `edit` changed, as someone changes an account by hand. */
async function driftOfEdited(
  fixture: string,
  environments: readonly string[],
  dump: string,
  edit: (details: Details) => void,
): Promise<{ result: DriftResult; live: ReturnType<typeof readLiveEnvironment> }> {
  const dir = mkdtempSync(join(tmpdir(), 'edited-dump-'));
  try {
    cpSync(join(FIXTURES_DIR, 'live', dump), dir, { recursive: true });
    const file = join(dir, 'authorization-details.json');
    const details = JSON.parse(readFileSync(file, 'utf8')) as Details;
    edit(details);
    writeFileSync(file, JSON.stringify(details));
    const planned = AccessAnalysis.fromPlans(environments.map((name) => ({ name, plan: readPlan(fixture, name) })));
    const live = readLiveEnvironment(readAccountDump(dir, PROD), planned.environment('prod'));
    const result = await findDrift({ planned, environment: 'prod', live, catalog: await loadActionCatalog() });
    return { result, live };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the example account with one thing changed by hand', () => {
  const EXAMPLE = ['dev', 'staging', 'prod'];

  test("a team role whose tags were lost is still the team's: its member's access through it is compared", async () => {
    const { result, live } = await driftOfEdited('example', EXAMPLE, 'matches-plan', (d) => {
      for (const role of d.RoleDetailList) if (role.RoleName === 'release-operators') role.Tags = [];
    });
    expect(live.roles.find((r) => r.name === 'release-operators')?.teamRole).toEqual({
      team: 'release-operators',
      group: 'release-operators',
    });
    expect([result.liveOnly, result.missingLive]).toEqual([[], []]);
  });

  test("the team role's policy edited: the member's new access is named by the role's policy, through its trust", async () => {
    const { result } = await driftOfEdited('example', EXAMPLE, 'matches-plan', (d) => {
      const policy = d.Policies.find((p) => p.PolicyName === 'release-operators-operator');
      policy?.PolicyVersionList[0].Document.Statement.push({
        Effect: 'Allow',
        Action: 'codepipeline:UpdatePipeline',
        Resource: 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline',
      });
    });
    const edited =
      "the project's policy release-operators-operator, attached to role/release-operators (its live document differs from the plan's)";
    expect(sourcesOf(result.liveOnly, 'role/release-operators', 'MyFirstPipeline', 'UpdatePipeline')).toEqual([edited]);
    expect(sourcesOf(result.liveOnly, 'user/kai', 'MyFirstPipeline', 'UpdatePipeline')).toEqual([
      `${edited}, through role/release-operators (trust policy of role/release-operators)`,
    ]);
    expect(rows(result.liveOnly, 'user/kai', 'MyFirstPipeline')[0]?.context).toEqual({
      'aws:MultiFactorAuthPresent': 'true',
    });
  });

  test('a managed user moved to another path: the same user, the path reported, and the one cell the move costs', async () => {
    const { result } = await driftOfEdited('example', EXAMPLE, 'matches-plan', (d) => {
      const jin = d.UserDetailList.find((u) => u.UserName === 'jin');
      if (jin) [jin.Path, jin.Arn] = ['/staff/', 'arn:aws:iam::111222333444:user/staff/jin'];
    });
    expect([result.liveOnly, result.unmanaged]).toEqual([[], []]);
    expect(result.attributes.map((a) => [a.address, a.attribute, a.live, a.planned])).toEqual([
      ['aws_iam_user.jin', 'path', '/staff/', '/'],
    ]);
    // user/${aws:username} in the self-service policy is user/jin, no longer his ARN: he cannot change his password
    expect(result.missingLive.map((r) => [r.principal, r.resource, r.actions])).toEqual([
      ['user/jin', 'arn:aws:iam::111222333444:user/(own user)', ['iam:ChangePassword']],
    ]);
  });
});

describe('the example account a year later (fixture live/drifted)', () => {
  let result: DriftResult;
  beforeAll(async () => {
    result = await drift('example', ['dev', 'staging', 'prod'], 'drifted');
  });

  test('an AWS managed CodePipeline policy attached to a user: its access, named as AWS managed', () => {
    expect(sourcesOf(result.liveOnly, 'user/mina', 'MyFirstPipeline', 'DeletePipeline')).toEqual([
      'AWS managed policy AWSCodePipeline_FullAccess attached to user/mina',
    ]);
    expect(sourcesOf(result.liveOnly, 'user/mina', 'codepipeline-access-undeclared', 'CreatePipeline')).toEqual([
      'AWS managed policy AWSCodePipeline_FullAccess attached to user/mina',
    ]);
  });

  test('an inline policy granting UpdatePipeline: the developers may edit the pipeline, named as inline', () => {
    expect(rows(result.liveOnly, 'user/jin', 'MyFirstPipeline')).toEqual([
      expect.objectContaining({
        change: '+',
        actions: ['UpdatePipeline'],
        context: {},
        cells: [
          {
            action: 'UpdatePipeline',
            sources: ['inline policy allow-pipeline-edits of group/helprr-backend-developer-group'],
          },
        ],
      }),
    ]);
  });

  test("an extra user in the approvers' group: not managed, it may approve through the project's policy", () => {
    expect(result.unmanaged).toEqual([
      {
        principal: 'user/kim',
        actions: ['GetPipeline', 'GetPipelineExecution', 'GetPipelineState', 'ListPipelines', 'PutApprovalResult'],
        resources: 3,
        // the project's policy, attached by the project: what drifted is who is in the group
        sources: ["the project's policy release-approvers-approver, attached to group/release-approvers"],
        via: ['group/release-approvers'],
      },
    ]);
    expect(
      sourcesOf(result.liveOnly, 'user/kim', 'MyFirstPipeline/MyApprovalStage/MyApprovalAction', 'PutApprovalResult'),
    ).toEqual(["the project's policy release-approvers-approver, attached to group/release-approvers"]);
  });

  test('a trust policy edited to drop MFA: the dev account assumes the role without MFA; the trust differs', () => {
    const assume = rows(result.liveOnly, 'arn:aws:iam::111111111111:user/ana', 'role/CrossAccountPipelineViewers');
    expect(assume).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRole'],
        context: {},
        otherSide: [{ 'aws:MultiFactorAuthPresent': 'true' }],
        cells: [{ action: 'sts:AssumeRole', sources: ['trust policy of role/CrossAccountPipelineViewers'] }],
      }),
    ]);
    expect(result.attributes).toContainEqual({
      address: 'aws_iam_role.CrossAccountPipelineViewers',
      attribute: 'trust policy',
      live: '1 statement the plan does not have',
      planned: '1 statement missing live',
    });
  });

  test('a bucket policy without the TLS deny: plain HTTP reaches the artifacts; the bucket policy differs', () => {
    const probe = 'a principal of 111222333444 whose own policies allow s3:*';
    const plain = rows(result.liveOnly, probe, 'bucket/codepipeline-us-east-2-1234567890');
    expect(plain.flatMap((r) => r.actions)).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket']));
    expect(plain.every((r) => r.otherSide.some((c) => c['aws:SecureTransport'] === 'true'))).toBe(true);
    expect(sourcesOf(result.liveOnly, probe, 'bucket/codepipeline-us-east-2-1234567890', 's3:GetObject')).toEqual([
      'bucket policy of codepipeline-us-east-2-1234567890',
    ]);
    expect(result.attributes).toContainEqual(
      expect.objectContaining({
        address: 'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890',
        attribute: 'bucket policy',
        planned: '1 statement missing live',
      }),
    );
  });

  test('nothing the config gives is missing live; the managed users are where the plan puts them', () => {
    expect(result.missingLive).toEqual([]);
    expect(result.attributes.map((a) => `${a.address} ${a.attribute}`)).toEqual([
      'aws_iam_role.CrossAccountPipelineViewers trust policy',
      'aws_iam_user.mina policies attached to the user',
      'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890 bucket policy',
    ]);
  });

  test('one line per finding for scripts, and a report that is the same bytes every time', () => {
    const lines = findingLines(result);
    expect(lines).toContain(
      'DRIFT live-only [prod] user/jin UpdatePipeline on MyFirstPipeline in any context (source: inline policy allow-pipeline-edits of group/helprr-backend-developer-group)',
    );
    expect(lines).toContain(
      "DRIFT unmanaged [prod] user/kim can do 5 CodePipeline actions on 3 resources (source: the project's policy release-approvers-approver, attached to group/release-approvers)",
    );
    expect(lines.filter((l) => !/^DRIFT (live-only|missing-live|unmanaged|differs) \[prod\] /.test(l))).toEqual([]);
    const account = readAccountDump(join(FIXTURES_DIR, 'live', 'drifted'), PROD);
    const report = renderDriftReport(result, account, 'the plan of test/fixtures/example/access.yaml');
    expect(report).toBe(renderDriftReport(result, account, 'the plan of test/fixtures/example/access.yaml'));
    for (const heading of [
      '## Access live that the config does not give',
      '## Access the config gives that is missing live',
      '## Not managed by the project, with CodePipeline access',
      '## Managed resources that differ live',
    ])
      expect(report).toContain(heading);
    expect(report).toContain('**Drift found:**');
    expect(driftReportName('prod')).toBe('prod.drift.md');
  });
});

test('the acid test: the hand-made account, against the plan of the config npm run adopt made of it, has no access difference', async () => {
  // GIVEN the plan of test/fixtures/adopted/access.yaml (adopt --write of before.yaml with the hand-made dump)
  const result = await drift('adopted', ['prod'], 'hand-made');
  // THEN nobody has live what the config does not give, nothing given is missing, nobody unmanaged can do anything
  expect([result.liveOnly, result.missingLive, result.unmanaged]).toEqual([[], [], []]);
  // and what differs is only what the first deploy creates (the self-service group) and what to clean up after it
  expect(result.attributes.map((a) => `${a.address} ${a.attribute}: ${a.live}`)).toEqual([
    'aws_iam_group.codepipeline-access-self-service exists: no group of this name',
    'aws_iam_policy.codepipeline-access-self-service-change-own-password exists: no customer managed policy of this name',
    'aws_iam_user.jin policies attached to the user: AWS managed IAMUserChangePassword',
    'aws_iam_user_group_membership.jin groups: not in codepipeline-access-self-service',
  ]);
});

const UNMANAGED_IC_ROLE =
  'role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_PipelineAdmins_c0ffee00d15ea5e1';

describe('an account whose people come through Identity Center (the example delivered through it)', () => {
  let result: DriftResult;
  beforeAll(async () => {
    result = await drift('identity-center', ['identity', 'dev', 'prod'], 'identity-center');
  });

  test("the roles Identity Center provisioned for the permission sets assigned here are the project's: compared, not flagged", () => {
    expect([result.missingLive, result.attributes]).toEqual([[], []]);
    // What is live only is the access of the one role the next test finds unmanaged, nothing of the managed ones.
    expect([...new Set(result.liveOnly.map((r) => r.principal))]).toEqual([UNMANAGED_IC_ROLE]);
    const provisioned = Object.keys(result.live.principals).filter((k) => k.includes('AWSReservedSSO_'));
    expect(provisioned).toContain(
      'role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_helprr-backend-developer_(suffix-set-at-provisioning)',
    );
    expect(result.notCompared).toContain(
      "who may take the roles Identity Center provisions: its assignments are Identity Center's, not in the IAM dump (their own access is compared)",
    );
  });

  test('a statement only MFA would let through, added to a provisioned role, gives nothing: no such session has MFA', async () => {
    const { result } = await driftOfEdited('identity-center', ['identity', 'dev', 'prod'], 'identity-center', (d) => {
      const role = d.RoleDetailList.find((r) => r.RoleName.startsWith('AWSReservedSSO_helprr-backend-developer_'));
      (role?.RolePolicyList[0].PolicyDocument as { Statement: unknown[] }).Statement.push({
        Effect: 'Allow',
        Action: 'codepipeline:DeletePipeline',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      });
    });
    expect([...new Set(result.liveOnly.map((r) => r.principal))]).toEqual([UNMANAGED_IC_ROLE]);
    expect(result.missingLive).toEqual([]);
  });

  test("a second role for an assigned permission set, under another home region's path, is not the plan's", async () => {
    const { result } = await driftOfEdited('identity-center', ['identity', 'dev', 'prod'], 'identity-center', (d) => {
      const role = d.RoleDetailList.find((r) => r.RoleName.startsWith('AWSReservedSSO_helprr-backend-developer_'));
      const copy = JSON.parse(JSON.stringify(role)) as Record<string, string>;
      copy.RoleName = 'AWSReservedSSO_helprr-backend-developer_0123456789abcdef';
      copy.Path = '/aws-reserved/sso.amazonaws.com/eu-west-1/';
      copy.Arn = `arn:aws:iam::111222333444:role${copy.Path}${copy.RoleName}`;
      copy.RoleId = 'AROAEUWEST1COPYEXAMPLE';
      d.RoleDetailList.push(copy as unknown as Details['RoleDetailList'][number]);
    });
    expect(result.unmanaged.map((u) => u.principal)).toEqual([
      'role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_helprr-backend-developer_0123456789abcdef',
      UNMANAGED_IC_ROLE,
    ]);
    expect(result.missingLive).toEqual([]);
  });

  test('a role Identity Center provisioned for a permission set the config does not assign here is not managed', () => {
    expect(result.unmanaged.map((u) => [u.principal, u.sources])).toEqual([
      [
        UNMANAGED_IC_ROLE,
        [
          'AWS managed policy AWSCodePipeline_FullAccess attached to role/AWSReservedSSO_PipelineAdmins_c0ffee00d15ea5e1',
        ],
      ],
    ]);
    expect(hasDrift(result)).toBe(true);
  });
});
