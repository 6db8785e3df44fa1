/** The README is the user's way in: keep its promises checkable. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/cli';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as object);
const ciScript = readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');

test('the quickstart gives the main job and the test command, and CI runs that test command', () => {
  const quickstart = readme.slice(readme.indexOf('## Quickstart'), readme.indexOf('## How it works'));
  expect(quickstart).toContain('npm ci && npm run plan');
  expect(quickstart).toContain('npm test');
  expect(ciScript).toContain('npm ci');
  expect(ciScript).toMatch(/^npm test$/m);
});

test('every `npm run <script>` the README mentions exists', () => {
  const mentioned = [...readme.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
  expect(mentioned.length).toBeGreaterThan(5);
  for (const script of new Set(mentioned)) expect([script, scripts.includes(script)]).toEqual([script, true]);
});

test('the licence section names the AGPL simulator and the one module that uses it', () => {
  const licence = readme.slice(readme.indexOf('## Licence'));
  expect(licence).toMatch(/@cloud-copilot\/iam-simulate.*AGPL-3\.0-or-later/);
  expect(licence).toContain('src/analysis/simulator.ts');
});

test('the workflows a user needs are documented', () => {
  for (const heading of [
    '### Add a user',
    '### Review a pull request',
    '### Deploy an environment',
    '### Terraform Cloud',
    '## Performance',
  ]) {
    expect(readme).toContain(heading);
  }
});

test('only src/analysis/simulator.ts imports the AGPL simulator', () => {
  const { execFileSync } = jest.requireActual<typeof import('node:child_process')>('node:child_process');
  const importers = execFileSync(
    'git',
    ['grep', '-l', '@cloud-copilot/iam-simulate', '--', 'src', 'stacks', 'main.ts'],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  expect(importers).toEqual(['src/analysis/simulator.ts']);
});
