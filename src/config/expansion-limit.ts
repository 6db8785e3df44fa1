/**
 * YAML alias bombs ("billion laughs"): js-yaml builds an alias as a shared reference to its anchor's value, so a
 * few hundred bytes can stand for billions of nodes, and anything that walks the data (the schema, problem
 * locations, JSON) would run for hours. The expanded size is counted while js-yaml reads, node by node (an alias
 * adds the size of what it repeats, memoized per anchored value), and reading stops at the first node that takes
 * it past the cap, or at an alias inside its own anchor (a cycle): nothing ever walks the expansion. Legitimate
 * anchors and aliases are counted like the copies they stand for and keep working.
 */
import type { LoaderState } from './js-yaml';

/** Nodes the expanded config may have; a long string counts one per 64 characters. 5,000 users take ~90,000. */
export const MAX_EXPANDED_NODES = 1_000_000;

/** Why reading stopped, at the offset of the node that did it. */
export class ExpansionLimitError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExpansionLimitError';
  }
}

const SEPARATION = /(?:[ \t\r\n\uFEFF]|#[^\n]*)*/y;

function weight(value: unknown): number {
  return typeof value === 'string' ? 1 + Math.floor(value.length / 64) : 1;
}

/** A js-yaml `listener` that throws ExpansionLimitError once the expanded size passes `cap`. */
export function expansionLimit(cap = MAX_EXPANDED_NODES): (event: 'open' | 'close', state: LoaderState) => void {
  const sizes = new WeakMap<object, number>();
  const openedAt: number[] = [];
  let total = 0;
  const sizeOf = (value: unknown) =>
    value !== null && typeof value === 'object' ? (sizes.get(value) ?? 1) : weight(value);

  return (event, state) => {
    if (event === 'open') {
      openedAt.push(state.position);
      return;
    }
    // The node starts after the separation (spaces, comments) that follows the point where it was opened.
    SEPARATION.lastIndex = openedAt.pop() ?? 0;
    SEPARATION.exec(state.input);
    const start = SEPARATION.lastIndex;
    const isAlias = state.input[start] === '*';
    const value = state.result;
    if (value !== null && typeof value === 'object') {
      const known = sizes.get(value);
      if (isAlias && known === undefined) {
        throw new ExpansionLimitError(
          start,
          `alias "${aliasName(state.input, start)}" is inside the node it refers to (a recursive structure); the config must be a tree`,
        );
      }
      if (isAlias) {
        total += known ?? 0;
      } else {
        const children = Array.isArray(value)
          ? value.reduce((sum: number, item) => sum + sizeOf(item), 0)
          : Object.entries(value).reduce((sum, [key, item]) => sum + weight(key) + sizeOf(item), 0);
        sizes.set(value, 1 + children);
        total += 1;
      }
    } else {
      total += weight(value);
    }
    if (total > cap) {
      const what = isAlias ? `alias "${aliasName(state.input, start)}" takes` : 'this node takes';
      throw new ExpansionLimitError(
        start,
        `${what} the expanded config past ${cap.toLocaleString('en-US')} nodes (each alias repeats its anchor's whole content: a YAML "billion laughs"?); refused before expanding it: the config may expand to at most ${cap.toLocaleString('en-US')} nodes`,
      );
    }
  };
}

function aliasName(input: string, start: number): string {
  return /^\*[^\s,[\]{}]+/.exec(input.slice(start, start + 200))?.[0] ?? '*';
}
