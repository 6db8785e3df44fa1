/**
 * Once per test run: build the CLI, then plan every environment of each plan fixture with the real plan CLI.
 * Plan-based tests read the resulting plan JSON; none of them runs Terraform again. Sandboxes under
 * .cache/terraform keep their initialised `.terraform` between runs. JEST_REUSE_PLANS=1 keeps the fixture plans of an
 * earlier run (a developer re-running a few test files); CI never sets it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './helpers/cli';
import { PLAN_FIXTURES, fixtureDir, fixtureOutdir, fixturePlansDir } from './helpers/plans';

export default function globalSetup(): void {
  execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  for (const fixture of PLAN_FIXTURES) {
    const dir = fixtureDir(fixture.name);
    if (process.env.JEST_REUSE_PLANS === '1' && existsSync(join(dir, 'plan.log'))) continue;
    rmSync(fixturePlansDir(fixture.name), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    if (fixture.generatedText) writeFileSync(fixture.configFile, fixture.generatedText());
    const started = Date.now();
    const log = execFileSync(
      process.execPath,
      [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'), '--out', fixturePlansDir(fixture.name)],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ACCESS_CONFIG: fixture.configFile, CDKTF_OUTDIR: fixtureOutdir(fixture.name) },
        encoding: 'utf8',
      },
    );
    writeFileSync(join(dir, 'plan.log'), log);
    process.stdout.write(`\nplanned fixture "${fixture.name}" in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
