/**
 * The part of js-yaml 4 this project uses, typed here: the package ships no types, and an ambient declaration
 * would be missed by ts-node (which cdktf's default app uses).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as {
  /** YAML 1.2 core schema: null, bool, int, float, str; no timestamps, no merge keys. */
  readonly CORE_SCHEMA: object;
  /** Throws a YAMLException on malformed input, duplicate keys included. */
  load(text: string, options?: LoadOptions): unknown;
  readonly YAMLException: new () => YAMLException;
};

export interface LoadOptions {
  readonly filename?: string;
  readonly schema?: object;
  /**
   * js-yaml's loader hook: called with `open` before each node is read and `close` once it is built (an alias node
   * too: its result is the anchored value itself). Not in js-yaml's README, but in its loader since 3.x; the
   * version is pinned, and the alias-bomb cases of the invalid-config table hold it. @default - none
   */
  readonly listener?: (event: 'open' | 'close', state: LoaderState) => void;
}

/** The loader state fields the listener reads. */
export interface LoaderState {
  readonly input: string;
  /** Offset of the next character to read. */
  readonly position: number;
  /** At `close`: the node's value. */
  readonly result: unknown;
}

export interface YAMLException extends Error {
  readonly reason: string;
  /** Zero-based position of the error. */
  readonly mark?: { readonly line: number; readonly column: number };
}

export const { CORE_SCHEMA, load, YAMLException } = jsYaml;
