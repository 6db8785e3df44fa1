/**
 * Once per test run: give the run its own temp directory (test/helpers/temp-dir-guard.ts), build the CLI, then plan
 * every environment of each plan fixture with the real plan CLI. Plan-based tests read the resulting plan JSON;
 * none of them runs Terraform again. Sandboxes under .cache/terraform keep their initialised `.terraform` between
 * runs.
 *
 * The product's fixtures must plan, or the run stops. The user's config/access.yaml is planned as the fixture
 * "user" for test/user-config; its failure is recorded there (that suite reports it), never fatal to the product's
 * tests. When its config is the example's, the example's plans are copied instead of planning the same config
 * twice.
 *
 * JEST_REUSE_PLANS=1 keeps the plans of an earlier run whose config text is unchanged (a developer re-running a
 * few test files); CI never sets it. CODEPIPELINE_ACCESS_USER_SUITE=1 plans the user's config only, for a run of
 * test/user-config alone (test/user-config/team-edit.test.ts runs it in an edited copy).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigSource } from '../src/config/source';
import { PROJECT_ROOT } from './helpers/cli';
import {
  configDigest,
  PLAN_FIXTURES,
  USER_FIXTURE,
  fixtureDir,
  fixtureOutdir,
  fixturePlansDir,
  planRunFile,
  readPlanRun,
  type PlanFixture,
  type PlanRun,
} from './helpers/plans';
import { finishTempDirGuard, startTempDirGuard } from './helpers/temp-dir-guard';

export default function globalSetup(): void {
  startTempDirGuard();
  try {
    const tsc = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    });
    if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.json failed (exit ${tsc.status})`);
    const userOnly = process.env.CODEPIPELINE_ACCESS_USER_SUITE === '1';
    for (const fixture of userOnly ? [] : PLAN_FIXTURES) {
      const run = planFixture(fixture, fixture.generatedText?.() ?? readFileSync(fixture.configFile, 'utf8'));
      if (run.exitCode !== 0)
        throw new Error(`planning the fixture "${fixture.name}" failed (exit ${run.exitCode}):\n${run.stderr}`);
    }
    planUserFixture(!userOnly);
  } catch (error) {
    finishTempDirGuard();
    throw error;
  }
}

/** `examplePlanned`: the example's plans are there to copy when the user's config is the example's. */
function planUserFixture(examplePlanned: boolean): void {
  const example = PLAN_FIXTURES[0];
  const userText = existsSync(USER_FIXTURE.configFile) ? readFileSync(USER_FIXTURE.configFile, 'utf8') : '';
  if (examplePlanned && sameConfigData(userText, readFileSync(example.configFile, 'utf8'))) {
    const dir = fixtureDir(USER_FIXTURE.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(fixturePlansDir(example.name), fixturePlansDir(USER_FIXTURE.name), { recursive: true });
    cpSync(join(fixtureDir(example.name), 'plan.log'), join(dir, 'plan.log'));
    const exampleRun = readPlanRun(example.name) as PlanRun;
    writeRun(USER_FIXTURE.name, { ...exampleRun, configDigest: configDigest(userText), reusedFrom: example.name });
    process.stdout.write(`\nfixture "${USER_FIXTURE.name}": the config is the example's, its plans are reused\n`);
    return;
  }
  // Recorded, not thrown: test/user-config reports a config that does not plan, with the CLI's own words.
  planFixture(USER_FIXTURE, userText);
}

/** Plans `text` as the fixture's config with the real plan CLI, unless JEST_REUSE_PLANS=1 and it was planned. */
function planFixture(fixture: PlanFixture, text: string): PlanRun {
  const dir = fixtureDir(fixture.name);
  const previous = readPlanRun(fixture.name);
  if (
    process.env.JEST_REUSE_PLANS === '1' &&
    previous !== undefined &&
    previous.reusedFrom === undefined &&
    previous.configDigest === configDigest(text)
  )
    return previous;
  rmSync(fixturePlansDir(fixture.name), { recursive: true, force: true });
  rmSync(planRunFile(fixture.name), { force: true });
  mkdirSync(dir, { recursive: true });
  if (fixture.generatedText) writeFileSync(fixture.configFile, text);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'), '--out', fixturePlansDir(fixture.name)],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ACCESS_CONFIG: fixture.configFile, CDKTF_OUTDIR: fixtureOutdir(fixture.name) },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.error) throw result.error;
  writeFileSync(join(dir, 'plan.log'), result.stdout);
  const run: PlanRun = { configDigest: configDigest(text), exitCode: result.status ?? 1, stderr: result.stderr };
  writeRun(fixture.name, run);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\nplanned fixture "${fixture.name}" in ${seconds} s${run.exitCode === 0 ? '' : ` (exit ${run.exitCode})`}\n`,
  );
  return run;
}

function writeRun(fixture: string, run: PlanRun): void {
  writeFileSync(planRunFile(fixture), `${JSON.stringify(run, null, 2)}\n`);
}

/**
 * The same config data, as the product reads it: the same plans. Comments and layout do not count (the example
 * fixture carries a header of its own); a text that does not parse is never the same.
 */
function sameConfigData(a: string, b: string): boolean {
  try {
    return JSON.stringify(parseConfigSource('a', a).data) === JSON.stringify(parseConfigSource('b', b).data);
  } catch {
    return false;
  }
}
