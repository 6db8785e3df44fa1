/**
 * Stacks synthesized before (src/synth/stack-cache.ts) stand in for a synth only where they are the same bytes: a
 * cached synth writes exactly the tree a fresh one writes, a changed environment is synthesized again and only it,
 * and the base side of a review, synthesized elsewhere as if deployed from the head's directory, is the head's bytes
 * where nothing changed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccessConfig, loadAccessConfigText, type LoadedConfig } from '../../src/model/load-model';
import { StackCache } from '../../src/synth/stack-cache';
import { synthesizeStaged, type SynthOptions } from '../../src/synth/synthesize';
import { WriteTransaction } from '../../src/synth/write-transaction';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { readTree } from '../helpers/tree';

const workdir = mkdtempSync(join(tmpdir(), 'stack-cache-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

async function synth(
  loaded: LoadedConfig,
  outdir: string,
  options: SynthOptions = {},
): Promise<Record<string, string>> {
  await WriteTransaction.run(async (tx) => synthesizeStaged(loaded, outdir, tx, join(workdir, 'state'), options));
  return readTree(outdir);
}

/** Counts the stacks a synth takes from the cache: what it asks for and gets. */
function counting(cache: StackCache): { cache: StackCache; hits: () => number } {
  let hits = 0;
  const get = cache.get.bind(cache);
  cache.get = (key) => {
    const found = get(key);
    if (found) hits++;
    return found;
  };
  return { cache, hits: () => hits };
}

let example: LoadedConfig;
beforeAll(async () => {
  example = await loadAccessConfig(EXAMPLE_CONFIG_FILE);
});

test('GIVEN stacks cached by an earlier synth WHEN synthesized again THEN the tree is byte-identical to a fresh synth', async () => {
  const cacheDir = join(workdir, 'cache-1');
  const fresh = await synth(example, join(workdir, 'fresh'));
  const first = counting(new StackCache(cacheDir));
  expect(await synth(example, join(workdir, 'cached-1'), { cache: first.cache })).toEqual(fresh);
  expect(first.hits()).toBe(0);
  // A new process: the entries come from the directory.
  const second = counting(new StackCache(cacheDir));
  expect(await synth(example, join(workdir, 'cached-2'), { cache: second.cache })).toEqual(fresh);
  expect(second.hits()).toBe(3);
  expect(Object.keys(fresh)).toContain('manifest.json');
});

test('GIVEN one environment changed WHEN synthesized with the cache THEN only it is synthesized again', async () => {
  const cacheDir = join(workdir, 'cache-2');
  await synth(example, join(workdir, 'warm'), { cache: new StackCache(cacheDir) });
  const text = readFileSync(EXAMPLE_CONFIG_FILE, 'utf8').replace(
    '      staging: [release-managers]',
    '      staging: [release-managers]\n      dev: [release-managers]',
  );
  const changed = await loadAccessConfigText(EXAMPLE_CONFIG_FILE, text);
  const counted = counting(new StackCache(cacheDir));
  const cached = await synth(changed, join(workdir, 'changed-cached'), { cache: counted.cache });
  expect(counted.hits()).toBe(2);
  expect(cached).toEqual(await synth(changed, join(workdir, 'changed-fresh')));
  expect(cached['stacks/dev/cdk.tf.json']).toContain('"sam"');
});

test("GIVEN the base side synthesized elsewhere as if deployed from the head's directory THEN its stacks are the head's bytes", async () => {
  const cache = counting(new StackCache(join(workdir, 'cache-3')));
  const head = await synth(example, join(workdir, 'head', 'cdktf.out'), { cache: cache.cache });
  const base = await synth(example, join(workdir, 'base', 'deeper', 'cdktf.out'), {
    cache: cache.cache,
    deployedFrom: join(workdir, 'head', 'cdktf.out'),
  });
  expect(cache.hits()).toBe(3);
  expect(base).toEqual(head);
  // Without deployedFrom a local backend's path follows the directory: another stack, another key. dev keeps its
  // state locally; staging (S3) and prod (Terraform Cloud) do not, and are the same bytes anywhere.
  const elsewhere = await synth(example, join(workdir, 'base', 'deeper', 'cdktf.out-2'), { cache: cache.cache });
  expect(cache.hits()).toBe(5);
  expect(elsewhere['stacks/dev/cdk.tf.json']).not.toBe(head['stacks/dev/cdk.tf.json']);
  expect(elsewhere['stacks/staging/cdk.tf.json']).toBe(head['stacks/staging/cdk.tf.json']);
});
