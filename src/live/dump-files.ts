/**
 * The files of an account dump (`--from`): one file, or every `*.json` file of a directory, each holding one or more
 * JSON documents one after the other (the pages of a paginated `aws ... --max-items` run, concatenated with `cat`).
 * Every document is returned with where it is, so that a problem in it can be named: `dump/iam.json (document 2 of 3)`.
 * A file that is not JSON is one problem with its line and column; all problems come back together.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { displayPath } from '../synth/paths';

export interface DumpDocument {
  /** The file, as messages name it (relative to the working directory). */
  readonly file: string;
  /** The file's name alone (a bucket policy's file name says which bucket it is). */
  readonly name: string;
  /** Its position in the file, from 0, and how many documents the file holds. */
  readonly index: number;
  readonly count: number;
  readonly value: unknown;
}

/** Where a document is, as problems name it. */
export function documentLabel(document: Pick<DumpDocument, 'file' | 'index' | 'count'>): string {
  return document.count === 1
    ? document.file
    : `${document.file} (document ${document.index + 1} of ${document.count})`;
}

/** A dump that cannot be used: every problem, each naming its file and what is wrong or missing. */
export class DumpError extends Error {
  constructor(
    readonly from: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${displayPath(from)}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the account dump; nothing was compared:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'DumpError';
  }
}

/** `line:column` (from 1) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/**
 * The top-level JSON values of `text`, in order, or the problem with it. Values are found by their brackets (strings
 * and escapes skipped), then each is parsed on its own, so a broken one is named by where it starts.
 */
export function splitJsonDocuments(text: string, file: string): { values: unknown[]; problem?: string } {
  const values: unknown[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  if (i === text.length) return { values, problem: `${file}: empty; expected the JSON output of an aws command` };
  while (i < text.length) {
    const start = i;
    if (text[i] !== '{' && text[i] !== '[')
      return {
        values,
        problem: `${file}:${lineColumn(text, i)}: not JSON: expected "{" (the output of an aws command with --output json), got ${JSON.stringify(text.slice(i, i + 20))}`,
      };
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0)
      return {
        values,
        problem: `${file}:${lineColumn(text, start)}: the JSON document that starts here is not complete (the file is cut short)`,
      };
    i++;
    try {
      values.push(JSON.parse(text.slice(start, i)));
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      const at = position ? start + Number(position[1]) : start;
      return { values, problem: `${file}:${lineColumn(text, at)}: not JSON: ${(error as Error).message}` };
    }
    skipSpace();
  }
  return { values };
}

/**
 * Every JSON document of `from`: a file, or each `*.json` file of a directory (not its subdirectories), in name
 * order. Problems (unreadable, empty, not JSON) are returned, never thrown.
 */
export function readDumpDocuments(from: string): { documents: DumpDocument[]; problems: string[] } {
  const stat = statSync(from, { throwIfNoEntry: false });
  if (!stat) return { documents: [], problems: [`${displayPath(from)}: does not exist`] };
  const files = stat.isDirectory()
    ? readdirSync(from)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => ({ path: join(from, name), name }))
    : [{ path: from, name: from.split(/[\\/]/).pop() ?? from }];
  if (files.length === 0)
    return {
      documents: [],
      problems: [`${displayPath(from)}: no .json files in it; the README lists the aws commands that make them`],
    };
  const documents: DumpDocument[] = [];
  const problems: string[] = [];
  for (const { path, name } of files) {
    const file = displayPath(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot be read (${(error as Error).message})`);
      continue;
    }
    const { values, problem } = splitJsonDocuments(text, file);
    if (problem) problems.push(problem);
    else values.forEach((value, index) => documents.push({ file, name, index, count: values.length, value }));
  }
  return { documents, problems };
}
