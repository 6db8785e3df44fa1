/**
 * The guard that keeps the user's files out of the product's tests (test/helpers/user-file-guard.ts) is in effect
 * here, a product test: reading them, and starting a CLI that would read or write them, is refused.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, promises } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/cli';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { isUserFile } from '../helpers/user-file-guard';

const CONFIG = join(PROJECT_ROOT, 'config', 'access.yaml');

test("reading the user's config, cases or committed access files is refused, in every way fs offers", async () => {
  expect(() => readFileSync(CONFIG, 'utf8')).toThrow(/belong to test\/user-config/);
  expect(() => existsSync(join(PROJECT_ROOT, 'config', 'access-cases.json'))).toThrow(/belong to test\/user-config/);
  expect(() => readFileSync(join(PROJECT_ROOT, 'tfplans', 'prod.access.json'))).toThrow(/UserFile|belong/);
  await expect(promises.readFile(CONFIG, 'utf8')).rejects.toThrow(/belong to test\/user-config/);
  // The product's own fixtures stay readable, and so does the rest of tfplans/ and config/.
  expect(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')).toContain('MyFirstPipeline');
  expect(isUserFile(join(PROJECT_ROOT, 'tfplans', 'SUMMARY.md'))).toBe(false);
  expect(isUserFile(join(PROJECT_ROOT, 'config', 'examples', 'identity-center.yaml'))).toBe(false);
});

test('a CLI started in the project root without its own config, or plan without its own --out, is refused', () => {
  const env = { PATH: process.env.PATH ?? '' };
  const main = join(PROJECT_ROOT, 'dist', 'main.js');
  const plan = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js');
  expect(() => spawnSync(process.execPath, [main], { cwd: PROJECT_ROOT, env })).toThrow(/without ACCESS_CONFIG/);
  expect(() =>
    execFileSync(process.execPath, [plan], { cwd: PROJECT_ROOT, env: { ...env, ACCESS_CONFIG: EXAMPLE_CONFIG_FILE } }),
  ).toThrow(/without --out/);
  expect(() => spawnSync('npm', ['run', 'plan'], { cwd: PROJECT_ROOT, env })).toThrow(/without ACCESS_CONFIG/);
  // Elsewhere (an isolated project, a copy), config/ and tfplans/ are that project's own.
  const elsewhere = spawnSync(process.execPath, ['-e', 'process.exit(0)'], { cwd: PROJECT_ROOT, env });
  expect(elsewhere.status).toBe(0);
});

test('promisify(execFile) keeps its { stdout, stderr } and its guard', async () => {
  const env = { PATH: process.env.PATH ?? '' };
  const run = promisify(execFile);
  const { stdout, stderr } = await run(process.execPath, ['-e', 'console.log("out"); console.error("err")'], { env });
  expect([stdout, stderr]).toEqual(['out\n', 'err\n']);
  await expect(
    run(process.execPath, [join(PROJECT_ROOT, 'dist', 'main.js')], { cwd: PROJECT_ROOT, env }),
  ).rejects.toThrow(/without ACCESS_CONFIG/);
});
