/** Config problems as data: every check returns a list, and the loader reports them all at once. */

export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  /** Where in the config, e.g. ['teams', 2, 'grants', 0, 'profile']. */
  readonly path: ConfigPath;
  /** What is wrong and what is allowed; `{related}` is replaced by the located `related` path. */
  readonly message: string;
  /**
   * `key`: the problem is the last path element itself (an unknown key, a bad tag key): it is located at the key,
   * and `got` shows the key. @default - located at the value, and `got` shows the value
   */
  readonly at?: 'key';
  /** A second place the message refers to (`{related}`), e.g. the first of two colliding names. @default - none */
  readonly related?: ConfigPath;
}

export function problem(
  path: ConfigPath,
  message: string,
  options: Pick<ConfigProblem, 'at' | 'related'> = {},
): ConfigProblem {
  return { path, message, ...options };
}

/** `teams[2].grants[0].profile` */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) =>
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_][\w-]*$/.test(part)
          ? i === 0
            ? part
            : `.${part}`
          : `[${JSON.stringify(part)}]`,
    )
    .join('');
}

/** A list of names as the "allowed" part of a message. */
export function oneOf(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? 'none are defined' : `one of ${list.map((n) => `"${n}"`).join(', ')}`;
}

/** Thrown by the loader when the config cannot be used; `message` lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the access config; nothing was synthesized:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Prints a usable config's warnings to stderr, one `warning: <located message>` line each. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) console.error(`warning: ${warning}`);
}
