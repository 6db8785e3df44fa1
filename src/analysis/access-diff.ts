/**
 * Who gains and who loses access between the base's and the head's EnvironmentAccess, over every kind of access
 * the analysis knows: principal cells (CodePipeline actions, `iam:PassRole`, self-service IAM actions, artifact
 * bucket objects), who may assume which role (external accounts included) and what the artifact bucket policies
 * let through.
 *
 * A grant is (principal, resource, action, context). A head grant is gained unless a base grant on the same
 * (principal, resource, action) has a context that covers it (the base was as or less restrictive); a base grant
 * is lost unless a head grant covers it. So a trust that drops its MFA condition gains `sts:AssumeRole` in any
 * context (nothing is lost: MFA still works), a trust that adds one loses the unconditional grant only, and a
 * refactor that leaves every cell as it was (reordered statements, renamed policies, a grant moved between two
 * teams with the same members) gains and loses nothing.
 */
import {
  covers,
  describeContext,
  type AllowedWhen,
  type ContextCondition,
  type EnvironmentAccess,
} from './environment-access';

export interface Grant {
  /** `user/<name>`, `role/<name>`, a principal ARN (who assumes a role), or a bucket policy probe. */
  readonly principal: string;
  /** A matrix resource key (`MyFirstPipeline`, an ARN), `role/<name>` (assumed) or `bucket/<name>` (probed). */
  readonly resource: string;
  readonly action: string;
  /** The request context the grant needs; `{}`: any. */
  readonly context: ContextCondition;
}

export interface AccessChange {
  readonly change: '+' | '-';
  readonly principal: string;
  readonly resource: string;
  readonly actions: readonly string[];
  readonly context: ContextCondition;
  /**
   * The contexts the other side allows the same actions in: for a gain, where the base allowed them already (a
   * condition dropped); for a loss, where the head still allows them (a condition added). Empty: not at all.
   */
  readonly otherSide: AllowedWhen;
}

type Parts = Pick<EnvironmentAccess, 'principals' | 'assumeRole' | 'artifactBuckets' | 'auditTrailBuckets'>;

/** Every grant of an environment's access; none without one. */
export function grantsOf(access: Parts | undefined): Grant[] {
  const grants: Grant[] = [];
  const add = (principal: string, resource: string, action: string, when: AllowedWhen) => {
    for (const context of when) grants.push({ principal, resource, action, context });
  };
  for (const [principal, entry] of Object.entries(access?.principals ?? {})) {
    for (const [resource, actions] of Object.entries(entry.allowed))
      for (const action of actions) add(principal, resource, action, [{}]);
    for (const [resource, byAction] of Object.entries(entry.conditional ?? {}))
      for (const [action, when] of Object.entries(byAction)) add(principal, resource, action, when);
  }
  for (const [role, byPrincipal] of Object.entries(access?.assumeRole ?? {}))
    for (const [principal, when] of Object.entries(byPrincipal)) add(principal, `role/${role}`, 'sts:AssumeRole', when);
  const buckets = { ...access?.artifactBuckets, ...access?.auditTrailBuckets };
  for (const [bucket, byProbe] of Object.entries(buckets))
    for (const [probe, byAction] of Object.entries(byProbe))
      for (const [action, when] of Object.entries(byAction)) add(probe, `bucket/${bucket}`, action, when);
  return grants;
}

/**
 * The principals, roles and buckets of `a` whose entries differ from `b`'s: only they can gain or lose anything.
 * Most of a large environment is the same on both sides; comparing entries whole skips it cheaply.
 */
function differentParts(a: EnvironmentAccess | undefined, b: EnvironmentAccess | undefined): Parts {
  const differing = <T>(
    ours: Readonly<Record<string, T>> = {},
    theirs: Readonly<Record<string, T>> = {},
    cells: (v: T) => unknown = (v) => v,
  ) =>
    Object.fromEntries(
      Object.entries(ours).filter(
        ([key, value]) => !(key in theirs) || JSON.stringify(cells(value)) !== JSON.stringify(cells(theirs[key])),
      ),
    );
  return {
    // `via` and `arn` are no access: a grant moved between teams with the same members changes `via` only.
    principals: differing(a?.principals, b?.principals, (p) => [p.allowed, p.conditional ?? {}]),
    assumeRole: differing(a?.assumeRole, b?.assumeRole),
    artifactBuckets: differing(a?.artifactBuckets, b?.artifactBuckets),
    auditTrailBuckets: differing(a?.auditTrailBuckets, b?.auditTrailBuckets),
  };
}

// Joined, not JSON: a report against nothing keys every grant of every principal (100,000 at 1,000 people).
const cellKey = (g: Grant) => `${g.principal}\u0000${g.resource}\u0000${g.action}`;

function byCell(grants: readonly Grant[]): Map<string, ContextCondition[]> {
  const cells = new Map<string, ContextCondition[]>();
  for (const g of grants) {
    const key = cellKey(g);
    const contexts = cells.get(key);
    if (contexts) contexts.push(g.context);
    else cells.set(key, [g.context]);
  }
  return cells;
}

/** The grants of `from` that no grant of `against` on the same cell covers. */
function uncovered(from: readonly Grant[], against: Map<string, ContextCondition[]>): Grant[] {
  return from.filter((g) => !(against.get(cellKey(g)) ?? []).some((other) => covers(other, g.context)));
}

/** The head grants the base did not have (in that context or a less restrictive one): what a gate refuses. */
export function gainedGrants(base: EnvironmentAccess | undefined, head: EnvironmentAccess | undefined): Grant[] {
  return sortGrants(uncovered(grantsOf(differentParts(head, base)), byCell(grantsOf(differentParts(base, head)))));
}

function sortGrants(grants: Grant[]): Grant[] {
  const key = (g: Grant) => [g.principal, g.resource, g.action, describeContext(g.context)];
  return grants.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}

/** Who gains and who loses what, one row per principal, resource, context (and what the other side allowed). */
export function accessChanges(
  base: EnvironmentAccess | undefined,
  head: EnvironmentAccess | undefined,
): AccessChange[] {
  const before = grantsOf(differentParts(base, head));
  const after = grantsOf(differentParts(head, base));
  const beforeCells = byCell(before);
  const afterCells = byCell(after);
  const rows = new Map<string, AccessChange & { actions: string[] }>();
  const record = (change: '+' | '-', g: Grant, otherSide: AllowedWhen) => {
    const key = [g.principal, g.resource, change, describeContext(g.context), ...otherSide.map(describeContext)].join(
      '\u0000',
    );
    const row = rows.get(key);
    if (row) row.actions.push(g.action);
    else
      rows.set(key, {
        change,
        principal: g.principal,
        resource: g.resource,
        actions: [g.action],
        context: g.context,
        otherSide,
      });
  };
  for (const g of uncovered(after, beforeCells)) record('+', g, beforeCells.get(cellKey(g)) ?? []);
  for (const g of uncovered(before, afterCells)) record('-', g, afterCells.get(cellKey(g)) ?? []);
  return [...rows.keys()].sort().map((key) => {
    const row = rows.get(key) as AccessChange & { actions: string[] };
    return { ...row, actions: [...row.actions].sort() };
  });
}

/** `any context`, or the context, with what the other side allowed: `any context (before: only with ...)`. */
export function describeChangeContext(row: AccessChange): string {
  const context = describeContext(row.context);
  if (row.otherSide.length === 0) return context;
  const other = row.otherSide.map(describeContext).join(', or ');
  return `${context} (${row.change === '+' ? 'before' : 'now'}: only with ${other})`;
}

/** A cell an environment's head grants and its base did not (--fail-on-new-access prints these). */
export interface NewCell extends Grant {
  readonly environment: string;
}

/** Every gained grant of every environment of the head; an environment the base lacks gains all of its grants. */
export function newCells(base: readonly EnvironmentAccess[], head: readonly EnvironmentAccess[]): NewCell[] {
  return head.flatMap((access) =>
    gainedGrants(
      base.find((b) => b.environment === access.environment),
      access,
    ).map((g) => ({ environment: access.environment, ...g })),
  );
}

/**
 * One line per cell: environment, principal, action, resource, context, e.g.
 * `[prod] user/jin UpdatePipeline on MyFirstPipeline in any context`, or `... with aws:MultiFactorAuthPresent=true`.
 */
export function describeNewCell(cell: NewCell): string {
  const context = Object.keys(cell.context).length === 0 ? 'in any context' : `with ${describeContext(cell.context)}`;
  return `[${cell.environment}] ${cell.principal} ${cell.action} on ${cell.resource} ${context}`;
}
