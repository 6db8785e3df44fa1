/**
 * Table-driven: every case in fixtures/invalid-configs.yaml is a config a user could write, and every case in
 * fixtures/cli-faults.yaml (when present) a fault a user could run into. Each runs the real compiled CLI in its own
 * throwaway project (helpers/isolated-project.ts), which must exit as expected, print every expected fragment,
 * never a stack trace, and, unless the case says otherwise, leave every file of the project (cdktf.out/, tfplans/,
 * .cache/, the state file, the config) byte-identical. A config error is one header with the problem count and
 * one located line per problem, each printed once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mapLimit } from '../helpers/cli';
import {
  CONFIG_FILE,
  FIXTURES_DIR,
  IsolatedProjects,
  runCliCase,
  type CliCase,
  type CliCaseRun,
} from '../helpers/isolated-project';

const INVALID_CONFIGS = join(FIXTURES_DIR, 'invalid-configs.yaml');
const CLI_FAULTS = join(FIXTURES_DIR, 'cli-faults.yaml');

const configCases: CliCase[] = parse(readFileSync(INVALID_CONFIGS, 'utf8'));
const faultCases: CliCase[] = existsSync(CLI_FAULTS) ? (parse(readFileSync(CLI_FAULTS, 'utf8')) ?? []) : [];
const cases = [...configCases, ...faultCases];

const projects = new IsolatedProjects();
const runs = new Map<string, CliCaseRun>();

beforeAll(async () => {
  await mapLimit(cases, 3, async (c) => runs.set(c.name, await runCliCase(projects, c)));
}, 900_000);

afterAll(() => {
  projects.dispose();
  expect(existsSync(projects.root)).toBe(false);
});

test('the tables are large enough and their case names unique', () => {
  if (faultCases.length > 0) expect(cases.length).toBeGreaterThanOrEqual(80);
  else expect(configCases.length).toBeGreaterThanOrEqual(75);
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  for (const c of configCases) {
    expect(typeof c.config).toBe('string');
    expect(c.problems).toBeGreaterThan(0);
  }
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(cases)('$name', (c) => {
  const run = () => {
    const found = runs.get(c.name);
    if (!found) throw new Error(`case "${c.name}" did not run`);
    return found;
  };
  const output = () => `${run().result.stdout}${run().result.stderr}`;

  test(`exits ${c.exit ?? 1} and prints every expected fragment, without a stack trace`, () => {
    expect({ exitCode: run().result.exitCode, output: output() }).toMatchObject({ exitCode: c.exit ?? 1 });
    for (const fragment of c.expect) expect(output()).toContain(fragment);
    expect(output()).not.toMatch(/^\s+at .+[:(]\d+:\d+\)?$/m);
  });

  if (c.problems !== undefined) {
    const problems = c.problems;
    test(`lists ${problems} located problem${problems === 1 ? '' : 's'}, each once`, () => {
      const header = `${CONFIG_FILE}: ${problems} problem${problems === 1 ? '' : 's'} in the access config; nothing was synthesized:`;
      expect(output()).toContain(header);
      const lines = output()
        .split('\n')
        .filter((line) => line.startsWith('  - '));
      expect(lines).toHaveLength(problems);
      for (const line of lines) expect(line).toMatch(new RegExp(`^  - ${escape(CONFIG_FILE)}:\\d+:\\d+[ :]`));
      expect(new Set(lines).size).toBe(lines.length);
    });
  }

  if (c.unchanged ?? true) {
    test('leaves cdktf.out/, tfplans/, .cache/, the state file and the config byte-identical', () => {
      expect(run().after).toEqual(run().before);
    });
  }

  test('leaves nothing in its temp directory', () => {
    expect(run().leftInTmp).toEqual([]);
  });
});
