/**
 * Policy statements compared as sets: every statement of every policy document of an environment (identity
 * policies with who holds them, trusts, bucket policies) as a row in a canonical form, so that reordering
 * statements, actions, resources or condition values, renaming a policy or a Sid, or re-rendering the JSON
 * shows nothing, and a real change shows as a `+` and a `-` row.
 */
import {
  asList,
  statementsOf,
  type PlannedEnvironment,
  type PolicyJson,
  type PolicyStatementJson,
} from './plan-principals';

export interface StatementRow {
  readonly change: '+' | '-';
  readonly resource: string;
  readonly effect: string;
  readonly action: string;
  readonly principal: string;
  readonly condition: string;
}

export type StatementText = Omit<StatementRow, 'change'>;

/** JSON with sorted keys and sorted lists: the same value however it was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  return value;
}

const sortedLines = (items: readonly string[]) => [...items].sort().join('\n');

/** `{ AWS: "x" }` and `{ AWS: ["x"] }` name the same principal (IAM may give back either form). */
function principalLists(principal: unknown): unknown {
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return principal;
  return Object.fromEntries(
    Object.entries(principal as Record<string, string | string[]>).map(([kind, value]) => [kind, asList(value)]),
  );
}

/**
 * One statement in canonical form. `principal` says who it applies to (the holders of an identity policy; for
 * trusts and bucket policies, the statement's own `Principal`); `owner` stands in for a resource a statement
 * does not name (a trust applies to its role).
 */
export function statementText(s: PolicyStatementJson, owner: string, principal?: string): StatementText {
  return {
    resource: sortedLines([...asList(s.Resource), ...asList(s.NotResource).map((r) => `NOT ${r}`)]) || owner,
    effect: s.Effect,
    action: sortedLines([...asList(s.Action), ...asList(s.NotAction).map((a) => `NOT ${a}`)]),
    principal: principal ?? (s.Principal === undefined ? '' : JSON.stringify(canonical(principalLists(s.Principal)))),
    condition: s.Condition ? JSON.stringify(canonical(s.Condition)) : '',
  };
}

/** The statements of one document as a set of canonical texts (for documents compared alone, plan-diff.ts). */
export function statementSet(document: PolicyJson, owner: string): Set<string> {
  return new Set(statementsOf(document).map((s) => JSON.stringify(statementText(s, owner))));
}

/** Every statement of every policy document, with who it applies to, as comparable rows. */
function statementRows(env: PlannedEnvironment | undefined): Map<string, StatementText> {
  const rows = new Map<string, StatementText>();
  if (!env) return rows;
  const holders = new Map<string, string[]>();
  const hold = (address: string, holder: string) => holders.set(address, [...(holders.get(address) ?? []), holder]);
  for (const group of env.groups) for (const p of group.policies) hold(p.address, `group/${group.name}`);
  for (const role of env.roles) for (const p of role.policies) hold(p.address, `role/${role.name}`);
  for (const user of env.users) for (const p of user.directPolicies) hold(p.address, `user/${user.name}`);
  // Keyed by the row alone: the same statement in a renamed policy is the same statement for whom it applies to.
  const add = (row: StatementText) => rows.set(JSON.stringify(row), row);
  for (const policy of env.policies.values()) {
    const principal = sortedLines(holders.get(policy.address) ?? ['(not attached)']);
    for (const s of statementsOf(policy.document)) add(statementText(s, policy.name, principal));
  }
  for (const set of env.identityCenter?.permissionSets ?? [])
    for (const p of set.policies)
      for (const s of statementsOf(p.document)) add(statementText(s, p.name, `permission-set/${set.name}`));
  for (const role of env.roles) for (const s of statementsOf(role.trust)) add(statementText(s, role.arn));
  for (const bucket of env.bucketPolicies)
    for (const s of statementsOf(bucket.document)) add(statementText(s, bucket.bucket));
  return rows;
}

/** Statement changes compared as sets: reordering or re-rendering shows nothing. */
export function statementChanges(
  base: PlannedEnvironment | undefined,
  head: PlannedEnvironment | undefined,
): StatementRow[] {
  const before = statementRows(base);
  const after = statementRows(head);
  const rows: StatementRow[] = [];
  for (const [key, row] of after) if (!before.has(key)) rows.push({ change: '+', ...row });
  for (const [key, row] of before) if (!after.has(key)) rows.push({ change: '-', ...row });
  return rows.sort(
    (a, b) =>
      a.principal.localeCompare(b.principal) ||
      a.resource.localeCompare(b.resource) ||
      a.change.localeCompare(b.change),
  );
}
