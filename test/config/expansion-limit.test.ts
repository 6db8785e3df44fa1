/**
 * The alias-expansion cap (src/config/expansion-limit.ts) counts a document as its expanded copy would be, stops
 * reading at the first node past the cap, and leaves ordinary anchors and large configs alone.
 */
import { ExpansionLimitError, expansionLimit, MAX_EXPANDED_NODES } from '../../src/config/expansion-limit';
import { CORE_SCHEMA, load } from '../../src/config/js-yaml';
import { ConfigError } from '../../src/config/problems';
import { parseConfigSource } from '../../src/config/source';
import { generateConfig } from '../../src/fixtures/generate-config';

const loadCapped = (text: string, cap: number) => load(text, { schema: CORE_SCHEMA, listener: expansionLimit(cap) });

/** Nodes of the value written out: collections and keys count one, strings one per started 64 characters. */
function expandedSize(value: unknown): number {
  if (typeof value === 'string') return 1 + Math.floor(value.length / 64);
  if (value === null || typeof value !== 'object') return 1;
  return Array.isArray(value)
    ? 1 + value.reduce((sum: number, item) => sum + expandedSize(item), 0)
    : 1 + Object.entries(value).reduce((sum, [key, item]) => sum + expandedSize(key) + expandedSize(item), 0);
}

const aliased = `a: &a [x, y, {k: "${'z'.repeat(130)}"}]
b: &b {p: *a, q: *a, r: [*a, *a]}
c: [*b, *b, *a]
`;

test('an aliased document is counted as its expanded copy: it passes at exactly its size and not one below', () => {
  // GIVEN a document whose aliases repeat collections and a long string
  const size = expandedSize(load(aliased, { schema: CORE_SCHEMA }));
  // WHEN it is read with the cap at its expanded size, and one below
  // THEN the first reads, the second stops
  expect(loadCapped(aliased, size)).toEqual(load(aliased, { schema: CORE_SCHEMA }));
  expect(() => loadCapped(aliased, size - 1)).toThrow(ExpansionLimitError);
});

test('a nine-level billion laughs is refused at the alias that crosses the cap, naming it', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  let error: unknown;
  try {
    parseConfigSource('bomb.yaml', levels.join('\n'));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    expect.stringMatching(/^bomb\.yaml:7:8: alias "\*f" takes the expanded config past 1,000,000 nodes/),
  ]);
});

test('a config with 5,000 people in three environments stays far below the cap', () => {
  // GIVEN the largest config the IAM quotas allow (5,000 users per account)
  const text = generateConfig({ environments: 3, teams: 20, people: 5000, pipelines: 50 });
  // WHEN its expanded size is measured
  const size = expandedSize(load(text, { schema: CORE_SCHEMA }));
  // THEN it is a fraction of the cap, and reads with the cap in place
  expect(size).toBeLessThan(MAX_EXPANDED_NODES / 4);
  expect(() => parseConfigSource('large.yaml', text)).not.toThrow();
});

test('an alias inside its own anchor is refused as a recursive structure', () => {
  expect(() => loadCapped('list: &l [1, [2, *l]]\n', MAX_EXPANDED_NODES)).toThrow(
    /alias "\*l" is inside the node it refers to/,
  );
});
