/**
 * Reading the config file: YAML (JSON is a subset). The data comes from js-yaml (YAML 1.2 core schema), several
 * times faster than `yaml` on a large config; problems are located with `yaml`, which keeps every node's source
 * range, so every problem is reported as `file:line:col path: message`. `yaml`'s document is built only when
 * there is something to report. A test holds both parsers to the same data on every config the tests use.
 * Aliases are counted while js-yaml reads (expansion-limit.ts), so an alias bomb is refused before anything
 * expands it.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { ExpansionLimitError, expansionLimit } from './expansion-limit';
import { CORE_SCHEMA, load, YAMLException } from './js-yaml';
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

/** js-yaml's data, with the expanded size capped while it reads; throws ExpansionLimitError or YAMLException. */
export function loadYamlData(text: string, file?: string): unknown {
  return load(text, { filename: file, schema: CORE_SCHEMA, listener: expansionLimit() });
}

export function parseConfigSource(file: string, text: string): ConfigSource {
  let data: unknown;
  try {
    data = loadYamlData(text, file);
  } catch (error) {
    if (error instanceof ExpansionLimitError) {
      const { line, col } = linePos(text, error.offset);
      throw new ConfigError(file, [`${file}:${line}:${col}: ${error.message}`]);
    }
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
      const { document, lineCounter } = (located ??= locate(text));
      const where = (path: ConfigPath, atKey: boolean) => {
        const pos = positionOf(document, lineCounter, path, atKey);
        return `${file}:${pos.line}:${pos.col} ${formatPath(path)}`;
      };
      const message = p.related ? p.message.replace('{related}', where(p.related, false)) : p.message;
      const value = p.at === 'key' ? p.path[p.path.length - 1] : valueAt(data, p.path);
      const got = value === undefined ? '' : `; got ${JSON.stringify(value)}`;
      return `${where(p.path, p.at === 'key')}: ${message}${shorten(got)}`;
    },
  };
}

/** Line and column (1-based) of an offset, as `yaml` reports them. */
function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The position of the deepest node on the path that exists (a missing key points at its parent); with `atKey`,
 * the position of the last path element as a key of its mapping.
 */
function positionOf(
  document: Document,
  lineCounter: LineCounter,
  path: ConfigPath,
  atKey: boolean,
): { line: number; col: number } {
  if (atKey && path.length > 0) {
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    const key = String(path[path.length - 1]);
    const pair = isMap(parent)
      ? parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
      : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    if (range) return lineCounter.linePos(range[0]);
  }
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
