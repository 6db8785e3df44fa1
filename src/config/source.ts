/**
 * Reading the config file: YAML (JSON is a subset). The data comes from js-yaml (YAML 1.2 core schema), several
 * times faster than `yaml` on a large config; problems are located with `yaml`, which keeps every node's source
 * range, so every problem is reported as `file:line:col path: message`. `yaml`'s document is built only when
 * there is something to report. A test holds both parsers to the same data on every config the tests use.
 */
import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load, YAMLException } from './js-yaml';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, formatPath, type ConfigPath, type ConfigProblem } from './problems';

export interface ConfigSource {
  readonly file: string;
  /** The parsed data, not yet validated. */
  readonly data: unknown;
  /** `file:line:col path: message; got <value>` for a problem. */
  describe(problem: ConfigProblem): string;
}

export function readConfigSource(file: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the config file: ${(error as Error).message}`]);
  }
  return parseConfigSource(file, text);
}

interface LocatedDocument {
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

function locate(text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  return { document: parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false }), lineCounter };
}

export function parseConfigSource(file: string, text: string): ConfigSource {
  let data: unknown;
  try {
    data = load(text, { filename: file, schema: CORE_SCHEMA });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    // `yaml` lists every error with its position; should it see none, js-yaml's own is the one reported.
    const { document, lineCounter } = locate(text);
    const at = (line: number, col: number) => `${file}:${line}:${col}: malformed YAML/JSON: `;
    throw new ConfigError(
      file,
      document.errors.length > 0
        ? document.errors.map((e) => {
            const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
            return `${at(pos.line, pos.col)}${e.message.split('\n')[0]}`;
          })
        : [`${at((error.mark?.line ?? 0) + 1, (error.mark?.column ?? 0) + 1)}${error.reason}`],
    );
  }
  let located: LocatedDocument | undefined;
  return {
    file,
    data,
    describe: (p) => {
      located ??= locate(text);
      const at = positionOf(located.document, located.lineCounter, p.path);
      const value = valueAt(data, p.path);
      const got = value === undefined ? '' : `; got ${JSON.stringify(value)}`;
      return `${file}:${at.line}:${at.col} ${formatPath(p.path)}: ${p.message}${shorten(got)}`;
    },
  };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The position of the deepest node on the path that exists (a missing key points at its parent). */
function positionOf(document: Document, lineCounter: LineCounter, path: ConfigPath): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

export function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
