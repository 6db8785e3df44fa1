/**
 * One environment's plan against the base's, resource by resource: which addresses the change adds, which it
 * removes (a deploy deletes them), and which it changes, attribute by attribute. Both plans are made against empty
 * state, so Terraform's own counts say what a first deploy creates; this comparison says what the change does.
 *
 * Values known only after apply are equal when unknown on both sides. Policy documents are compared as statement
 * sets (statement-changes.ts): reordering statements or re-rendering the JSON changes nothing.
 */
import type { PlanView, ResourceChange } from '../plan/plan-json';
import type { PolicyJson } from './plan-principals';
import { statementSet } from './statement-changes';

export interface AttributeChange {
  /** A top-level attribute of the resource, e.g. `policy`, `groups`. */
  readonly attribute: string;
  /** For a policy document: how many statements the head has that the base does not, and the reverse. */
  readonly statements?: { readonly added: number; readonly removed: number };
}

export interface ChangedResource {
  readonly address: string;
  readonly attributes: readonly AttributeChange[];
}

export interface PlanDiff {
  /** Addresses only the head plans, sorted. */
  readonly added: readonly string[];
  /** Addresses only the base plans (deleted on deploy), sorted. */
  readonly removed: readonly string[];
  readonly changed: readonly ChangedResource[];
  /** Addresses both plan alike. */
  readonly unchanged: number;
}

/** Stands for a value Terraform knows only after apply. */
const UNKNOWN = { '(known after apply)': true };

/** The planned value with every unknown part replaced by UNKNOWN, so that two unknowns compare equal. */
function plannedValue(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? after : [];
    return Array.from({ length: Math.max(list.length, unknown.length) }, (_, i) => plannedValue(list[i], unknown[i]));
  }
  if (unknown !== null && typeof unknown === 'object') {
    const record = (after ?? {}) as Record<string, unknown>;
    const marks = unknown as Record<string, unknown>;
    return Object.fromEntries(
      [...new Set([...Object.keys(record), ...Object.keys(marks)])]
        .sort()
        .map((k) => [k, plannedValue(record[k], marks[k])]),
    );
  }
  return after;
}

function attributes(rc: ResourceChange): Record<string, unknown> {
  return plannedValue(rc.change.after ?? {}, rc.change.after_unknown ?? {}) as Record<string, unknown>;
}

/** JSON text with sorted object keys (list order is kept: it means something in most attributes). */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Attributes holding a policy document: `policy` of any `*_policy` resource, and a role's trust. */
function isPolicyDocument(type: string, attribute: string): boolean {
  return attribute === 'assume_role_policy' || (attribute === 'policy' && type.endsWith('_policy'));
}

function parsedDocument(value: unknown): PolicyJson | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const document = JSON.parse(value) as PolicyJson;
    return document !== null && typeof document === 'object' && 'Statement' in document ? document : undefined;
  } catch {
    return undefined;
  }
}

function attributeChange(
  rc: ResourceChange,
  attribute: string,
  base: unknown,
  head: unknown,
): AttributeChange | undefined {
  if (stableJson(base) === stableJson(head)) return undefined;
  const before = isPolicyDocument(rc.type, attribute) ? parsedDocument(base) : undefined;
  const after = isPolicyDocument(rc.type, attribute) ? parsedDocument(head) : undefined;
  if (!before || !after) return { attribute };
  const baseSet = statementSet(before, rc.address);
  const headSet = statementSet(after, rc.address);
  const added = [...headSet].filter((s) => !baseSet.has(s)).length;
  const removed = [...baseSet].filter((s) => !headSet.has(s)).length;
  return added + removed === 0 ? undefined : { attribute, statements: { added, removed } };
}

function changedAttributes(base: ResourceChange, head: ResourceChange): AttributeChange[] {
  const before = attributes(base);
  const after = attributes(head);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .flatMap((attribute) => attributeChange(head, attribute, before[attribute], after[attribute]) ?? []);
}

/** The managed resources of a plan by address (data sources are read, not deployed). */
function resourcesOf(plan: PlanView | undefined): Map<string, ResourceChange> {
  const addresses = (plan?.addresses() ?? []).filter((a) => !a.startsWith('data.') && !a.includes('.data.'));
  return new Map(addresses.map((a) => [a, (plan as PlanView).change(a)]));
}

/** What the head plan does that the base plan does not; without a base, every resource is added. */
export function planDiff(base: PlanView | undefined, head: PlanView | undefined): PlanDiff {
  const before = resourcesOf(base);
  const after = resourcesOf(head);
  const changed: ChangedResource[] = [];
  let unchanged = 0;
  for (const [address, rc] of after) {
    const old = before.get(address);
    if (!old) continue;
    const attributeChanges = changedAttributes(old, rc);
    if (attributeChanges.length > 0) changed.push({ address, attributes: attributeChanges });
    else unchanged++;
  }
  return {
    added: [...after.keys()].filter((a) => !before.has(a)),
    removed: [...before.keys()].filter((a) => !after.has(a)),
    changed,
    unchanged,
  };
}

export function isEmptyPlanDiff(diff: PlanDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The headline: `2 resources added, 1 removed, 1 changed (23 unchanged)`. */
export function describePlanDiff(diff: PlanDiff): string {
  return `${count(diff.added.length, 'resource')} added, ${diff.removed.length} removed, ${diff.changed.length} changed (${diff.unchanged} unchanged)`;
}

/** `policy (1 statement added, 2 removed)`, or just the attribute's name. */
export function describeAttributeChange(change: AttributeChange): string {
  if (!change.statements) return change.attribute;
  const { added, removed } = change.statements;
  return `${change.attribute} (${count(added, 'statement')} added, ${removed} removed)`;
}
