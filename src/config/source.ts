/**
 * Reading the config file: YAML (JSON is a subset) parsed with positions, so every problem can be
 * reported as `file:line:col path: message`.
 */
import { readFileSync } from 'node:fs';
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

export function parseConfigSource(file: string, text: string): ConfigSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((e) => {
        const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return `${file}:${at.line}:${at.col}: malformed YAML/JSON: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const data: unknown = document.toJS();
  return {
    file,
    data,
    describe: (p) => {
      const at = positionOf(document, lineCounter, p.path);
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
