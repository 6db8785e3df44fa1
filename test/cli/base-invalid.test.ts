/**
 * A base revision whose config fails a check added since (here: a tag value AWS would refuse at apply) must not keep
 * every pull request red, the one that fixes it included: the review compares with nothing and says why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsolatedProjects, VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

const projects = new IsolatedProjects();
afterAll(() => projects.dispose());

test('GIVEN a base whose config is invalid now WHEN the fixed config is planned against it THEN the run passes, everything new', async () => {
  const valid = readFileSync(VALID_MINIMAL_CONFIG, 'utf8');
  const invalid = valid.replace('{ ManagedBy: codepipeline-access }', '{ ManagedBy: "codepipeline-access {v1}" }');
  expect(invalid).not.toBe(valid);
  const project = projects.create('invalid base', invalid);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: project.dir });
  git('init', '-q');
  git('add', 'config/access.yaml');
  git('commit', '-q', '-m', 'base');
  project.write('config/access.yaml', valid);

  const result = await project.run({ command: 'plan', args: ['--base', 'HEAD'] });

  expect(result.exitCode).toBe(0);
  // On stderr: a workflow parses --list-changed's stdout as JSON.
  expect(result.stderr).toContain("[base] config/access.yaml at HEAD does not pass this version's checks:");
  expect(result.stderr).toContain('defaultTags.ManagedBy');
  expect(result.stderr).toContain('compared with nothing: everything is new');
  expect(readFileSync(join(project.dir, 'tfplans', 'SUMMARY.md'), 'utf8')).toContain('## prod');
}, 180_000);
