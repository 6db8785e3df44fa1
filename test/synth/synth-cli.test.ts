/** `node dist/main.js` (what `npm run synth` runs): output layout, byte-identical reruns, whole-or-nothing writes. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSynthCli } from '../helpers/cli';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { readTree } from '../helpers/tree';

const workdir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

test('synth of the example writes one stack per environment, and a second synth is byte-identical', async () => {
  const first = join(workdir, 'first');
  const second = join(workdir, 'second');
  const [a, b] = await Promise.all([
    runSynthCli({ ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: first }),
    runSynthCli({ ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: second }),
  ]);
  expect([a.exitCode, a.stderr]).toEqual([0, '']);
  expect(b.exitCode).toBe(0);
  expect(readdirSync(join(first, 'stacks')).sort()).toEqual(['dev', 'prod', 'staging']);
  const treeA = readTree(first);
  expect(Object.keys(treeA).sort()).toEqual([
    'manifest.json',
    'stacks/dev/cdk.tf.json',
    'stacks/prod/cdk.tf.json',
    'stacks/staging/cdk.tf.json',
  ]);
  expect(readTree(second)).toEqual(treeA);
});

test('ACCESS_CONFIG selects the file; a failing synth leaves the previous output untouched', async () => {
  const outdir = join(workdir, 'kept');
  expect((await runSynthCli({ ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: outdir })).exitCode).toBe(0);
  const before = readTree(outdir);
  const broken = join(workdir, 'broken.yaml');
  writeFileSync(broken, 'version: 1\nenvironments: []\n');
  const result = await runSynthCli({ ACCESS_CONFIG: broken, CDKTF_OUTDIR: outdir });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain(`${broken}: 2 problems in the access config; nothing was synthesized`);
  expect(readTree(outdir)).toEqual(before);
  expect(readdirSync(workdir).filter((n) => n.includes('staging-') || n.includes('retired-'))).toEqual([]);
});

test('a missing config file is one clear error', async () => {
  const result = await runSynthCli({ ACCESS_CONFIG: join(workdir, 'nope.yaml'), CDKTF_OUTDIR: join(workdir, 'none') });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(
    /nope\.yaml: 1 problem in the access config; nothing was synthesized:\n {2}- cannot read the config file: ENOENT/,
  );
  expect(existsSync(join(workdir, 'none'))).toBe(false);
});

test("re-synth keeps each stack's .terraform cache, so cdktf diff does not re-initialise", async () => {
  const outdir = join(workdir, 'cached');
  expect((await runSynthCli({ ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: outdir })).exitCode).toBe(0);
  mkdirSync(join(outdir, 'stacks', 'prod', '.terraform'));
  writeFileSync(join(outdir, 'stacks', 'prod', '.terraform', 'marker'), 'cache');
  expect((await runSynthCli({ ACCESS_CONFIG: EXAMPLE_CONFIG_FILE, CDKTF_OUTDIR: outdir })).exitCode).toBe(0);
  expect(readFileSync(join(outdir, 'stacks', 'prod', '.terraform', 'marker'), 'utf8')).toBe('cache');
});

test("skipping cdktf's preparing pass and second resolve pass changes no byte of the output", async () => {
  const { App } = await import('cdktf');
  const { EnvironmentStack } = await import('../../stacks/environment-stack');
  const { loadAccessConfigText } = await import('../../src/model/load-model');
  const { generateConfig, LARGE_TEST_CONFIG } = await import('../../src/fixtures/generate-config');
  for (const [name, text] of [
    ['example', readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')],
    ['large', generateConfig(LARGE_TEST_CONFIG)],
  ] as const) {
    const { model } = await loadAccessConfigText(`${name}.yaml`, text);
    const trees = [false, true].map((cdktfPasses) => {
      const outdir = join(workdir, `${name}-cdktf-passes-${cdktfPasses}`);
      const app = new App({ outdir, stackTraces: false });
      for (const environment of model.environments) new EnvironmentStack(app, { environment, cdktfPasses });
      app.synth();
      return readTree(outdir);
    });
    expect(Object.keys(trees[0]).length).toBeGreaterThan(3);
    expect(trees[0]).toEqual(trees[1]);
  }
});

test("a stack-level override (addOverride) goes through cdktf's own toTerraform and reaches the output", async () => {
  const { App } = await import('cdktf');
  const { EnvironmentStack } = await import('../../stacks/environment-stack');
  const { loadAccessConfigText } = await import('../../src/model/load-model');
  const { model } = await loadAccessConfigText('example.yaml', readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'));
  const environment = model.environments[0];
  const documents = [false, true].map((cdktfPasses) => {
    const outdir = join(workdir, `override-cdktf-passes-${cdktfPasses}`);
    const app = new App({ outdir, stackTraces: false });
    const stack = new EnvironmentStack(app, { environment, cdktfPasses });
    stack.addOverride('terraform.required_version', '>= 1.5.0');
    app.synth();
    return JSON.parse(readFileSync(join(outdir, 'stacks', environment.name, 'cdk.tf.json'), 'utf8')) as {
      terraform: { required_version?: string };
      '//': { metadata: { overrides?: unknown; version?: string } };
    };
  });
  expect(documents[0].terraform.required_version).toBe('>= 1.5.0');
  expect(documents[0]['//'].metadata.overrides).toEqual({ stack: ['terraform'] });
  expect(documents[0]).toEqual(documents[1]);
});
