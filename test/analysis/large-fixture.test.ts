/**
 * The analysis on the generated larger fixture (3 accounts, 12 teams, 40 people, 15 pipelines each): the simulated
 * matrix agrees with the policy statements the model rendered, de-duplication collapses identical permission sets,
 * and the cross-account edges follow team membership.
 */
import { analyzePlans, type AnalysisResult } from '../../src/analysis/analyze';
import { loadAccessConfig } from '../../src/model/load-model';
import type { AccessModel } from '../../src/model/types';
import { PLAN_FIXTURES, readPlan } from '../helpers/plans';

const fixture = PLAN_FIXTURES.find((f) => f.name === 'large');
let model: AccessModel;
let result: AnalysisResult;

beforeAll(async () => {
  if (!fixture) throw new Error('no large fixture');
  model = (await loadAccessConfig(fixture.configFile)).model;
  result = await analyzePlans(model.environments.map((e) => ({ name: e.name, plan: readPlan('large', e.name) })));
});

test('no rule findings, and identical permission sets are simulated once', () => {
  expect(result.findings).toEqual([]);
  expect(result.statistics.principals).toBe(122);
  // People with the same policies are asked once; each role is its own (the bucket policies name the readers).
  const userSets = result.analysis.environments.map(
    (env) =>
      new Set(
        env.users.map((u) =>
          u.policies
            .map((p) => p.text)
            .sort()
            .join('\u0000'),
        ),
      ).size,
  );
  const roles = result.analysis.environments.map((env) => env.roles.length);
  expect(result.statistics.permissionSets).toBe([...userSets, ...roles].reduce((a, b) => a + b, 0));
  expect(result.statistics.permissionSets).toBeLessThan(result.statistics.principals / 2);
});

test('every action a rendered statement grants on a named pipeline is allowed in the matrix, for every member', () => {
  let checked = 0;
  for (const env of model.environments) {
    const access = result.access.find((a) => a.environment === env.name);
    const prefix = `arn:aws:codepipeline:${env.region}:${env.accountId}:`;
    for (const user of env.users) {
      const allowed = access?.principals[`user/${user.name}`]?.allowed ?? {};
      const policies = env.groups.filter((g) => user.groups.includes(g.name)).flatMap((g) => g.policies);
      for (const statement of policies.flatMap((p) => p.document.statements)) {
        for (const resource of statement.resources ?? []) {
          if (!resource.startsWith(prefix) || resource.includes('*')) continue;
          const key = resource.slice(prefix.length);
          for (const action of statement.actions.filter((a) => a.startsWith('codepipeline:') && !a.includes('*'))) {
            expect([user.name, key, allowed[key]?.includes(action.slice('codepipeline:'.length))]).toEqual([
              user.name,
              key,
              true,
            ]);
            checked++;
          }
        }
      }
      // Nothing beyond what the groups grant: a user outside every admin team can never delete a pipeline.
      if (!policies.some((p) => p.purpose === 'profile:admin')) {
        expect(Object.values(allowed).flat()).not.toContain('DeletePipeline');
      }
    }
  }
  expect(checked).toBeGreaterThan(1000);
});

test('the cross-account viewer roles are assumable, with MFA, exactly by the first environment team-01 members', () => {
  const [first, ...others] = model.environments;
  const team01 = new Set(
    first.users
      .filter((u) => u.groups.includes('team-01'))
      .map((u) => `arn:aws:iam::${first.accountId}:user/${u.name}`),
  );
  expect(team01.size).toBeGreaterThan(0);
  for (const env of others) {
    const edges = result.access.find((a) => a.environment === env.name)?.assumeRole.PipelineViewers ?? {};
    expect(Object.keys(edges)).toHaveLength(first.users.length);
    for (const [principal, decision] of Object.entries(edges)) {
      expect([principal, decision]).toEqual([
        principal,
        team01.has(principal) ? [{ 'aws:MultiFactorAuthPresent': 'true' }] : [],
      ]);
    }
  }
});

test('every artifact bucket denies plain HTTP and non-KMS uploads, and lets its reader role read', () => {
  for (const access of result.access) {
    for (const [bucket, byProbe] of Object.entries(access.artifactBuckets)) {
      const probe = byProbe[`a principal of ${access.accountId} whose own policies allow s3:*`];
      expect(probe['s3:GetObject']).toEqual([{ 'aws:SecureTransport': 'true' }]);
      expect(probe['s3:PutObject']).toEqual([
        { 'aws:SecureTransport': 'true', 's3:x-amz-server-side-encryption': 'aws:kms' },
      ]);
      if (access.environment !== 'env-01')
        expect(access.principals['role/PipelineViewers'].conditional?.[`arn:aws:s3:::${bucket}/*`]).toEqual({
          's3:GetObject': [{ 'aws:SecureTransport': 'true' }],
        });
    }
  }
});
