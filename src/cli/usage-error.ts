/**
 * The command was called wrongly: an unknown or malformed flag, an unexpected argument, an invalid environment
 * variable. Exit status 2; the problems are printed, then the usage line. Found before anything is written.
 */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

/** A failure whose message is for the user as it is (exit status 1), e.g. a --base revision that is not there. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/** The value of a checked flag, or a UsageError with its problem. */
export function usable<T>(checked: T | { readonly problem: string }): T {
  if (typeof checked === 'object' && checked !== null && 'problem' in checked) throw new UsageError([checked.problem]);
  return checked as T;
}
