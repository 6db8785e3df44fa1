/** The pull-request workflow: what it must keep doing for reviewers, and what it must never let a pull request do. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli';

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

interface Job {
  readonly permissions?: Record<string, string>;
  readonly needs?: string;
  readonly if?: string;
  readonly steps: Step[];
}

const workflow = parse(readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'access-review.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const { review, comment } = workflow.jobs;
const allSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);

test('runs on pull requests; no permission by default, each job only what it needs', () => {
  expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  expect(workflow.permissions).toEqual({});
  expect(review.permissions).toEqual({ contents: 'read' });
  expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
  expect(Object.keys(workflow.jobs).sort()).toEqual(['comment', 'review']);
});

test('installs from the lockfile, runs the tests, then plans against the base branch', () => {
  const runs = review.steps.map((s) => s.run).filter(Boolean);
  expect(runs).toEqual(['npm ci', 'npm test', 'npm run plan -- --base "origin/$BASE_REF"', 'exit 1']);
  const checkout = review.steps.find((s) => s.uses?.startsWith('actions/checkout'));
  expect(checkout?.with?.['fetch-depth']).toBe(0);
});

test('the job that runs the pull request keeps no token in .git/config', () => {
  for (const checkout of allSteps.filter((s) => s.uses?.startsWith('actions/checkout')))
    expect(checkout.with?.['persist-credentials']).toBe(false);
});

test('no expression is interpolated into a shell line; event text reaches the shell only as an environment variable', () => {
  for (const step of allSteps) expect(step.run ?? '').not.toContain('${{');
  const plan = review.steps.find((s) => s.run?.startsWith('npm run plan'));
  expect(plan?.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
});

test('the job that may write a comment runs none of the pull request code: it only downloads the report', () => {
  expect(comment.needs).toBe('review');
  expect(comment.steps.map((s) => s.uses?.split('@')[0])).toEqual([
    'actions/download-artifact',
    'actions/github-script',
  ]);
  expect(comment.steps.some((s) => s.run)).toBe(false);
});

test('uploads tfplans/ as the artifact the comment links to, also when planning failed', () => {
  const upload = review.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
  expect(upload?.if).toBe('always()');
  expect(upload?.with).toMatchObject({ name: 'tfplans', path: 'tfplans/' });
});

test('keeps the analysis decisions of earlier runs between runs', () => {
  const cache = review.steps.find((s) => s.uses?.startsWith('actions/cache'));
  expect(cache?.with?.path).toBe('.cache/analysis');
  expect(cache?.with?.['restore-keys']).toBe('access-analysis-');
});

describe('the comment script', () => {
  const script = String(comment.steps.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script);
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const workdir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'workflow-'));
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  /** Runs the script as actions/github-script would, against a recording stand-in for the GitHub API. */
  async function post(report: string, existing: { id: number; body: string }[] = []) {
    mkdirSync(join(workdir, 'tfplans'), { recursive: true });
    writeFileSync(join(workdir, 'tfplans', 'SUMMARY.md'), report);
    const calls: { method: string; args: Record<string, unknown> }[] = [];
    const record = (method: string) => async (args: Record<string, unknown>) => void calls.push({ method, args });
    const github = {
      paginate: async () => existing,
      rest: {
        issues: {
          listComments: 'listComments',
          updateComment: record('updateComment'),
          createComment: record('createComment'),
        },
      },
    };
    const context = {
      repo: { owner: 'acme', repo: 'access' },
      issue: { number: 7 },
      runId: 42,
      serverUrl: 'https://github.com',
    };
    const cwd = process.cwd();
    process.chdir(workdir);
    try {
      const run = new Function('require', 'github', 'context', `return (async () => {${script}})();`);
      await run(require, github, context);
    } finally {
      process.chdir(cwd);
    }
    return calls;
  }

  test('posts the report whole, behind its marker', async () => {
    const calls = await post('# Access review\n\n| a | b |\n');
    expect(calls).toEqual([
      {
        method: 'createComment',
        args: {
          owner: 'acme',
          repo: 'access',
          issue_number: 7,
          body: '<!-- codepipeline-access-review -->\n# Access review\n\n| a | b |\n',
        },
      },
    ]);
  });

  test('updates its own earlier comment in place', async () => {
    const calls = await post('new', [
      { id: 1, body: 'someone else' },
      { id: 2, body: '<!-- codepipeline-access-review -->\nold' },
    ]);
    expect(calls).toEqual([
      {
        method: 'updateComment',
        args: { owner: 'acme', repo: 'access', comment_id: 2, body: '<!-- codepipeline-access-review -->\nnew' },
      },
    ]);
  });

  test('never cuts a long report in the middle of its Markdown: it links the artifact instead', async () => {
    const report = `<details>\n\n${'| x | y |\n'.repeat(10_000)}</details>\n`;
    const [call] = await post(report);
    const body = String(call.args.body);
    expect(body.length).toBeLessThan(1_000);
    expect(body).not.toContain('| x | y |');
    expect(body).toContain(`${report.length} characters`);
    expect(body).toContain('[this run](https://github.com/acme/access/actions/runs/42)');
    expect(body).toContain('`tfplans` artifact');
  });
});
