/**
 * Table-driven: every case in fixtures/cli-faults.yaml runs a compiled CLI in a project directory of its own
 * (sentinel content in cdktf.out/, tfplans/, .cache/ and state/). It must exit with the case's status, say what
 * the case expects without a stack trace, and leave the project byte-identical. Kept small so the shared fault
 * harness can run the same table instead.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { mapLimit, PROJECT_ROOT, type CliResult } from '../helpers/cli';
import { cliEnvironment } from './cli-env';
import { snapshotTree } from './tree';

interface CliFaultCase {
  readonly name: string;
  readonly command: 'synth' | 'plan' | 'access';
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly config?: string;
  readonly exit: number;
  readonly expect: readonly string[];
  readonly unchanged?: boolean;
}

const CLIS: Record<CliFaultCase['command'], string> = {
  synth: join(PROJECT_ROOT, 'dist', 'main.js'),
  plan: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'),
  access: join(PROJECT_ROOT, 'dist', 'src', 'cli', 'access.js'),
};

const DEFAULT_CONFIG = `version: 1
environments: [{ name: solo, accountId: "123456789012", region: us-east-2, pipelines: [{ name: app }] }]
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: viewers, grants: [{ profile: viewer, pipelines: [app] }] }]
people: [{ name: kim, memberships: { solo: [viewers] } }]
`;

/** What a project holds before the run: one file in each tree a run may write. */
const SENTINELS: Readonly<Record<string, string>> = {
  'cdktf.out/stacks/solo/cdk.tf.json': '{"sentinel": "synth output of an earlier run"}\n',
  'tfplans/SUMMARY.md': 'sentinel: the report of an earlier run\n',
  '.cache/analysis/sentinel.json': '{"sentinel": true}\n',
  'state/solo.tfstate': '{"sentinel": "state a deploy wrote"}\n',
};

const cases: CliFaultCase[] = parse(readFileSync(join(__dirname, '..', 'fixtures', 'cli-faults.yaml'), 'utf8'));
const workdir = mkdtempSync(join(tmpdir(), 'cli-faults-'));
const runs = new Map<string, { result: CliResult; before: object; after: object }>();

function run(c: CliFaultCase, caseDir: string): Promise<CliResult> {
  const expand = (value: string) =>
    value.split('${PROJECT_ROOT}').join(PROJECT_ROOT).split('${CASE_DIR}').join(caseDir);
  const env = cliEnvironment(Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, expand(v)])));
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLIS[c.command], ...(c.args ?? [])],
      { cwd: caseDir, env, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

beforeAll(async () => {
  await mapLimit(cases, 3, async (c) => {
    const caseDir = join(workdir, c.name.replace(/\W+/g, '-'));
    for (const [path, content] of Object.entries({ ...SENTINELS, 'config/access.yaml': c.config ?? DEFAULT_CONFIG })) {
      mkdirSync(dirname(join(caseDir, path)), { recursive: true });
      writeFileSync(join(caseDir, path), content);
    }
    const before = snapshotTree(caseDir);
    const result = await run(c, caseDir);
    runs.set(c.name, { result, before, after: snapshotTree(caseDir) });
  });
}, 300_000);

afterAll(() => rmSync(workdir, { recursive: true, force: true }));

test('the table covers every CLI with at least 15 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(15);
  expect(new Set(cases.map((c) => c.command))).toEqual(new Set(['synth', 'plan', 'access']));
});

describe.each(cases)('$name', (c) => {
  test(`exits ${c.exit} with the expected words and no stack trace`, () => {
    const { result } = runs.get(c.name) ?? { result: undefined };
    const output = `${result?.stdout}${result?.stderr}`;
    expect([result?.exitCode, output]).toEqual([c.exit, expect.any(String)]);
    for (const fragment of c.expect) expect(output).toContain(fragment);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });

  if (c.unchanged !== false)
    test('leaves the project byte-identical (cdktf.out/, tfplans/, .cache/, state/, no lock or staging left)', () => {
      const { before, after } = runs.get(c.name) ?? {};
      expect(after).toEqual(before);
    });
});
