/** The part of js-yaml 4 this project uses (the package ships no types and @types/js-yaml is not installed). */
declare module 'js-yaml' {
  export interface Schema {
    readonly __brand?: 'js-yaml schema';
  }
  /** YAML 1.2 core schema: null, bool, int, float, str; no timestamps, no merge keys. */
  export const CORE_SCHEMA: Schema;
  export interface LoadOptions {
    readonly filename?: string;
    readonly schema?: Schema;
  }
  /** Throws YAMLException on malformed input (duplicate keys included). */
  export function load(text: string, options?: LoadOptions): unknown;
  export class YAMLException extends Error {
    readonly reason: string;
    /** Zero-based position of the error. */
    readonly mark?: { readonly line: number; readonly column: number };
  }
}
