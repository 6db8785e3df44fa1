/**
 * The README is the user's way in: every command in it must run as written on a fresh clone. Commands that can run
 * here, offline, are run; the others are checked against what they call (scripts, flags, stacks). A shell line the
 * test does not know how to check fails it, so a new command cannot slip in unchecked.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/cli';

const run = promisify(execFile);
const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const ciScript = readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');

/** The lines of every ```sh block, with the section each is in, comments dropped. */
const shellLines: { section: string; line: string }[] = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => {
  const section = [...readme.slice(0, m.index).matchAll(/^#+ (.+)$/gm)].pop()?.[1] ?? '';
  return m[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean)
    .map((line) => ({ section, line }));
});

/** Every `npm run <script> [-- args]` anywhere in the README, code blocks and inline code alike. */
const npmRuns = [...readme.matchAll(/npm run (?:--silent )?([\w:-]+)((?: -- [^`\n)"]*)?)/g)].map((m) => ({
  script: m[1],
  args: m[2].replace(/^ -- /, '').trim(),
}));

test('the quickstart gives the main job and the test command, and CI runs that test command', () => {
  const quickstart = readme.slice(readme.indexOf('## Quickstart'), readme.indexOf('## How it works'));
  expect(quickstart).toContain('npm ci && npm run plan');
  expect(quickstart).toContain('npm test');
  expect(ciScript).toContain('npm ci');
  expect(ciScript).toMatch(/^npm test$/m);
});

test('every `npm run <script>` the README mentions exists, and every flag it passes is one the CLI accepts', () => {
  expect(npmRuns.length).toBeGreaterThan(5);
  const helpOf = new Map<string, string>();
  for (const { script, args } of npmRuns) {
    expect([script, scripts[script] !== undefined]).toEqual([script, true]);
    const cli = /node (dist\/[\w/.-]+\.js)/.exec(scripts[script])?.[1];
    if (!cli || args === '') continue;
    if (!helpOf.has(cli))
      helpOf.set(cli, execFileSync(process.execPath, [join(PROJECT_ROOT, cli), '--help'], { encoding: 'utf8' }));
    for (const flag of args.match(/--[\w-]+/g) ?? [])
      expect([script, flag, helpOf.get(cli)?.includes(flag)]).toEqual([script, flag, true]);
  }
});

test('every shell line of the README is one this test checks', () => {
  const unchecked = shellLines.filter(({ line }) => !CHECKS.some((check) => check.matches.test(line)));
  expect(unchecked).toEqual([]);
});

interface Check {
  readonly matches: RegExp;
  readonly how: string;
}

/** What each kind of README shell line is checked by (the tests below). */
const CHECKS: readonly Check[] = [
  { matches: /^npm (ci|test)\b|^npm ci && npm run plan$/, how: 'CI runs them (.ci/run and the quickstart test)' },
  { matches: /^eval "\$\(npm run --silent terraformrc\)"$/, how: 'run below' },
  { matches: /^npx cdktf (diff|deploy) \w+/, how: 'stack and flags checked below' },
  { matches: /^cd cdktf\.out\/stacks\/\w+$|^terraform output /, how: 'run below against a local state' },
  { matches: /^terraform login\b/, how: 'needs a Terraform Cloud account: checked to be a terraform subcommand below' },
  { matches: /^npm run (drift|adopt) -- /, how: 'flags checked against --help by the npm run test above' },
  {
    matches: /^mkdir -p iam-dump$|^aws |^until aws /,
    how: 'the account dump: read-only calls into the files drift reads, below',
  },
];

test('eval "$(npm run --silent terraformrc)" points Terraform at the project CLI config', async () => {
  // The script is `npm run --silent build && node <cli>`; the build already ran (global setup), and building again
  // here would rewrite dist/ under the feet of tests running the CLIs. So the line runs with the script's own
  // command, build left out.
  const [build, cli] = scripts.terraformrc.split(' && ');
  expect(build).toBe('npm run --silent build');
  const line = shellLines.find(({ line }) => line.includes('terraformrc'))?.line ?? '';
  const { stdout } = await run(
    'bash',
    ['-c', `${line.replace('npm run --silent terraformrc', cli)} && echo "$TF_CLI_CONFIG_FILE"`],
    {
      cwd: PROJECT_ROOT,
    },
  );
  expect(stdout.trim()).toBe(join(PROJECT_ROOT, '.cache', 'terraform', 'terraform.rc'));
});

test('npx cdktf lines name a stack of the example and flags cdktf has', async () => {
  const cdktfLines = shellLines.filter(({ line }) => line.startsWith('npx cdktf '));
  expect(cdktfLines.length).toBeGreaterThan(0);
  const helpOf = new Map<string, string>();
  for (const { line } of cdktfLines) {
    const [, command, stack, flags] = /^npx cdktf (\w+) (\w+)(.*)$/.exec(line) ?? [];
    expect(['dev', 'staging', 'prod']).toContain(stack);
    if (!helpOf.has(command)) {
      const help = await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'), [command, '--help'], {
        cwd: PROJECT_ROOT,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      helpOf.set(command, help.stdout);
    }
    for (const flag of flags.match(/--[\w-]+/g) ?? [])
      expect([line, helpOf.get(command)?.includes(flag)]).toEqual([line, true]);
  }
}, 60_000);

test('terraform login is a command of the Terraform on the PATH', async () => {
  const { stdout } = await run('terraform', ['login', '-help']).catch((e: { stdout: string }) => e);
  expect(stdout).toContain('terraform [global options] login [hostname]');
});

describe('the hand-over commands, run as written against a deployed local state', () => {
  mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
  const workdir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'readme-'));
  const gnupg = join(workdir, 'gnupg');
  afterAll(async () => {
    // gpg started an agent for this key ring: stop it before its directory goes.
    await run('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } }).catch(() => undefined);
    rmSync(workdir, { recursive: true, force: true });
  });

  test("print the sign-in URL and decrypt one user's first password", async () => {
    const block = shellLines.filter(({ section }) => section === 'Add a user').map(({ line }) => line);
    expect(block[0]).toMatch(/^cd cdktf\.out\/stacks\/(\w+)$/);
    const stack = /stacks\/(\w+)$/.exec(block[0])?.[1] ?? '';
    const user = /jq -r '\.(\w+)'/.exec(block.join('\n'))?.[1] ?? '';
    expect(user).not.toBe('');

    // GIVEN the stack directory as synth leaves it and a state as a deploy leaves it, with a gpg key for the user
    const stackDir = join(workdir, 'cdktf.out', 'stacks', stack);
    mkdirSync(stackDir, { recursive: true });
    mkdirSync(join(workdir, 'state'));
    writeFileSync(
      join(stackDir, 'cdk.tf.json'),
      JSON.stringify({ terraform: { backend: { local: { path: `../../../state/${stack}.tfstate` } } } }),
    );
    mkdirSync(gnupg, { mode: 0o700 });
    const gpgEnv = { ...process.env, GNUPGHOME: gnupg };
    await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', `${user}@example.com`, 'rsa2048', 'encrypt'], {
      env: gpgEnv,
    });
    const encrypted = execFileSync('gpg', ['--batch', '--trust-model', 'always', '-e', '-r', `${user}@example.com`], {
      env: gpgEnv,
      input: 'encrypted-first-password',
    }).toString('base64');
    const output = (value: unknown) => ({ value, type: ['map', 'string'], sensitive: true });
    writeFileSync(
      join(workdir, 'state', `${stack}.tfstate`),
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        serial: 1,
        lineage: 'readme',
        outputs: {
          console_sign_in_url: { value: 'https://111222333444.signin.aws.amazon.com/console', type: 'string' },
          initial_passwords: output({ [user]: 'plain-first-password' }),
          encrypted_passwords: output({ [user]: encrypted }),
        },
        resources: [],
        check_results: null,
      }),
    );
    const tfEnv = { ...gpgEnv, TF_CLI_CONFIG_FILE: join(workdir, 'none.rc'), CHECKPOINT_DISABLE: '1' };
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv });

    // WHEN the README's lines run, one shell, from the project root
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block.join('\n')], { cwd: workdir, env: tfEnv });

    // THEN they print the URL, the plain password and the decrypted one
    expect(stdout.split('\n')).toEqual([
      '"https://111222333444.signin.aws.amazon.com/console"',
      'plain-first-password',
      'encrypted-first-password',
    ]);
  }, 60_000);
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
    '### The account dump',
    '### Find drift',
    '### Adopt what was made by hand',
    "## Your files and the project's",
    '## Performance',
  ]) {
    expect(readme).toContain(heading);
  }
});

test('only src/analysis/simulator.ts imports the AGPL simulator', () => {
  const importers = execFileSync(
    'git',
    ['grep', '-l', '@cloud-copilot/iam-simulate', '--', 'src', 'stacks', 'main.ts'],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  expect(importers).toEqual(['src/analysis/simulator.ts']);
});

test('the account dump commands are the read-only calls the README lists permissions for, into the files drift reads', () => {
  // GIVEN the dump section's shell lines
  const lines = shellLines.filter(({ section }) => section === 'The account dump').map(({ line }) => line);
  expect(lines[0]).toBe('mkdir -p iam-dump');
  const section = readme.slice(readme.indexOf('### The account dump'), readme.indexOf('### Find drift'));
  const calls = lines.slice(1).map((line) => /aws (iam|s3api) ([a-z-]+)/.exec(line)?.slice(1, 3) ?? []);
  // THEN each is one of the read-only calls, its IAM permission is in the section's table, and each file it writes
  // is JSON where the dump reader looks (a bucket policy named after its bucket)
  const PERMISSIONS: Record<string, string> = {
    'get-account-authorization-details': 'iam:GetAccountAuthorizationDetails',
    'get-bucket-policy': 's3:GetBucketPolicy',
    'get-account-password-policy': 'iam:GetAccountPasswordPolicy',
    'generate-credential-report': 'iam:GenerateCredentialReport',
    'get-credential-report': 'iam:GetCredentialReport',
  };
  expect(calls.map(([, verb]) => verb)).toEqual(Object.keys(PERMISSIONS));
  for (const permission of Object.values(PERMISSIONS)) expect(section).toContain(`\`${permission}\``);
  for (const line of lines.slice(1).filter((l) => l.startsWith('aws '))) {
    expect(line).toMatch(/ --output json > iam-dump\/[\w.-]+\.json$/);
    expect(line).not.toContain('--filter');
  }
  const bucket = lines.find((l) => l.includes('get-bucket-policy')) ?? '';
  const name = /--bucket (\S+)/.exec(bucket)?.[1];
  expect(bucket).toContain(`> iam-dump/${name}.bucket-policy.json`);
});
