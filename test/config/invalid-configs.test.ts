/**
 * Table-driven: every case in fixtures/invalid-configs.yaml is a config a user could write. The real synth
 * CLI must refuse it with one error that lists every problem with its place, exit non-zero, and write nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mapLimit, runSynthCli, type CliResult } from '../helpers/cli';

interface InvalidConfigCase {
  readonly name: string;
  readonly problems: number;
  readonly config: string;
  readonly expect: readonly string[];
}

const cases: InvalidConfigCase[] = parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'invalid-configs.yaml'), 'utf8'),
);
const workdir = mkdtempSync(join(tmpdir(), 'invalid-configs-'));
const results = new Map<string, CliResult>();

beforeAll(async () => {
  await mapLimit(cases, 3, async (c) => {
    const dir = join(workdir, c.name.replace(/\W+/g, '-'));
    const file = join(dir, 'access.yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, c.config);
    results.set(c.name, await runSynthCli({ ACCESS_CONFIG: file, CDKTF_OUTDIR: join(dir, 'cdktf.out') }));
  });
}, 180_000);

afterAll(() => rmSync(workdir, { recursive: true, force: true }));

test('the table has at least 25 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(25);
});

describe.each(cases)('$name', (c) => {
  const dir = () => join(workdir, c.name.replace(/\W+/g, '-'));

  test('exits non-zero with one error listing every problem', () => {
    const result = results.get(c.name);
    expect(result?.exitCode).toBe(1);
    const stderr = result?.stderr ?? '';
    const header = `${join(dir(), 'access.yaml')}: ${c.problems} problem${c.problems === 1 ? '' : 's'} in the access config; nothing was synthesized:`;
    expect(stderr).toContain(header);
    expect(stderr.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(c.problems);
    for (const fragment of c.expect) expect(stderr).toContain(fragment);
    // Every problem line names the file and a line:column.
    for (const line of stderr.split('\n').filter((l) => l.startsWith('  - '))) {
      expect(line).toMatch(
        new RegExp(`^  - ${join(dir(), 'access.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`),
      );
    }
  });

  test('writes no synth output', () => {
    expect(existsSync(join(dir(), 'cdktf.out'))).toBe(false);
    expect(readdirSync(dir())).toEqual(['access.yaml']);
  });
});
