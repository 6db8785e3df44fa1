/**
 * AWS limits on the resolved model: the per-account quotas with their names, case-insensitive name collisions
 * within one account, every message naming its environment, and the same problem in several environments once.
 */
import { readFileSync } from 'node:fs';
import { loadAccessConfigText } from '../../src/model/load-model';
import { ConfigError } from '../../src/config/problems';
import { ACCOUNT_QUOTAS, checkAwsLimits } from '../../src/model/limits';
import type { AccessModel, EnvironmentModel } from '../../src/model/types';
import { VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

const range = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i + 1));
const id = (i: number) => String(i).padStart(4, '0');

async function problemsOf(text: string): Promise<readonly string[]> {
  try {
    await loadAccessConfigText('quota.yaml', text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const header = `version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
`;

describe('per-account quotas, by their Service Quotas names', () => {
  test.each([
    {
      quota: ACCOUNT_QUOTAS.users,
      what: '5,001 IAM users',
      text: `${header}profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: t, grants: [{ profile: viewer, pipelines: all }] }]
people:
${range(5001, (i) => `  - { name: u${id(i)}, console: { enabled: false }, memberships: { prod: [t] } }`).join('\n')}
`,
    },
    {
      quota: ACCOUNT_QUOTAS.groups,
      what: '301 IAM groups',
      text: `${header}profiles: [{ name: viewer, kind: viewer }]
teams:
${range(301, (i) => `  - { name: t${id(i)}, grants: [{ profile: viewer, pipelines: all }] }`).join('\n')}
people:
${range(301, (i) => `  - { name: u${id(i)}, console: { enabled: false }, memberships: { prod: [t${id(i)}] } }`).join('\n')}
`,
    },
    {
      quota: ACCOUNT_QUOTAS.policies,
      what: '1,510 customer managed policies',
      text: `${header}profiles: [{ name: viewer, kind: viewer }]
teams:
${range(151, (t) => `  - name: t${id(t)}\n    grants:\n${range(10, (g) => `      - { profile: viewer, pipelines: all, policyName: p${id(t)}-${g} }`).join('\n')}`).join('\n')}
people:
${range(151, (i) => `  - { name: u${id(i)}, console: { enabled: false }, memberships: { prod: [t${id(i)}] } }`).join('\n')}
`,
    },
    {
      quota: ACCOUNT_QUOTAS.roles,
      what: '1,001 IAM roles',
      text: `${header}    crossAccountRoles:
${range(1001, (i) => `      - { name: r${id(i)}, profile: viewer, pipelines: all, trust: { accountId: "999988887777" } }`).join('\n')}
profiles: [{ name: viewer, kind: viewer }]
`,
    },
  ])(
    '$quota.name: $what',
    async ({ quota, what, text }) => {
      // GIVEN one environment over the quota by a little
      // WHEN it is loaded
      const problems = await problemsOf(text);
      // THEN one problem at the environment names the count, the quota and its default value
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(
        `quota.yaml:3:5 environments[0]: Environment "prod" would have ${what}; the default quota "${quota.name}" is ${quota.value.toLocaleString('en-US')}`,
      );
    },
    60_000,
  );
});

test('an account at the user quota, 5,000 users, is within it', async () => {
  // GIVEN one environment with exactly as many users as the default quota allows
  const text = `${header}profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: t, grants: [{ profile: viewer, pipelines: all }] }]
people:
${range(ACCOUNT_QUOTAS.users.value, (i) => `  - { name: u${id(i)}, console: { enabled: false }, memberships: { prod: [t] } }`).join('\n')}
`;
  // WHEN it is loaded THEN nothing is refused
  expect(await problemsOf(text)).toEqual([]);
}, 60_000);

describe('on a resolved model', () => {
  let model: AccessModel;
  beforeAll(async () => {
    // The minimal config, with team viewers in both environments.
    const text = readFileSync(VALID_MINIMAL_CONFIG, 'utf8').replace(
      'prod: [developers]',
      'prod: [developers, viewers]',
    );
    ({ model } = await loadAccessConfigText('minimal.yaml', text));
  });

  const withProd = (edit: (env: EnvironmentModel) => EnvironmentModel): AccessModel => ({
    environments: model.environments.map((env) => (env.name === 'prod' ? edit(env) : env)),
  });

  test('the resolved minimal config is within every limit', () => {
    expect(checkAwsLimits(model)).toEqual([]);
  });

  test('two users whose names differ only in case collide, naming both places and the environment', () => {
    // GIVEN prod with a second user JIN (only a model built elsewhere can have one: the config refuses it earlier)
    const twice = withProd((env) => ({
      ...env,
      users: [...env.users, { ...env.users[0], name: 'JIN', origin: ['people', 7] }],
    }));
    // THEN one problem at the second user names the first and the environment
    expect(checkAwsLimits(twice)).toEqual([
      {
        path: ['people', 7],
        related: env(twice, 'prod').users[0].origin,
        message:
          'user name "JIN" differs only in case from "jin" (at {related}) in environment "prod"; IAM names are case-insensitive and unique per AWS account',
      },
    ]);
  });

  test('every limit message names its environment, and a problem in two environments is one problem naming both', () => {
    // GIVEN both environments breaking every limit that can be broken by editing names and sizes
    const long = 'x'.repeat(200);
    const broken: AccessModel = {
      environments: model.environments.map((e) => ({
        ...e,
        groups: e.groups.map((g) => ({
          ...g,
          name: `${g.name}${long}`,
          policies: g.policies.map((p) => ({ ...p, name: `${p.name}${long}`, json: `"${long.repeat(40)}"` })),
        })),
        users: e.users.map((u) => ({ ...u, groups: range(11, (i) => `g${i}`) })),
        roles: e.roles.map((r) => ({ ...r, trustJson: `"${long.repeat(20)}"` })),
      })),
    };
    // WHEN the limits are checked
    const problems = checkAwsLimits(broken);
    // THEN each names its environment(s), and none repeats another
    expect(problems.length).toBeGreaterThan(5);
    for (const p of problems) expect(p.message).toMatch(/in environments? "(dev|prod)"/);
    expect(new Set(problems.map((p) => JSON.stringify(p))).size).toBe(problems.length);
    // Team viewers has a group in both environments, from one config entry: one problem naming both.
    expect(problems.filter((p) => p.message.startsWith('group name "viewers'))).toEqual([
      {
        path: ['teams', 0],
        message: `group name "viewers${long}" in environments "dev", "prod" is 207 characters; IAM allows at most 128`,
      },
    ]);
  });
});

function env(m: AccessModel, name: string): EnvironmentModel {
  const found = m.environments.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
}
