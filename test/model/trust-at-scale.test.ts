/**
 * Trust at scale: 200 accounts, each of the 199 spokes trusting the hub's team-01 (src/fixtures/generate-config.ts
 * HUB_AND_SPOKES_CONFIG). The hub team's sts:AssumeRole grants are packed into as few managed policies as IAM's
 * 6,144-character limit allows, every spoke role listed exactly once; the whole config passes the limit checks;
 * the hub stack synthesizes and plans with real Terraform to exactly those documents; and the analysis of the hub
 * with a spoke of each policy finds team-01, and only team-01, may assume the spokes' roles.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePlans } from '../../src/analysis/analyze';
import { envValue, TERRAFORM_BIN, TF_PROVIDER_MIRROR } from '../../src/cli/environment';
import { generateConfig, HUB_AND_SPOKES_CONFIG } from '../../src/fixtures/generate-config';
import { policySize } from '../../src/iam/policy-document';
import { AWS_LIMITS, checkAwsLimits } from '../../src/model/limits';
import { loadAccessConfigText, type LoadedConfig } from '../../src/model/load-model';
import type { EnvironmentModel, GroupModel, ManagedPolicyModel } from '../../src/model/types';
import { PlanView } from '../../src/plan/plan-json';
import { planEnvironments } from '../../src/plan/planner';
import { synthesizeStaged } from '../../src/synth/synthesize';
import { WriteTransaction } from '../../src/synth/write-transaction';
import { TEST_PLANS_DIR } from '../helpers/plans';
import { parsePolicy, type SynthesizedStack } from '../helpers/synth';

const workdir = mkdtempSync(join(tmpdir(), 'trust-at-scale-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

let loaded: LoadedConfig;
let hub: EnvironmentModel;
let spokes: EnvironmentModel[];
let hubTeam: GroupModel;
let assumePolicies: ManagedPolicyModel[];

beforeAll(async () => {
  loaded = await loadAccessConfigText('hub-and-spokes.yaml', generateConfig(HUB_AND_SPOKES_CONFIG));
  [hub, ...spokes] = loaded.model.environments;
  hubTeam = hub.groups.find((g) => g.team === 'team-01') as GroupModel;
  assumePolicies = hubTeam.policies.filter((p) => p.purpose === 'assume-role');
});

const spokeRoleArns = () => spokes.flatMap((env) => env.roles.map((r) => r.arn));

/** What one more ARN adds to a document as IAM counts it: the ARN, its two quotes and a comma. */
const arnCost = (arn: string) => arn.length + 3;

/**
 * The policies the ARNs need when each holds as many as fit, counted from the ARN lengths alone: the document
 * without ARNs, plus each ARN in order, less the comma the first one does not have.
 */
function expectedPolicyCount(arns: readonly string[]): number {
  const empty = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AssumeCrossAccountRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [] }],
  }).length;
  let policies = 0;
  let size = Infinity;
  for (const arn of arns) {
    if (size + arnCost(arn) > AWS_LIMITS.managedPolicySize) {
      policies++;
      size = empty - 1;
    }
    size += arnCost(arn);
  }
  return policies;
}

describe('the resolved model at 200 accounts', () => {
  test('the hub team has as few assume-role policies as the ARN lengths need, and every spoke role once', () => {
    // GIVEN 199 spokes whose PipelineViewers role trusts the hub's team-01
    const arns = spokeRoleArns();
    expect(arns).toHaveLength(HUB_AND_SPOKES_CONFIG.environments - 1);
    // THEN the hub group holds a couple of packed policies, not 199
    const expected = expectedPolicyCount([...arns].sort());
    expect(expected).toBeGreaterThan(1);
    expect(expected).toBeLessThan(arns.length / 50);
    expect(assumePolicies.map((p) => p.name)).toEqual(
      Array.from({ length: expected }, (_, i) => (i === 0 ? 'team-01-assume-roles' : `team-01-assume-roles-${i + 1}`)),
    );
    // AND each is one sts:AssumeRole statement; together they list every spoke role exactly once, in order
    const listed = assumePolicies.flatMap((p) => {
      expect(p.document.statements).toHaveLength(1);
      expect(p.document.statements[0].actions).toEqual(['sts:AssumeRole']);
      return p.document.statements[0].resources ?? [];
    });
    expect(listed).toEqual([...arns].sort());
    // AND no other group of any account got one
    const elsewhere = loaded.model.environments
      .flatMap((env) => env.groups)
      .filter((g) => g !== hubTeam && g.policies.some((p) => p.purpose === 'assume-role'));
    expect(elsewhere).toEqual([]);
  });

  test('each policy is within 6,144 characters, and splits only where the next ARN would not fit', () => {
    assumePolicies.forEach((policy, i) => {
      const size = policySize(policy.json);
      expect(size).toBeLessThanOrEqual(AWS_LIMITS.managedPolicySize);
      const next = assumePolicies[i + 1]?.document.statements[0].resources?.[0];
      if (next !== undefined) expect(size + arnCost(next)).toBeGreaterThan(AWS_LIMITS.managedPolicySize);
    });
  });

  test('the description does not change with the number of spokes (a changed description replaces the policy)', async () => {
    // GIVEN the same organisation with 30 accounts
    const small = await loadAccessConfigText(
      'hub-and-30-spokes.yaml',
      generateConfig({ ...HUB_AND_SPOKES_CONFIG, environments: 30 }),
    );
    const smallHub = small.model.environments[0].groups.find((g) => g.team === 'team-01') as GroupModel;
    // THEN its first assume-role policy has the same name and description as at 200
    const [first] = smallHub.policies.filter((p) => p.purpose === 'assume-role');
    expect([first.name, first.description]).toEqual([assumePolicies[0].name, assumePolicies[0].description]);
    expect(first.description).toBe(
      'Lets team team-01 assume the cross-account roles that trust it (codepipeline-access)',
    );
  });

  test('the packed policy names its first trust and the others that make it', () => {
    const [first] = assumePolicies;
    expect(first.origin).toEqual(['environments', 1, 'crossAccountRoles', 0, 'trust']);
    expect(first.alsoFrom).toHaveLength((first.document.statements[0].resources?.length ?? 0) - 1);
  });

  test('the whole organisation passes the AWS limit checks, the hub group within 10 policies', () => {
    expect(checkAwsLimits(loaded.model)).toEqual([]);
    expect(hubTeam.policies.length).toBeLessThanOrEqual(AWS_LIMITS.managedPoliciesPerGroup);
  });
});

test('the hub stack, synthesized and planned with real Terraform, sends exactly the packed documents', async () => {
  // GIVEN the hub's stack, synthesized as the CLI does, and a spoke of each packed policy
  const first = spokes[0].name;
  const last = spokes[spokes.length - 1].name;
  const started = process.hrtime.bigint();
  const { stack, plans } = await WriteTransaction.run(async (tx) => {
    const only = { ...loaded, model: { environments: [hub, spokes[0], spokes[spokes.length - 1]] } };
    const synth = synthesizeStaged(only, join(workdir, 'cdktf.out'), tx);
    const synthSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // WHEN Terraform plans them
    const planned = await planEnvironments({
      environments: [hub.name, first, last],
      stacksDir: synth.stagedStacksDir,
      // Kept between runs, as the plan fixtures' are: Terraform initialises these sandboxes once.
      committedStacksDir: join(TEST_PLANS_DIR, 'trust-at-scale', 'stacks'),
      cacheDir: join(TEST_PLANS_DIR, 'trust-at-scale', 'cache'),
      terraform: { binary: envValue(TERRAFORM_BIN), timeoutSeconds: 120 },
      provider: envValue(TF_PROVIDER_MIRROR),
      transaction: tx,
    });
    const hubStack = JSON.parse(
      readFileSync(join(synth.stagedStacksDir, hub.name, 'cdk.tf.json'), 'utf8'),
    ) as SynthesizedStack;
    console.log(
      `200 accounts: synth of 3 stacks ${synthSeconds.toFixed(1)} s; plans ${planned.map((p) => `${p.environment} ${p.seconds.toFixed(1)} s${p.initialised ? ' (with init)' : ''}`).join(', ')}`,
    );
    return { stack: hubStack, plans: planned };
  });

  // THEN the synthesized and the planned policies are the model's documents, each within the limit
  const policies = Object.values(stack.resource.aws_iam_policy);
  const hubPlan = new PlanView(plans.find((p) => p.environment === hub.name)?.json ?? ({} as never));
  const plannedPolicies = hubPlan.ofType('aws_iam_policy').map((r) => r.change.after as Record<string, unknown>);
  for (const policy of assumePolicies) {
    const synthesized = policies.find((p) => p.name === policy.name);
    const planned = plannedPolicies.find((p) => p.name === policy.name);
    expect(parsePolicy(synthesized?.policy)).toEqual(JSON.parse(policy.json));
    expect(parsePolicy(planned?.policy)).toEqual(JSON.parse(policy.json));
    expect(policySize(String(planned?.policy))).toBeLessThanOrEqual(AWS_LIMITS.managedPolicySize);
  }
  // AND the analysis finds the hub's team-01 members, and only them, may assume a role of each packed policy
  const analysis = await analyzePlans(plans.map((p) => ({ name: p.environment, plan: new PlanView(p.json) })));
  const members = hub.users.filter((u) => u.groups.includes('team-01')).map((u) => u.name);
  expect(members.length).toBeGreaterThan(0);
  expect(members.length).toBeLessThan(hub.users.length);
  for (const spoke of [first, last]) {
    const edges = analysis.access.find((a) => a.environment === spoke)?.assumeRole.PipelineViewers ?? {};
    const allowed = Object.entries(edges)
      .filter(([, when]) => when.length > 0)
      .map(([arn]) => arn);
    expect(allowed).toEqual(members.map((name) => `arn:aws:iam::${hub.accountId}:user/${name}`).sort());
  }
}, 180_000);
