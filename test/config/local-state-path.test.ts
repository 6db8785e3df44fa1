/** A local backend's state path: relative to the project root, never in a directory the project regenerates. */
import { join } from 'node:path';
import { localStatePathProblem, REGENERATED_DIRS } from '../../src/config/local-state-path';

const root = '/home/dev/codepipeline-access';

test.each([
  'state/prod.tfstate',
  'terraform.prod.tfstate',
  '../state/prod.tfstate',
  '/var/lib/terraform/prod.tfstate',
  'cdktf.output/prod.tfstate', // a different directory that only starts like cdktf.out
  'state/cdktf.out/prod.tfstate', // cdktf.out below another directory is not the project's
  join(root, 'state', 'prod.tfstate'),
])('%s keeps the state', (path) => {
  expect(localStatePathProblem(path, root)).toBeUndefined();
});

test.each([
  ...Object.keys(REGENERATED_DIRS).flatMap((dir) => [`${dir}/prod.tfstate`, `./${dir}/a/b.tfstate`]),
  'state/../cdktf.out/prod.tfstate',
  join(root, 'cdktf.out', 'stacks', 'prod', 'terraform.prod.tfstate'),
  'cdktf.out.staging-123/prod.tfstate',
])('%s would lose the state', (path) => {
  expect(localStatePathProblem(path, root)).toMatch(/^the state would be lost: .* is (regenerated|one of synth's)/);
});

test.each(['state/', '.', 'state/..', root])('%s is a directory, not a state file', (path) => {
  expect(localStatePathProblem(path, root)).toBe(
    'must name a state file (such as state/prod.tfstate), not a directory',
  );
});
