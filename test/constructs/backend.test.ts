/** The local backend's state path: written relative to the stack directory, pointing into the project root. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { localStatePath } from '../../src/constructs/backend';

/** A project root; cdktf's App creates its output directory there. */
const ROOT = mkdtempSync(join(tmpdir(), 'backend-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function stackIn(outdir: string): TerraformStack {
  mkdirSync(dirname(join(ROOT, outdir)), { recursive: true });
  return new TerraformStack(new App({ outdir: join(ROOT, outdir), skipValidation: true }), 'dev');
}

/** Where Terraform, running in `<outdir>/stacks/dev`, finds the file. */
const resolved = (outdir: string, path: string) => resolve(ROOT, outdir, 'stacks', 'dev', path);

test.each(['cdktf.out', 'build/cdktf.out', 'a/b/c'])(
  'GIVEN the output directory %s THEN the default state is state/dev.tfstate in the project root',
  (outdir) => {
    const path = localStatePath(stackIn(outdir), ROOT, undefined);
    expect(resolved(outdir, path)).toBe(join(ROOT, 'state', 'dev.tfstate'));
    if (outdir === 'cdktf.out') expect(path).toBe('../../../state/dev.tfstate');
  },
);

test('a configured relative path is relative to the project root; an absolute one stays as it is', () => {
  expect(resolved('build/out', localStatePath(stackIn('build/out'), ROOT, 'states/dev.tfstate'))).toBe(
    join(ROOT, 'states', 'dev.tfstate'),
  );
  expect(localStatePath(stackIn('cdktf.out'), ROOT, '/var/lib/tf/dev.tfstate')).toBe('/var/lib/tf/dev.tfstate');
});
