/**
 * The config's data comes from js-yaml and problem positions from `yaml` (src/config/source.ts): both must read
 * every config the same way. Checked on the example, the generated fixtures (with anchors and aliases), every
 * invalid-config case, and YAML corners where parsers are known to differ. js-yaml reads as the loader does, with
 * the alias-expansion cap; `yaml` refuses alias bombs by its own alias count, and a recursive structure (which it
 * builds) counts as refused, as no config can be one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { generateConfig, LARGE_TEST_CONFIG } from '../../src/fixtures/generate-config';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { loadYamlData, parseConfigSource } from '../../src/config/source';
import { ConfigError } from '../../src/config/problems';

type Read = { ok: true; data: unknown } | { ok: false };

function withJsYaml(text: string): Read {
  try {
    return { ok: true, data: loadYamlData(text) ?? null };
  } catch {
    return { ok: false };
  }
}

/** Whether no value contains itself. */
function isTree(value: unknown, ancestors: unknown[] = []): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (ancestors.includes(value)) return false;
  return Object.values(value).every((child) => isTree(child, [...ancestors, value]));
}

function withYaml(text: string): Read {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) return { ok: false };
  try {
    const data: unknown = document.toJS({ maxAliasCount: 10_000 });
    return isTree(data) ? { ok: true, data } : { ok: false };
  } catch {
    return { ok: false };
  }
}

const invalidCases = (
  parseDocument(readFileSync(join(__dirname, '..', 'fixtures', 'invalid-configs.yaml'), 'utf8')).toJS() as {
    name: string;
    config: string;
  }[]
).map((c): [string, string] => [`invalid case: ${c.name}`, c.config]);

const corners: [string, string][] = [
  ['YAML 1.1 booleans stay strings', 'a: yes\nb: no\nc: on\nd: off\ne: y\n'],
  ['numbers', 'a: 012\nb: 0o14\nc: 0x1F\nd: 1e3\ne: .inf\nf: -.nan\ng: 111222333444\nh: "0123"\n'],
  ['null forms', 'a: ~\nb: null\nc:\nd: Null\n'],
  ['dates stay strings', 'a: 2026-11-23\nb: 2026-11-23T10:00:00Z\n'],
  ['merge key is a plain key', 'base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n'],
  ['block scalars', 'a: |\n  one\n  two\nb: >-\n  folded\n  text\n'],
  ['quoted escapes', `a: "tab\\tnew\\nline \\u00e9"\nb: 'it''s'\n`],
  ['flow collections with trailing commas', 'a: [1, 2, ]\nb: {x: 1, }\n'],
  ['empty document', ''],
  ['comments only', '# nothing here\n'],
];

const texts: [string, string][] = [
  ['test/fixtures/example/access.yaml', readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')],
  ['generated large fixture', generateConfig(LARGE_TEST_CONFIG)],
  ['generated 300 people', generateConfig({ environments: 3, teams: 20, people: 300, pipelines: 50 })],
  ...invalidCases,
  ...corners,
];

test.each(texts)('%s: both parsers read the same data, or both refuse it', (_name, text) => {
  expect(withJsYaml(text)).toEqual(withYaml(text));
});

test('a malformed file is reported with yaml positions, all errors at once', () => {
  const text = 'version: 1\nversion: 2\nlist: [1, 2\n';
  let error: unknown;
  try {
    parseConfigSource('bad.yaml', text);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).toContain('bad.yaml:2:1: malformed YAML/JSON: Map keys must be unique');
  expect(message.match(/malformed YAML\/JSON/g)?.length).toBeGreaterThan(1);
});

test('problems found after parsing point at the node, located lazily with yaml', () => {
  const source = parseConfigSource('ok.yaml', 'version: 1\nenvironments:\n  - name: prod\n    region: mars-1\n');
  expect(source.describe({ path: ['environments', 0, 'region'], message: 'unknown region' })).toBe(
    'ok.yaml:4:13 environments[0].region: unknown region; got "mars-1"',
  );
});
