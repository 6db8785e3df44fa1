/**
 * What must happen when the process exits before its work is done (Ctrl-C ends a CLI through process.exit), in an
 * order that does not depend on which module registered first: stop the Terraform processes, then roll back the
 * staged writes they worked in, then release the directory locks. A hook's failure is reported, never thrown:
 * the process is exiting. (SIGKILL runs nothing: see terraform-runner.ts and dir-lock.ts for what covers it.)
 */
const PHASES = ['stop processes', 'roll back', 'release locks'] as const;
export type ExitPhase = (typeof PHASES)[number];

const hooks = new Map<ExitPhase, (() => void)[]>(PHASES.map((phase) => [phase, []]));
let installed = false;

export function onExit(phase: ExitPhase, hook: () => void): void {
  hooks.get(phase)?.push(hook);
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const phase of PHASES) {
      for (const run of hooks.get(phase) ?? []) {
        try {
          run();
        } catch (error) {
          console.error(`while exiting (${phase}): ${(error as Error).message}`);
        }
      }
    }
  });
}
