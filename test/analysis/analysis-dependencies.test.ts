/**
 * An environment analysed from its own plan and the plans of its dependencies (src/cli/review.ts
 * analysisDependencies) gets exactly the result it gets with every plan of the config: the ground the result store
 * and the skipped environments of `plan --base` stand on. On the example's real plans, whose staging and prod roles
 * trust dev's teams.
 */
import { analyzeEnvironments, analyzePlans } from '../../src/analysis/analyze';
import { analysisDependencies } from '../../src/cli/review';
import { readFileSync } from 'node:fs';
import { accessIntent } from '../../src/model/intent';
import { loadAccessConfig } from '../../src/model/load-model';
import { identityCenterPartDigest } from '../../src/synth/identity-center-part';
import { EXAMPLE_CONFIG_FILE, IDENTITY_CENTER_EXAMPLE_FILE } from '../helpers/fixture-files';
import { readPlan } from '../helpers/plans';
import { synthConfigText } from '../helpers/synth';
import { examplePlansWith, exampleIntent } from '../helpers/plan-mutations';

test('GIVEN the example WHEN dependencies are worked out THEN a role environment depends on the account it trusts, dev on nothing', async () => {
  const { model } = await loadAccessConfig(EXAMPLE_CONFIG_FILE);
  const dependencies = analysisDependencies(model.environments);
  expect(dependencies.get('dev')).toEqual([]);
  for (const env of model.environments.filter((e) => e.roles.length > 0)) {
    const trusted = model.environments.filter((e) => env.roles.some((r) => r.trustedAccountId === e.accountId));
    expect(trusted.length).toBeGreaterThan(0);
    expect(dependencies.get(env.name)).toEqual(trusted.map((e) => e.name).filter((n) => n !== env.name));
  }
});

test('GIVEN only an environment and its dependencies WHEN analysed THEN its access and findings equal the whole analysis', async () => {
  const { model } = await loadAccessConfig(EXAMPLE_CONFIG_FILE);
  const dependencies = analysisDependencies(model.environments);
  const intent = await exampleIntent();
  const all = examplePlansWith();
  const whole = await analyzePlans(all, [], { intent });
  for (const env of model.environments) {
    const needed = new Set([env.name, ...(dependencies.get(env.name) ?? [])]);
    const { results } = await analyzeEnvironments(
      all.filter((p) => needed.has(p.name)),
      new Set([env.name]),
      { intent },
    );
    expect([...results.keys()]).toEqual([env.name]);
    expect(results.get(env.name)?.access).toEqual(whole.access.find((a) => a.environment === env.name));
    expect(results.get(env.name)?.findings).toEqual(whole.findings.filter((f) => f.environment === env.name));
    // Not vacuous: the roles' trust edges name principals of the trusted environment.
    if (env.roles.length > 0)
      expect(
        Object.values(results.get(env.name)?.access.assumeRole ?? {})
          .flatMap(Object.keys)
          .join(),
      ).toMatch(/:user\//);
  }
}, 120_000);

describe('Identity Center: the roles it provisions come from the administering environment', () => {
  const fixture = 'identity-center';
  const plansOf = async () => {
    const loaded = await loadAccessConfig(IDENTITY_CENTER_EXAMPLE_FILE);
    const plans = loaded.model.environments.map((e) => ({ name: e.name, plan: readPlan(fixture, e.name) }));
    return { loaded, plans, intent: accessIntent(loaded.config, loaded.model) };
  };

  test('GIVEN assignments in dev and prod WHEN dependencies are worked out THEN both depend on the administering environment', async () => {
    const { loaded } = await plansOf();
    const dependencies = analysisDependencies(loaded.model.environments);
    expect(dependencies.get('identity')).toEqual([]);
    expect(dependencies.get('dev')).toEqual(['identity']);
    expect(dependencies.get('prod')).toEqual(['identity', 'dev']);
  });

  test('GIVEN only an environment and its dependencies WHEN analysed THEN its Identity Center roles and findings equal the whole analysis', async () => {
    const { loaded, plans, intent } = await plansOf();
    const dependencies = analysisDependencies(loaded.model.environments);
    const whole = await analyzePlans(plans, [], { intent });
    for (const env of ['dev', 'prod']) {
      const needed = new Set([env, ...(dependencies.get(env) ?? [])]);
      const { results } = await analyzeEnvironments(
        plans.filter((p) => needed.has(p.name)),
        new Set([env]),
        { intent },
      );
      const access = results.get(env)?.access;
      expect(access).toEqual(whole.access.find((a) => a.environment === env));
      expect(Object.keys(access?.principals ?? {}).join()).toMatch(/AWSReservedSSO_/);
    }
  }, 120_000);

  test("GIVEN one more approver WHEN the stacks are digested THEN only prod's part of the administering stack changes", async () => {
    const text = readFileSync(IDENTITY_CENTER_EXAMPLE_FILE, 'utf8');
    const lee =
      '  - name: lee\n    identityCenter: { userName: lee@helprr.example, displayName: Lee Kim, givenName: Lee, familyName: Kim, email: lee@helprr.example }\n    memberships:\n      prod: [release-approvers]\n';
    const edited = text.replace('\nsuppressions:', `${lee}\nsuppressions:`);
    expect(edited).not.toBe(text);
    const [before, after] = [await synthConfigText(text), await synthConfigText(edited)];
    const digest = (stacks: typeof before, account: string) =>
      identityCenterPartDigest(stacks.identity as unknown as Record<string, unknown>, account);
    expect(digest(after, '111222333444')).not.toBe(digest(before, '111222333444'));
    expect(digest(after, '111111111111')).toBe(digest(before, '111111111111'));
    // The part is not empty: dev's digest is not that of an account nothing is assigned in.
    expect(digest(before, '111111111111')).not.toBe(digest(before, '999999999999'));
  });
});
