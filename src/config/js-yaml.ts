/**
 * The part of js-yaml 4 this project uses, typed here: the package ships no types, and an ambient declaration
 * would be missed by ts-node (which cdktf's default app uses).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as {
  /** YAML 1.2 core schema: null, bool, int, float, str; no timestamps, no merge keys. */
  readonly CORE_SCHEMA: object;
  /** Throws a YAMLException on malformed input, duplicate keys included. */
  load(text: string, options?: { readonly filename?: string; readonly schema?: object }): unknown;
  readonly YAMLException: new () => YAMLException;
};

export interface YAMLException extends Error {
  readonly reason: string;
  /** Zero-based position of the error. */
  readonly mark?: { readonly line: number; readonly column: number };
}

export const { CORE_SCHEMA, load, YAMLException } = jsYaml;
