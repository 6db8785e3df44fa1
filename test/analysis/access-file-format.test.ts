/**
 * The committed form of the access files: principals with the same access share one entry that lists their names,
 * so a big account's file stays small and a person given a team shows in the diff as one name; the file reads back
 * (parseEnvironmentAccess) into exactly the analysis's per-principal form. Shown on the analysis of real plans: the
 * example's and each focused fixture's (guardrail denials, external ids, KMS pins), and the large fixture's file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseEnvironmentAccess,
  renderEnvironmentAccess,
  type EnvironmentAccess,
} from '../../src/analysis/environment-access';
import { accessFileName } from '../../src/analysis/plan-files';
import { FOCUSED_FIXTURES } from '../helpers/fixture-files';
import { analyzeFocused } from '../helpers/focused';
import { analyzeExample } from '../helpers/plan-mutations';
import { fixturePlansDir } from '../helpers/plans';

const analysed = async (fixture: string) =>
  (fixture === 'example' ? await analyzeExample() : await analyzeFocused(fixture)).access;

describe.each(['example', ...FOCUSED_FIXTURES])('the analysis of the %s fixture', (fixture) => {
  test('GIVEN each environment WHEN rendered and parsed back THEN it is the analysis again, and renders the same', async () => {
    for (const access of await analysed(fixture)) {
      const text = renderEnvironmentAccess(access);
      const parsed = parseEnvironmentAccess(text);
      expect(parsed).toEqual(access);
      expect(renderEnvironmentAccess(parsed)).toBe(text);
    }
  });
});

test('GIVEN the principals in another order WHEN rendered THEN the file is byte-identical', async () => {
  const [prod] = (await analyzeExample()).access.filter((a) => a.environment === 'prod');
  const reversed: EnvironmentAccess = {
    ...prod,
    principals: Object.fromEntries(Object.entries(prod.principals).reverse()),
    assumeRole: Object.fromEntries(
      Object.entries(prod.assumeRole).map(([role, byArn]) => [
        role,
        Object.fromEntries(Object.entries(byArn).reverse()),
      ]),
    ),
  };
  expect(Object.keys(reversed.principals)).not.toEqual(Object.keys(prod.principals));
  expect(renderEnvironmentAccess(reversed)).toBe(renderEnvironmentAccess(prod));
});

describe('the large fixture: 40 people in 12 teams, 3 environments', () => {
  const env = 'env-01';
  const text = () => readFileSync(join(fixturePlansDir('large'), accessFileName(env)), 'utf8');

  test('GIVEN its written file THEN people with the same access share one entry, each listed once', () => {
    const file = JSON.parse(text()) as { principals: { names: string[]; via: string[] }[] };
    const names = file.principals.flatMap((group) => group.names);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith('user/'))).toHaveLength(40);
    expect(file.principals.length).toBeLessThan(names.length / 2);
    for (const group of file.principals) expect(group.names).toEqual([...group.names].sort());
  });

  test('GIVEN its written file WHEN parsed THEN every person has their group entry and their own ARN', () => {
    const access = parseEnvironmentAccess(text());
    const file = JSON.parse(text()) as { principals: { names: string[] }[] };
    const shared = file.principals.find((group) => group.names.length > 1);
    if (!shared) throw new Error('no group of several people');
    const [first, second] = shared.names.map((name) => access.principals[name]);
    expect(first.arn).toBe(`arn:aws:iam::${access.accountId}:${shared.names[0]}`);
    expect({ ...first, arn: '' }).toEqual({ ...second, arn: '' });
  });

  test('GIVEN the trusted team of env-01 WHEN its role in env-02 is read THEN who may assume it is grouped by context', () => {
    const file = JSON.parse(readFileSync(join(fixturePlansDir('large'), accessFileName('env-02')), 'utf8')) as {
      assumeRole: Record<string, { principals: string[]; allowedWhen: unknown[] }[]>;
    };
    const groups = file.assumeRole.PipelineViewers;
    const contexts = groups.map((g) => JSON.stringify(g.allowedWhen));
    expect(new Set(contexts).size).toBe(groups.length);
    expect(groups.flatMap((g) => g.principals).length).toBeGreaterThan(groups.length);
  });
});

describe('a reviewer reads the diff', () => {
  const prod = async () => (await analyzeExample()).access.filter((a) => a.environment === 'prod')[0];
  const withUser = (access: EnvironmentAccess, name: string, like: string): EnvironmentAccess => ({
    ...access,
    principals: {
      ...access.principals,
      [`user/${name}`]: { ...access.principals[like], arn: `arn:aws:iam::${access.accountId}:user/${name}` },
    },
  });
  /** The lines only `head` has, when it has `base`'s lines and more in the same order. */
  function addedLines(base: string, head: string): string[] {
    const baseLines = base.split('\n');
    const added: string[] = [];
    let i = 0;
    for (const line of head.split('\n')) {
      if (line === baseLines[i]) i++;
      else added.push(line.trim());
    }
    expect(i).toBe(baseLines.length);
    return added;
  }

  test('GIVEN a new person with the same access as jin WHEN rendered THEN the diff is one name added to a list', async () => {
    const base = await prod();
    const head = withUser(base, 'ada', 'user/jin');
    expect(addedLines(renderEnvironmentAccess(base), renderEnvironmentAccess(head))).toEqual(['"user/ada",']);
  });

  test('GIVEN a new person with access of their own WHEN rendered THEN the diff is a new entry naming them', async () => {
    const base = await prod();
    const ada = withUser(base, 'ada', 'user/jin').principals['user/ada'];
    const head: EnvironmentAccess = {
      ...base,
      principals: { ...base.principals, 'user/ada': { ...ada, via: [...ada.via, 'group/ada-only'] } },
    };
    const added = addedLines(renderEnvironmentAccess(base), renderEnvironmentAccess(head));
    expect(added).toContain('"user/ada"');
    expect(added).toContain('"group/ada-only"');
  });
});

describe('a file that is not one the renderer wrote', () => {
  const written = () =>
    renderEnvironmentAccess({
      environment: 'prod',
      accountId: '111222333444',
      region: 'us-east-2',
      principals: {
        'user/jin': { arn: 'arn:aws:iam::111222333444:user/jin', via: [], allowed: {} },
        'user/sam': { arn: 'arn:aws:iam::111222333444:user/sam', via: ['group/x'], allowed: {} },
      },
      assumeRole: {},
      artifactBuckets: {},
    });

  test('GIVEN a name in two groups WHEN parsed THEN the error names the file, the place and the name', () => {
    const text = written().replace('"user/sam"', '"user/jin"');
    expect(() => parseEnvironmentAccess(text, 'tfplans/prod.access.json')).toThrow(
      'tfplans/prod.access.json: principals[1].names: "user/jin" is listed twice',
    );
  });

  test('GIVEN a file of the per-principal form WHEN parsed THEN the error says to plan again', () => {
    const old = JSON.stringify({ environment: 'prod', principals: {}, assumeRole: {}, artifactBuckets: {} });
    expect(() => parseEnvironmentAccess(old, 'tfplans/prod.access.json')).toThrow(
      'tfplans/prod.access.json: not an access file of this version (principals must be a list of groups); run npm run plan',
    );
  });

  test('GIVEN a principal of another account WHEN rendered THEN the error names it', () => {
    const access = parseEnvironmentAccess(written());
    const foreign = {
      ...access,
      principals: { 'user/jin': { ...access.principals['user/jin'], arn: 'arn:aws:iam::999999999999:user/jin' } },
    };
    expect(() => renderEnvironmentAccess(foreign)).toThrow(
      'principal "user/jin" of prod has ARN arn:aws:iam::999999999999:user/jin, not one of its account',
    );
  });
});
