/** Checks of values given to the CLIs, shared by flags and environment variables: `<name>: <allowed>; got "<value>"`. */
import { statSync } from 'node:fs';

export interface SecondsRange {
  /** Whether 0 is allowed (and what it means, for the message). @default - 0 is not allowed */
  readonly zero?: string;
  readonly max: number;
  readonly defaultValue: number;
  /** The default as messages name it. @default - defaultValue */
  readonly defaultText?: string;
}

/** A plain decimal number of seconds (no sign, no exponent) within the range, or the problem with it. */
export function parseSeconds(name: string, raw: string, range: SecondsRange): number | { readonly problem: string } {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (Number.isFinite(value) && value <= range.max && (value > 0 || (value === 0 && range.zero !== undefined)))
    return value;
  const lower = range.zero !== undefined ? `from 0 (${range.zero})` : 'greater than 0 and';
  const upper = range.zero !== undefined ? `to ${range.max}` : `at most ${range.max}`;
  return {
    problem: `${name}: must be a number of seconds ${lower} ${upper} (default ${range.defaultText ?? range.defaultValue}); got ${JSON.stringify(raw)}`,
  };
}

/** A whole number from 1 up, or the problem with it. */
export function parsePositiveInteger(name: string, raw: string): number | { readonly problem: string } {
  return /^[1-9]\d*$/.test(raw) && Number(raw) <= Number.MAX_SAFE_INTEGER
    ? Number(raw)
    : { problem: `${name}: must be a whole number from 1 up; got ${JSON.stringify(raw)}` };
}

/** A directory the command replaces or writes into must be a directory, or not exist yet. */
export function directoryProblem(name: string, path: string, role: string): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat && !stat.isDirectory()
    ? `${name}: must be a directory (${role}) or a path that does not exist yet; got ${JSON.stringify(path)}, which is a file`
    : undefined;
}

/** A directory the command reads from must exist and be a directory. */
export function existingDirectoryProblem(name: string, path: string, role: string): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat?.isDirectory()
    ? undefined
    : `${name}: must be an existing directory (${role}); got ${JSON.stringify(path)}, which ${stat ? 'is a file' : 'does not exist'}`;
}
