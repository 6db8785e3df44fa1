/**
 * Directory locks: who holds a lock is recorded and named to whoever waits; a second run waits, saying so once, up
 * to a bound and then refuses; a lock whose process died is taken over; a process may take its own lock again.
 * Other holders are real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockTimeoutError, withDirectoryLocks } from '../../src/synth/dir-lock';
import { PROJECT_ROOT, runSynthCli } from '../helpers/cli';
import { EXAMPLE_CONFIG_FILE } from '../helpers/fixture-files';
import { snapshotTree } from '../helpers/tree';

const workdir = mkdtempSync(join(tmpdir(), 'locks-'));
const holders: ChildProcess[] = [];
afterAll(() => {
  for (const holder of holders) holder.kill('SIGKILL');
  rmSync(workdir, { recursive: true, force: true });
});

/** Another process holding the lock of `dir` for `ms` (forever when undefined); resolves once it holds it. */
async function holdInAnotherProcess(dir: string, ms?: number): Promise<ChildProcess> {
  const script = `
    const { withDirectoryLocks } = require(${JSON.stringify(join(PROJECT_ROOT, 'dist', 'src', 'synth', 'dir-lock'))});
    withDirectoryLocks([${JSON.stringify(dir)}], { waitSeconds: 0, command: 'holder script' }, () =>
      new Promise((done) => { console.log('held'); ${ms === undefined ? 'setInterval(() => {}, 1000)' : `setTimeout(done, ${ms})`}; }));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited with ${code} before holding the lock`)));
  });
  return child;
}

function collectNotes(): { notes: string[]; note: (message: string) => void } {
  const notes: string[] = [];
  return { notes, note: (message) => notes.push(message) };
}

const STARTED = /started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

test('the lock file names the holder while the work runs, and is gone afterwards', async () => {
  const dir = join(workdir, 'recorded');
  const seen = await withDirectoryLocks([dir], { waitSeconds: 0, command: 'npm run plan' }, async () =>
    JSON.parse(readFileSync(`${dir}.lock`, 'utf8')),
  );
  expect(seen).toEqual({
    pid: process.pid,
    hostname: hostname(),
    command: 'npm run plan',
    started: expect.any(String),
  });
  expect(seen.started).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(existsSync(`${dir}.lock`)).toBe(false);
});

test('a process may take its own lock again (re-entrant); it is released with the outermost', async () => {
  const dir = join(workdir, 'reentrant');
  const options = { waitSeconds: 0, command: 'test' };
  await withDirectoryLocks([dir], options, async () => {
    await withDirectoryLocks([dir, join(workdir, 'other')], options, async () => undefined);
    expect(existsSync(`${dir}.lock`)).toBe(true);
    expect(existsSync(join(workdir, 'other.lock'))).toBe(false);
  });
  expect(existsSync(`${dir}.lock`)).toBe(false);
});

test('a second run waits for the holder, says once whom it waits for, then runs', async () => {
  const dir = join(workdir, 'waited');
  const holder = await holdInAnotherProcess(dir, 1500);
  const { notes, note } = collectNotes();
  const ran = await withDirectoryLocks([dir], { waitSeconds: 60, command: 'test', note }, async () => 'ran');
  expect(ran).toBe('ran');
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(new RegExp(`^waiting for ${escape(dir)} locked by pid ${holder.pid} \\(holder script, `));
  expect(notes[0]).toMatch(STARTED);
}, 60_000);

test('past the bound it refuses, naming the holder and the variable that sets the bound', async () => {
  const dir = join(workdir, 'refused');
  const holder = await holdInAnotherProcess(dir);
  const { notes, note } = collectNotes();
  const attempt = withDirectoryLocks([dir], { waitSeconds: 0.5, command: 'test', note }, async () => 'ran');
  await expect(attempt).rejects.toThrow(LockTimeoutError);
  await expect(attempt).rejects.toThrow(
    new RegExp(
      `^${escape(dir)} is still locked by pid ${holder.pid} \\(holder script, started .+\\) after waiting 0\\.5 s; let that run finish \\(or remove ${escape(dir)}\\.lock if it is not running\\), or wait longer with LOCK_WAIT_SECONDS$`,
    ),
  );
  expect(notes[0]).toContain(`waiting for ${dir} locked by pid ${holder.pid}`);
  holder.kill('SIGKILL');
}, 60_000);

test('the lock of a process that died (SIGKILL) is taken over, with a note', async () => {
  const dir = join(workdir, 'stale');
  const holder = await holdInAnotherProcess(dir);
  await new Promise((resolve) => {
    holder.on('exit', resolve);
    holder.kill('SIGKILL');
  });
  expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid).toBe(holder.pid);
  const { notes, note } = collectNotes();
  const ran = await withDirectoryLocks([dir], { waitSeconds: 0, command: 'test', note }, async () => 'ran');
  expect(ran).toBe('ran');
  expect(notes).toEqual([
    expect.stringMatching(
      new RegExp(
        `^note: took over the lock of ${escape(dir)} left by pid ${holder.pid} \\(holder script, started .+\\), which is no longer running$`,
      ),
    ),
  ]);
}, 60_000);

test('a lock held on another host cannot be checked: it is waited for, and named with its host', async () => {
  const dir = join(workdir, 'remote');
  writeFileSync(
    `${dir}.lock`,
    JSON.stringify({ pid: 1, hostname: 'build-agent-7', command: 'npm run plan', started: '2025-01-01T00:00:00.000Z' }),
  );
  await expect(
    withDirectoryLocks([dir], { waitSeconds: 0.3, command: 'test', note: () => undefined }, async () => 0),
  ).rejects.toThrow(
    `${dir} is still locked by pid 1 on build-agent-7 (npm run plan, started 2025-01-01T00:00:00.000Z)`,
  );
  rmSync(`${dir}.lock`);
});

test('npm run synth takes the cdktf.out lock: it waits, then refuses and leaves cdktf.out as it was', async () => {
  const project = join(workdir, 'synth-project');
  const outdir = join(project, 'cdktf.out');
  mkdirSync(join(outdir, 'stacks'), { recursive: true });
  writeFileSync(join(outdir, 'manifest.json'), '{"sentinel": true}');
  const holder = await holdInAnotherProcess(outdir);
  const before = snapshotTree(project);
  const result = await runSynthCli({
    ACCESS_CONFIG: EXAMPLE_CONFIG_FILE,
    CDKTF_OUTDIR: outdir,
    LOCK_WAIT_SECONDS: '1',
  });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toMatch(
    new RegExp(`waiting for ${escape(outdir)} locked by pid ${holder.pid} \\(holder script`),
  );
  expect(result.stderr).toContain(`${outdir} is still locked by pid ${holder.pid} (holder script, started `);
  expect(result.stderr).toContain('after waiting 1 s');
  holder.kill('SIGKILL');
  expect(snapshotTree(project)).toEqual(before);
}, 60_000);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
