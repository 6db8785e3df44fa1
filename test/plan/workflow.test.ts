/**
 * The pull-request workflow and the workflow that warms its caches: what they must keep doing for reviewers, and
 * what they must never let a pull request do. actionlint checks their syntax and wiring (workflow-lint.test.ts);
 * this file checks what they are for, and runs the two scripts in them: the changes job's choice of path and the
 * comment script.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli';

interface Step {
  readonly id?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly env?: Record<string, string | number>;
  readonly with?: Record<string, unknown>;
}

interface Job {
  readonly permissions?: Record<string, string>;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly outputs?: Record<string, string>;
  readonly strategy?: { readonly 'fail-fast'?: boolean; 'max-parallel'?: number; matrix?: Record<string, unknown> };
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const readWorkflow = (file: string) =>
  parse(readFileSync(join(PROJECT_ROOT, '.github', 'workflows', file), 'utf8')) as Workflow;
const workflow = readWorkflow('access-review.yml');
const warming = readWorkflow('access-cache.yml');
const { tests, changes, review, plan, report, comment } = workflow.jobs;
const allSteps = [...Object.values(workflow.jobs), ...Object.values(warming.jobs)].flatMap((job) => job.steps);
const runs = (job: Job) => job.steps.map((s) => s.run).filter(Boolean);
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.split('@')[0] === action);
const PR_JOBS = ['changes', 'plan', 'report', 'review', 'tests'];

test('runs on pull requests; no permission by default; jobs that run its code only read, the comment job only writes comments', () => {
  expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  expect(workflow.permissions).toEqual({});
  expect(Object.keys(workflow.jobs).sort()).toEqual([...PR_JOBS, 'comment'].sort());
  for (const name of PR_JOBS) expect([name, workflow.jobs[name].permissions]).toEqual([name, { contents: 'read' }]);
  expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
});

test('the tests run once, in a job of their own, from the lockfile', () => {
  expect(runs(tests)).toEqual(['npm ci', 'npm test']);
  expect(
    Object.values(workflow.jobs)
      .flatMap(runs)
      .filter((r) => r === 'npm test'),
  ).toHaveLength(1);
});

test('the jobs that use --base check out the whole history', () => {
  for (const job of [changes, review, plan, report])
    expect(uses(job, 'actions/checkout')[0]?.with?.['fetch-depth']).toBe(0);
});

test('no checkout keeps a token in .git/config', () => {
  const checkouts = allSteps.filter((s) => s.uses?.startsWith('actions/checkout'));
  expect(checkouts.length).toBe(Object.keys(workflow.jobs).length - 1 + Object.keys(warming.jobs).length);
  for (const checkout of checkouts) expect(checkout.with?.['persist-credentials']).toBe(false);
});

test('no expression is interpolated into a shell line; event text reaches the shell only as an environment variable', () => {
  for (const step of allSteps) expect(step.run ?? '').not.toContain('${{');
  const withBase = allSteps.filter((s) => s.run?.includes('$BASE_REF'));
  expect(withBase.length).toBe(4);
  for (const step of withBase) expect(step.env?.BASE_REF).toBe('${{ github.base_ref }}');
});

describe('the changes job chooses the path', () => {
  const step = changes.steps.find((s) => s.id === 'list');
  const script = step?.run ?? '';
  const threshold = Number(step?.env?.FAN_OUT_ABOVE);
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const workdir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'workflow-changes-'));
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  /**
   * Runs the step's script as the runner does (bash -e -o pipefail), with a stand-in `npm` on the PATH that prints
   * `stdout` and records its arguments. Returns the exit code and what the step wrote to $GITHUB_OUTPUT.
   */
  async function choose(stdout: string) {
    const bin = join(workdir, 'bin');
    mkdirSync(bin, { recursive: true });
    const argsFile = join(workdir, 'npm-args');
    const outputFile = join(workdir, 'github-output');
    writeFileSync(outputFile, '');
    writeFileSync(join(bin, 'npm'), `#!/bin/bash\necho "$*" > '${argsFile}'\ncat <<'EOF'\n${stdout}\nEOF\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const env = {
      ...Object.fromEntries(Object.entries(step?.env ?? {}).map(([k, v]) => [k, String(v)])),
      PATH: `${bin}:${process.env.PATH}`,
      GITHUB_OUTPUT: outputFile,
      BASE_REF: 'main', // what ${{ github.base_ref }} gives
    };
    const exitCode = await promisify(execFile)('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      env,
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    const output = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    return { exitCode, output, npmArgs: readFileSync(argsFile, 'utf8').trim() };
  }

  test('it asks the plan CLI what changed against the base branch, without the npm banner on stdout', async () => {
    const { npmArgs } = await choose('[]');
    expect(npmArgs).toBe('run --silent plan -- --base origin/main --list-changed');
    expect(changes.outputs).toEqual({
      environments: '${{ steps.list.outputs.environments }}',
      'fan-out': '${{ steps.list.outputs.fan-out }}',
    });
  });

  test(`up to the threshold (${threshold}) the single job plans; one more fans out`, async () => {
    expect(threshold).toBeGreaterThan(0);
    const names = Array.from({ length: threshold + 1 }, (_, i) => `env-${i}`);
    const few = await choose(JSON.stringify(names.slice(0, threshold)));
    expect(few).toMatchObject({
      exitCode: 0,
      output: { environments: JSON.stringify(names.slice(0, threshold)), 'fan-out': 'false' },
    });
    const many = await choose(`[base] a line the CLI printed before\n${JSON.stringify(names)}`);
    expect(many).toMatchObject({ exitCode: 0, output: { environments: JSON.stringify(names), 'fan-out': 'true' } });
  });

  test('anything but a JSON array of names fails the step, writing no output', async () => {
    for (const stdout of ['prod', '{"prod": true}', '[1]']) {
      const { exitCode, output } = await choose(stdout);
      expect([stdout, exitCode !== 0, output]).toEqual([stdout, true, {}]);
    }
  });
});

test('few changes: one job plans and reviews against the base branch; it is also the path when `changes` failed', () => {
  expect(review.needs).toBe('changes');
  expect(review.if).toBe("${{ !cancelled() && needs.changes.outputs.fan-out != 'true' }}");
  expect(runs(review)).toEqual(['npm ci', 'npm run plan -- --base "origin/$BASE_REF"', 'exit 1']);
});

test('many changes: a matrix job per changed environment writes its plan files, at most max-parallel at once', () => {
  expect(plan.if).toBe("${{ needs.changes.outputs.fan-out == 'true' }}");
  expect(plan.strategy).toEqual({
    'fail-fast': false,
    'max-parallel': expect.any(Number),
    matrix: { environment: '${{ fromJSON(needs.changes.outputs.environments) }}' },
  });
  const step = plan.steps.find((s) => s.run?.startsWith('npm run plan'));
  expect(step?.run).toBe('npm run plan -- --env "$ENVIRONMENT" --base "origin/$BASE_REF" --out "planned/$ENVIRONMENT"');
  expect(step?.env?.ENVIRONMENT).toBe('${{ matrix.environment }}');
  const [upload] = uses(plan, 'actions/upload-artifact');
  expect(upload.with).toMatchObject({
    name: 'plan-${{ matrix.environment }}',
    path: 'planned/${{ matrix.environment }}/',
    'if-no-files-found': 'error',
  });
});

test('many changes: the report job merges every matrix job’s plans into the same report, also after a failed job', () => {
  expect(report.needs).toEqual(['changes', 'plan']);
  expect(report.if).toBe("${{ !cancelled() && needs.changes.outputs.fan-out == 'true' }}");
  const [download] = uses(report, 'actions/download-artifact');
  expect(download.with).toEqual({ pattern: 'plan-*', path: 'planned' });
  expect(runs(report).join('\n')).toContain('npm run report -- --plans planned --base "origin/$BASE_REF"');
});

test('either path uploads tfplans/ as the artifact the comment reads and links, also when planning failed', () => {
  for (const job of [review, report]) {
    const [upload] = uses(job, 'actions/upload-artifact');
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({ name: 'tfplans', path: 'tfplans/' });
    expect(job.outputs).toEqual({ 'artifact-url': `\${{ steps.${upload.id}.outputs.artifact-url }}` });
  }
});

test('the job that may write a comment runs none of the pull request code: it only downloads the report', () => {
  expect(comment.needs).toEqual(['review', 'report']);
  expect(comment.if).toBe('${{ !cancelled() }}');
  expect(comment.steps.map((s) => s.uses?.split('@')[0])).toEqual([
    'actions/download-artifact',
    'actions/github-script',
  ]);
  expect(comment.steps.some((s) => s.run)).toBe(false);
});

describe('caches: plans and analysis results of earlier runs, warmed on the default branch', () => {
  // The plans with the synthesized stacks they were made from, and the analysis.
  const PLANS = '.cache/plans\n.cache/synth\n';
  const CACHES = { [PLANS]: 'access-plans-', '.cache/analysis': 'access-analysis-' };
  const key = (prefix: string) => `${prefix}\${{ github.run_id }}-\${{ github.run_attempt }}`;

  test('the reviewing jobs restore both and save a new entry of each, also after rule errors', () => {
    for (const job of [review, report, ...Object.values(warming.jobs)]) {
      for (const [path, prefix] of Object.entries(CACHES)) {
        const restore = uses(job, 'actions/cache/restore').find((s) => s.with?.path === path);
        expect(restore?.with).toEqual({ path, key: key(prefix), 'restore-keys': prefix });
        const save = uses(job, 'actions/cache/save').find((s) => s.with?.path === path);
        expect(save?.with).toEqual({ path, key: key(prefix) });
        expect(save?.if).toBe('${{ !cancelled() }}');
      }
    }
  });

  test('matrix jobs read the plan store only; the report job keeps their plans', () => {
    expect(uses(plan, 'actions/cache/restore').map((s) => s.with?.path)).toEqual([PLANS]);
    expect(uses(plan, 'actions/cache/save')).toEqual([]);
    expect(uses(plan, 'actions/cache')).toEqual([]);
  });

  test('the warming workflow runs on pushes to the default branch only, reads the repository only, and plans everything', () => {
    expect(warming.on).toEqual({ push: { branches: ['main'] } });
    expect(warming.permissions).toEqual({});
    const jobs = Object.values(warming.jobs);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].permissions).toEqual({ contents: 'read' });
    expect(runs(jobs[0])).toEqual(['npm ci', 'npm run plan', 'exit 1']);
  });
});

describe('the comment script', () => {
  const script = String(comment.steps.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script);
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const workdir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'workflow-'));
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));
  const RUN = 'https://github.com/acme/access/actions/runs/42';

  test('gets the artifact link from the job that uploaded it, as an environment variable', () => {
    const step = comment.steps.find((s) => s.uses?.startsWith('actions/github-script'));
    expect(step?.env).toEqual({
      ARTIFACT_URL: '${{ needs.review.outputs.artifact-url || needs.report.outputs.artifact-url }}',
    });
  });

  /** Runs the script as actions/github-script would, against a recording stand-in for the GitHub API. */
  async function post(
    report: string,
    {
      existing = [],
      reviews = [],
      artifactUrl,
    }: { existing?: { id: number; body: string }[]; reviews?: string[]; artifactUrl?: string } = {},
  ) {
    rmSync(join(workdir, 'tfplans'), { recursive: true, force: true });
    mkdirSync(join(workdir, 'tfplans'), { recursive: true });
    writeFileSync(join(workdir, 'tfplans', 'SUMMARY.md'), report);
    for (const env of reviews) writeFileSync(join(workdir, 'tfplans', `${env}.review.md`), `# ${env}\n`);
    writeFileSync(join(workdir, 'tfplans', 'dev.access.json'), '{}\n');
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
    if (artifactUrl === undefined) delete process.env.ARTIFACT_URL;
    else process.env.ARTIFACT_URL = artifactUrl;
    try {
      const run = new Function('require', 'github', 'context', `return (async () => {${script}})();`);
      await run(require, github, context);
    } finally {
      process.chdir(cwd);
      delete process.env.ARTIFACT_URL;
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
    const calls = await post('new', {
      existing: [
        { id: 1, body: 'someone else' },
        { id: 2, body: '<!-- codepipeline-access-review -->\nold' },
      ],
    });
    expect(calls).toEqual([
      {
        method: 'updateComment',
        args: { owner: 'acme', repo: 'access', comment_id: 2, body: '<!-- codepipeline-access-review -->\nnew' },
      },
    ]);
  });

  test('says where the per-environment reviews are: the tfplans artifact of this run', async () => {
    const artifact = `${RUN}/artifacts/1234`;
    const [call] = await post('# Access review\n', { reviews: ['dev', 'prod'], artifactUrl: artifact });
    const body = String(call.args.body);
    expect(body.startsWith('<!-- codepipeline-access-review -->\n# Access review\n')).toBe(true);
    expect(body).toContain('The detail of 2 environments (`<env>.review.md`)');
    expect(body).toContain(`[the \`tfplans\` artifact](${artifact}) of this run`);
    const [one] = await post('# Access review\n', { reviews: ['prod'], artifactUrl: artifact });
    expect(String(one.args.body)).toContain('The detail of one environment');
  });

  test('links the run instead of an artifact link that is not one of this run', async () => {
    for (const artifactUrl of [
      'https://example.com/x',
      'https://github.com/acme/access/actions/runs/4/artifacts/1',
      '',
    ]) {
      const [call] = await post('# Access review\n', { reviews: ['prod'], artifactUrl });
      expect([artifactUrl, String(call.args.body)]).toEqual([
        artifactUrl,
        expect.stringContaining(`[the \`tfplans\` artifact](${RUN}) of this run`),
      ]);
    }
  });

  test('never cuts a long report in the middle of its Markdown: it links the artifact instead', async () => {
    const report = `<details>\n\n${'| x | y |\n'.repeat(10_000)}</details>\n`;
    const [call] = await post(report, { reviews: ['prod'], artifactUrl: `${RUN}/artifacts/9` });
    const body = String(call.args.body);
    expect(body.length).toBeLessThan(1_000);
    expect(body).not.toContain('| x | y |');
    expect(body).toContain(`${report.length} characters`);
    expect(body).toContain(`[this run](${RUN})`);
    expect(body).toContain(`[the \`tfplans\` artifact](${RUN}/artifacts/9)`);
  });
});
