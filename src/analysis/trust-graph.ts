/**
 * A picture of the cross-account trust a change adds or removes, for the review (GitHub renders Mermaid in
 * comments). Only changed `sts:AssumeRole` edges and their endpoints are drawn, and the principals of one account
 * that gain or lose the same role together are one node with a count (200 hub users are one node, not 200), so the
 * graph stays small; past MAX_EDGES the rest is counted, not drawn.
 */

/** One principal gaining (+) or losing (-) `sts:AssumeRole` on a role of an environment. */
export interface TrustChange {
  readonly change: '+' | '-';
  /** The principal's ARN (a user, a role, or an account root). */
  readonly principal: string;
  /** `role/<name>`. */
  readonly role: string;
  readonly environment: string;
  readonly accountId: string;
}

export const MAX_EDGES = 40;

/** Mermaid label text in double quotes: quotes, angle brackets and backticks would end or break it. */
export function mermaidLabel(text: string): string {
  const escaped = text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
  return `"${escaped}"`;
}

/** The lines of a ```mermaid block (with its fences), or none when no trust changes. */
export function trustGraph(changes: readonly TrustChange[]): string[] {
  if (changes.length === 0) return [];
  // Edge = (principal group, role, change); a group is one principal, or every principal of an account.
  const account = (arn: string) => arn.split(':')[4] ?? arn;
  const edges = new Map<string, { change: '+' | '-'; from: string; to: string; principals: Set<string> }>();
  for (const c of changes) {
    const to = `${c.environment} (${c.accountId}): ${c.role}`;
    const key = `${c.change}\u0000${account(c.principal)}\u0000${to}`;
    const edge = edges.get(key) ?? { change: c.change, from: account(c.principal), to, principals: new Set() };
    edge.principals.add(c.principal);
    edges.set(key, edge);
  }
  const sorted = [...edges.values()].sort((a, b) =>
    `${a.to}\u0000${a.from}\u0000${a.change}` < `${b.to}\u0000${b.from}\u0000${b.change}` ? -1 : 1,
  );
  const shown = sorted.slice(0, MAX_EDGES);
  const ids = new Map<string, string>();
  const node = (label: string, prefix: string) => {
    const key = `${prefix}\u0000${label}`;
    if (!ids.has(key)) ids.set(key, `${prefix}${ids.size}`);
    return ids.get(key) as string;
  };
  const lines = ['```mermaid', 'flowchart LR'];
  const declared = new Set<string>();
  const declare = (id: string, label: string, shape: 'box' | 'round') => {
    if (declared.has(id)) return;
    declared.add(id);
    lines.push(shape === 'box' ? `  ${id}[${mermaidLabel(label)}]` : `  ${id}(${mermaidLabel(label)})`);
  };
  for (const edge of shown) {
    const principals = [...edge.principals].sort();
    const fromLabel =
      principals.length === 1
        ? (principals[0].split(':').pop() ?? principals[0]) + ` (${edge.from})`
        : `${principals.length} principals of ${edge.from}`;
    const from = node(`${edge.change}${fromLabel}`, 'p');
    const to = node(edge.to, 'r');
    declare(from, fromLabel, 'round');
    declare(to, edge.to, 'box');
    lines.push(
      edge.change === '+'
        ? `  ${from} -->|${mermaidLabel('gains')}| ${to}`
        : `  ${from} -.->|${mermaidLabel('loses')}| ${to}`,
    );
  }
  lines.push('```');
  if (sorted.length > shown.length)
    lines.push(
      '',
      `${sorted.length - shown.length} more changed trust edges are not drawn; they are in the review files.`,
    );
  return lines;
}
