/**
 * npm run adopt on recorded dumps (test/fixtures/live/): the operator guide's setup made by hand becomes the seed
 * config's team and person, with the imports a first deploy needs, merged into the config with every line the user
 * wrote kept; an account the project manages already gets imports only; a policy no profile kind matches becomes a
 * custom profile, and what no config can say is shown as residual. No plan is needed: adopt runs before any.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { proposeAdoption, type AdoptProposal } from '../../src/adopt/proposal';
import { loadActionCatalog } from '../../src/iam/action-catalog';
import { readAccountDump } from '../../src/live/account-dump';
import { loadAccessConfig, loadAccessConfigText } from '../../src/model/load-model';
import { EXAMPLE_CONFIG_FILE, focusedConfigFile, IDENTITY_CENTER_EXAMPLE_FILE } from '../helpers/fixture-files';
import { FIXTURES_DIR } from '../helpers/isolated-project';
import { planLog, readPlan } from '../helpers/plans';
import { synthConfigText } from '../helpers/synth';

const BEFORE = join(FIXTURES_DIR, 'adopted', 'before.yaml');
const ADOPTED = focusedConfigFile('adopted');
const PROD = { accountId: '111222333444', environment: 'prod' };
const dumpOf = (name: string) => readAccountDump(join(FIXTURES_DIR, 'live', name), PROD);

async function adopt(configFile: string, dump: string): Promise<AdoptProposal> {
  const text = readFileSync(configFile, 'utf8');
  const loaded = await loadAccessConfigText(configFile, text);
  return proposeAdoption(loaded, text, 'prod', dumpOf(dump), await loadActionCatalog());
}

describe("the operator guide's setup made by hand (policy, group, jin with a console password), into a new project", () => {
  let proposal: AdoptProposal;
  beforeAll(async () => {
    proposal = await adopt(BEFORE, 'hand-made');
  });

  test("proposes the seed config's team: the group and its policy by their names, the operator profile", () => {
    expect(proposal.teams).toEqual([
      {
        name: 'helprr-backend-developer',
        groupName: 'helprr-backend-developer-group',
        grants: [
          {
            kind: 'operator',
            profile: 'operator',
            pipelines: ['MyFirstPipeline'],
            policyName: 'helprr-backend-developer-policy',
          },
        ],
      },
    ]);
    // the existing profile, whose description is the hand-made policy's: the import does not replace the policy
    expect(proposal.profiles).toEqual([]);
  });

  test("and the seed config's person: jin, with his membership and his console password", () => {
    expect(proposal.people).toEqual([{ name: 'jin', teams: ['helprr-backend-developer'], console: true }]);
  });

  test("the adopted team gives jin in prod exactly the policy the seed config's team gives him", async () => {
    const seed = (await loadAccessConfig(EXAMPLE_CONFIG_FILE)).model.environments.find((e) => e.name === 'prod');
    const adopted = (await loadAccessConfigText(ADOPTED, proposal.mergedConfig)).model.environments[0];
    const policiesOf = (env: typeof adopted | undefined) =>
      env?.groups.find((g) => g.name === 'helprr-backend-developer-group')?.policies.map((p) => [p.name, p.json]);
    expect(policiesOf(adopted)).toEqual(policiesOf(seed));
    expect(adopted.users.map((u) => [u.name, u.groups])).toEqual(
      seed?.users.filter((u) => u.name === 'jin').map((u) => [u.name, u.groups]),
    );
  });

  test('nothing would differ after adopting; the console-made IAMUserChangePassword attachment is noted', () => {
    expect(proposal.residual).toEqual([]);
    expect(proposal.notes).toEqual([
      'AWS managed policy IAMUserChangePassword attached to user jin: the project attaches nothing to users; the self-service group gives the same: detach it after the first deploy',
    ]);
  });

  test('--write merges it into the config byte for byte as test/fixtures/adopted/access.yaml, every line kept', () => {
    const before = readFileSync(BEFORE, 'utf8');
    expect(proposal.mergedConfig).toBe(readFileSync(ADOPTED, 'utf8'));
    const merged = proposal.mergedConfig.split('\n');
    for (const line of before.split('\n')) expect(merged).toContain(line);
  });

  test('the synthesized stack takes the existing resources over with import blocks, by the ids the provider documents', async () => {
    const { prod } = await synthConfigText(proposal.mergedConfig, ADOPTED);
    expect(prod.import).toEqual([
      { id: 'helprr-backend-developer-group', to: 'aws_iam_group.helprr-backend-developer-group' },
      {
        id: 'arn:aws:iam::111222333444:policy/helprr-backend-developer-policy',
        to: 'aws_iam_policy.helprr-backend-developer-policy',
      },
      {
        id: 'helprr-backend-developer-group/arn:aws:iam::111222333444:policy/helprr-backend-developer-policy',
        to: 'aws_iam_group_policy_attachment.helprr-backend-developer-group__helprr-backend-developer-policy',
      },
      { id: 'jin', to: 'aws_iam_user.jin' },
      {
        id: 'jin/codepipeline-access-self-service/helprr-backend-developer-group',
        to: 'aws_iam_user_group_membership.jin',
      },
      { id: 'jin', to: 'aws_iam_user_login_profile.jin' },
    ]);
    // what the account does not have yet is created: the self-service group, its policy, the password policy
    expect(Object.keys(prod.resource.aws_iam_group)).toContain('codepipeline-access-self-service');
  });
});

test('an account the config manages already: no entry to add, every existing resource imported, its roles too', async () => {
  // GIVEN the seed config and its prod account as a deploy left it, but not yet in this project's state
  const proposal = await adopt(EXAMPLE_CONFIG_FILE, 'matches-plan');
  expect([proposal.profiles, proposal.teams, proposal.people]).toEqual([[], [], []]);
  expect(proposal.imports).toEqual({
    groups: [
      'codepipeline-access-self-service',
      'helprr-backend-developer-group',
      'release-approvers',
      'release-managers',
      'release-operators',
    ],
    policies: [
      'codepipeline-access-self-service-change-own-password',
      'helprr-backend-developer-policy',
      'release-approvers-approver',
      'release-managers-admin',
      'release-operators-assume-roles',
      'CrossAccountPipelineViewers-policy',
      'release-operators-operator',
    ].sort(),
    groupPolicyAttachments: [
      'codepipeline-access-self-service/codepipeline-access-self-service-change-own-password',
      'helprr-backend-developer-group/helprr-backend-developer-policy',
      'release-approvers/release-approvers-approver',
      'release-managers/release-managers-admin',
      'release-operators/release-operators-assume-roles',
    ],
    users: ['jin', 'kai', 'mina', 'sam'],
    loginProfiles: ['jin', 'kai', 'mina', 'sam'],
    groupMemberships: ['jin', 'kai', 'mina', 'sam'],
    // the cross-account role and the team role the config declares: a deploy would otherwise fail EntityAlreadyExists
    roles: ['CrossAccountPipelineViewers', 'release-operators'],
    rolePolicyAttachments: [
      'CrossAccountPipelineViewers/CrossAccountPipelineViewers-policy',
      'release-operators/release-operators-operator',
    ],
    passwordPolicy: true,
  });
  expect(proposal.residual).toEqual([]);
  // AND the merged config's stack imports the roles by name and their attachments by <role>/<policy ARN>
  const { prod } = await synthConfigText(proposal.mergedConfig, EXAMPLE_CONFIG_FILE);
  const imported = (prod.import as { id: string; to: string }[]).filter((i) => /aws_iam_role/.test(i.to));
  expect(imported).toEqual([
    { id: 'CrossAccountPipelineViewers', to: 'aws_iam_role.CrossAccountPipelineViewers' },
    {
      id: 'CrossAccountPipelineViewers/arn:aws:iam::111222333444:policy/CrossAccountPipelineViewers-policy',
      to: 'aws_iam_role_policy_attachment.CrossAccountPipelineViewers__CrossAccountPipelineViewers-policy',
    },
    { id: 'release-operators', to: 'aws_iam_role.release-operators' },
    {
      id: 'release-operators/arn:aws:iam::111222333444:policy/release-operators-operator',
      to: 'aws_iam_role_policy_attachment.release-operators__release-operators-operator',
    },
  ]);
});

describe('the drifted account, into the new project', () => {
  let proposal: AdoptProposal;
  beforeAll(async () => {
    proposal = await adopt(BEFORE, 'drifted');
  });

  test('a policy no profile kind gives (an inline UpdatePipeline) becomes a custom profile of exactly that', () => {
    const developers = proposal.teams.find((t) => t.name === 'helprr-backend-developer');
    expect(developers?.grants.map((g) => [g.profile, g.policyName, g.actions])).toEqual([
      ['operator', 'helprr-backend-developer-policy', undefined],
      ['helprr-backend-developer-custom', 'allow-pipeline-edits', ['codepipeline:UpdatePipeline']],
    ]);
    expect(proposal.profiles.find((p) => p.name === 'helprr-backend-developer-custom')).toMatchObject({
      kind: 'custom',
      actions: ['codepipeline:UpdatePipeline'],
    });
    expect(proposal.notes).toContain(
      'inline policy allow-pipeline-edits of group/helprr-backend-developer-group: the config gives its access as policy allow-pipeline-edits of team helprr-backend-developer; after the first deploy, delete the inline policy',
    );
  });

  test('each team gets the kind whose matrix is equal; the extra approver kim becomes a person', () => {
    expect(proposal.teams.map((t) => [t.name, t.grants.map((g) => g.kind)])).toEqual([
      ['helprr-backend-developer', ['operator', 'custom']],
      ['release-approvers', ['approver']],
      ['release-managers', ['admin']],
    ]);
    expect(proposal.people.map((p) => [p.name, p.teams])).toEqual([
      ['jin', ['helprr-backend-developer']],
      ['kim', ['release-approvers']],
      ['mina', ['release-approvers']],
      ['sam', ['release-managers']],
    ]);
  });

  test('what no config gives stays visible: the AWS managed policy on mina, the role it does not adopt', () => {
    const mina = proposal.residual.filter((r) => r.principal === 'user/mina');
    expect(mina.every((r) => r.change === '-')).toBe(true);
    expect(mina.flatMap((r) => r.actions)).toContain('UpdatePipeline');
    expect(proposal.notes).toEqual(
      expect.arrayContaining([
        'AWS managed policy AWSCodePipeline_FullAccess attached to user mina: the project attaches nothing to users; left as it is',
        "role CrossAccountPipelineViewers can do things in CodePipeline and the config does not declare it; roles are not proposed: declare it under the environment's crossAccountRoles (or as a team's role), and adopt then imports it",
      ]),
    );
  });
});

test('the offline plan of the adopted config leaves the import blocks out, says so, and plans the resources as created', () => {
  // GIVEN the global setup's plan of test/fixtures/adopted/access.yaml (the real plan CLI, real Terraform)
  expect(planLog('adopted')).toContain(
    '[prod] 6 import blocks left out of the offline plan (Terraform would read the live resources): planned as created; cdktf deploy imports them',
  );
  const plan = readPlan('adopted', 'prod');
  for (const address of [
    'aws_iam_group.helprr-backend-developer-group',
    'aws_iam_user.jin',
    'aws_iam_user_login_profile.jin',
  ])
    expect(plan.change(address).change.actions).toEqual(['create']);
});

test("Identity Center's roles are not proposed as roles: the assigned ones are the config's, another gets its own note", async () => {
  // GIVEN the Identity Center example and its prod account: two provisioned roles it assigns, one it does not
  const proposal = await adopt(IDENTITY_CENTER_EXAMPLE_FILE, 'identity-center');
  const roleNotes = proposal.notes.filter((n) => n.startsWith('role '));
  expect(roleNotes).toEqual([
    "role AWSReservedSSO_PipelineAdmins_c0ffee00d15ea5e1 is IAM Identity Center's, provisioned for permission set PipelineAdmins, and can do things in CodePipeline: it cannot be declared or imported as a role; deliver its team through Identity Center (delivery: identity-center) to manage that access",
  ]);
  expect(proposal.imports.roles).toEqual(['CrossAccountPipelineViewers']);
});
