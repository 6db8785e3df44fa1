/**
 * An environment analysed from its own plan and the plans of its dependencies (src/cli/review.ts
 * analysisDependencies) gets exactly the result it gets with every plan of the config: the ground the result store
 * and the skipped environments of `plan --base` stand on. On the example's real plans, whose staging and prod roles
 * trust dev's teams.
 */
import { analyzeEnvironments, analyzePlans } from '../../src/analysis/analyze';
import { analysisDependencies } from '../../src/cli/review';
import { loadAccessConfig } from '../../src/model/load-model';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
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
