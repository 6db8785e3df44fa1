/** The pull-request workflow: what it must keep doing for reviewers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli';

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'access-review.yml'), 'utf8'));
const steps: Step[] = workflow.jobs.review.steps;

test('runs on pull requests with permission to comment', () => {
  expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  expect(workflow.permissions['pull-requests']).toBe('write');
});

test('installs from the lockfile, runs the tests, then plans against the base branch', () => {
  const runs = steps.map((s) => s.run).filter(Boolean);
  expect(runs).toEqual(['npm ci', 'npm test', 'npm run plan -- --base "origin/${{ github.base_ref }}"', 'exit 1']);
  expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0);
});

test('posts tfplans/SUMMARY.md as one comment, found by its marker and updated in place', () => {
  const script = String(steps.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script);
  expect(script).toContain("readFileSync('tfplans/SUMMARY.md'");
  expect(script).toContain('<!-- codepipeline-access-review -->');
  expect(script).toContain('updateComment');
  expect(script).toContain('createComment');
});

test('keeps the analysis decisions of earlier runs between runs', () => {
  const cache = steps.find((s) => s.uses?.startsWith('actions/cache'));
  expect(cache?.with?.path).toBe('.cache/analysis');
  expect(cache?.with?.['restore-keys']).toBe('access-analysis-');
});
