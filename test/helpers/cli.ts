/** Runs the compiled CLIs (`node dist/main.js`, the plan CLI) the way users and CI do. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { cliEnvironment } from './cli-env';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runSynthCli(env: Record<string, string>): Promise<CliResult> {
  return runNode([join(PROJECT_ROOT, 'dist', 'main.js')], env);
}

/** The compiled `npm run plan` CLI. */
export function runPlanCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runNode([join(PROJECT_ROOT, 'dist', 'src', 'cli', 'plan.js'), ...args], env);
}

function runNode(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: PROJECT_ROOT, env: cliEnvironment(env), timeout: 120_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** Runs tasks with at most `limit` in flight (the machine has two cores). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
