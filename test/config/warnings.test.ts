/** A person without memberships gets no IAM user anywhere: a located warning, printed by the CLI, never fatal. */
import { readFileSync } from 'node:fs';
import { loadAccessConfigText } from '../../src/model/load-model';
import { IsolatedProjects, VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

const config = `${readFileSync(VALID_MINIMAL_CONFIG, 'utf8')}  - name: ana
    memberships: {}
`;

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

test('the loader returns a located warning and creates no user for the person', async () => {
  // GIVEN the minimal config with a person who has empty memberships
  // WHEN it is loaded
  const { model, warnings } = await loadAccessConfigText('config/access.yaml', config);
  // THEN the config is usable, ana is no user anywhere, and one warning points at her memberships
  expect(model.environments.flatMap((e) => e.users.map((u) => u.name))).not.toContain('ana');
  expect(warnings).toEqual([
    expect.stringMatching(
      /^config\/access\.yaml:\d+:\d+ people\[1\]\.memberships: person "ana" has no memberships, so no IAM user is created for them in any environment; .*; got \{\}$/,
    ),
  ]);
});

test('synth prints the warning and succeeds', async () => {
  const project = projects.create('warning', config);
  const result = await project.run({ command: 'synth' });
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toMatch(/^warning: config\/access\.yaml:\d+:\d+ people\[1\]\.memberships: person "ana"/m);
  expect(project.snapshot().some((line) => line.startsWith('cdktf.out/stacks/prod/cdk.tf.json '))).toBe(true);
}, 60_000);
