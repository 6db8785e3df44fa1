/**
 * Tests leave nothing behind in the system temp directory. The global setup gives the run a temp directory of its
 * own inside the system one and points TMPDIR (and TMP/TEMP) at it, which os.tmpdir(), cdktf's Testing.app(),
 * Terraform and every child process follow; the global teardown fails the run naming whatever the tests left in
 * it, then removes it. A directory of the run's own rather than a before/after listing of the system one, so
 * entries of other programs (another test run on the machine, jest's own cache directory, made before the global
 * setup) are never blamed on these tests, and leftovers of these tests are never missed among them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The run's temp directory, for the teardown (it runs in the global setup's process). */
const GUARDED_DIR = 'CODEPIPELINE_ACCESS_TEST_TMPDIR';
/** The variables os.tmpdir() reads (TMPDIR on POSIX, TMP/TEMP on Windows), saved as JSON for the teardown. */
const SAVED_VARIABLES = 'CODEPIPELINE_ACCESS_SAVED_TMPDIR';
const TEMP_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;

/** Creates the run's temp directory and makes it the temp directory of the tests and their children. */
export function startTempDirGuard(): string {
  // A short name: Terraform's provider plugins listen on Unix sockets in TMPDIR, whose paths may not exceed 107
  // bytes, and a nested run (test/user-config/team-edit) puts its own guard inside this one.
  const dir = mkdtempSync(join(tmpdir(), 'cpa-tests-'));
  process.env[SAVED_VARIABLES] = JSON.stringify(Object.fromEntries(TEMP_VARIABLES.map((v) => [v, process.env[v]])));
  process.env[GUARDED_DIR] = dir;
  for (const variable of TEMP_VARIABLES) process.env[variable] = dir;
  return dir;
}

/**
 * Removes the run's temp directory and restores the variables; throws naming the entries the tests left in it.
 * Also called when the global setup fails, so a failed setup leaves nothing either.
 */
export function finishTempDirGuard(): void {
  const dir = process.env[GUARDED_DIR];
  if (dir === undefined) return;
  const left = readdirSync(dir).sort();
  rmSync(dir, { recursive: true, force: true });
  const saved = JSON.parse(process.env[SAVED_VARIABLES] ?? '{}') as Record<string, string | undefined>;
  for (const variable of TEMP_VARIABLES) {
    const value = saved[variable];
    if (value === undefined) unset(variable);
    else process.env[variable] = value;
  }
  unset(GUARDED_DIR);
  unset(SAVED_VARIABLES);
  if (left.length > 0) {
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory: ${left.join(', ')} ` +
        `(in ${dir}, the run's own inside the system one; removed now). Remove every mkdtemp in afterAll or ` +
        `finally, and the outdir of cdktf's Testing.app() after synth.`,
    );
  }
}

function unset(variable: string): void {
  Reflect.deleteProperty(process.env, variable);
}
