/**
 * The second step of a team delivered as a role (`delivery: iam-role`): whoever may assume the team's role can do
 * what the role can. Each such user's entry gets the role's cells, each in the contexts both steps take together
 * (assuming with MFA, then whatever the role's own statements ask), next to what the user may do directly, and its
 * `via` names the role (`role/<name> (MFA)`). So the access files, who gains / who loses and the intent check see a
 * member's access as the member has it, and a non-member's as the nothing it is.
 */
import { covers, type AllowedWhen, type ContextCondition, type PrincipalAccess } from './environment-access';
import { principalKey } from '../iam/arns';
import type { PlannedEnvironment } from './plan-principals';

/** Both conditions at once, or undefined when they contradict each other (a key with two values). */
function both(a: ContextCondition, b: ContextCondition): ContextCondition | undefined {
  for (const [key, value] of Object.entries(b)) if (key in a && a[key] !== value) return undefined;
  return sortedContext({ ...a, ...b });
}

const sortedContext = (c: ContextCondition): ContextCondition =>
  Object.fromEntries(Object.entries(c).sort(([x], [y]) => (x < y ? -1 : 1)));

/** Contexts in which one step and then the other are allowed. */
export function andWhen(first: AllowedWhen, second: AllowedWhen): ContextCondition[] {
  return first.flatMap((a) =>
    second.flatMap((b) => {
      const c = both(a, b);
      return c ? [c] : [];
    }),
  );
}

/** Any of the contexts, fewest and most general first: none covered by another, sorted as the matrix sorts them. */
export function orWhen(...lists: AllowedWhen[]): AllowedWhen {
  const all = new Map(lists.flat().map((c) => [JSON.stringify(sortedContext(c)), sortedContext(c)]));
  const minimal = [...all.values()].filter((c) => ![...all.values()].some((other) => other !== c && covers(other, c)));
  return minimal.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

const requiresMfa = (when: AllowedWhen) => when.every((c) => c['aws:MultiFactorAuthPresent'] === 'true');

/** The contexts of every cell of an entry: `allowed` in any context, `conditional` in its own. */
function cellsOf(entry: PrincipalAccess): Map<string, Map<string, AllowedWhen>> {
  const cells = new Map<string, Map<string, AllowedWhen>>();
  const at = (resource: string) => {
    let byAction = cells.get(resource);
    if (!byAction) cells.set(resource, (byAction = new Map()));
    return byAction;
  };
  for (const [resource, actions] of Object.entries(entry.allowed)) for (const a of actions) at(resource).set(a, [{}]);
  for (const [resource, byAction] of Object.entries(entry.conditional ?? {}))
    for (const [a, when] of Object.entries(byAction)) at(resource).set(a, when);
  return cells;
}

/** `cells` back in the entry's two fields, sorted as the matrix writes them. */
function withCells(
  entry: PrincipalAccess,
  cells: Map<string, Map<string, AllowedWhen>>,
  via: string[],
): PrincipalAccess {
  const allowed: Record<string, string[]> = {};
  const conditional: Record<string, Record<string, AllowedWhen>> = {};
  for (const resource of [...cells.keys()].sort())
    for (const [action, when] of [...(cells.get(resource) ?? new Map<string, AllowedWhen>())].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      if (when.length === 1 && Object.keys(when[0]).length === 0) (allowed[resource] ??= []).push(action);
      else if (when.length > 0) (conditional[resource] ??= {})[action] = when;
    }
  // The matrix's field order (access-matrix.ts principalAccess), so the files stay byte-stable.
  return {
    arn: entry.arn,
    via: [...new Set([...entry.via, ...via])].sort(),
    allowed,
    ...(Object.keys(conditional).length > 0 ? { conditional } : {}),
    ...(entry.deniedByGuardrail ? { deniedByGuardrail: entry.deniedByGuardrail } : {}),
    ...(entry.dependsOn ? { dependsOn: entry.dependsOn } : {}),
  };
}

/**
 * `principals` (keyed `user/<name>`, `role/<name>`) with the cells of the environment's team roles added to each
 * user who may assume one, in the contexts of both steps. Other principals are as they were.
 */
export function withTeamRoleCells(
  env: PlannedEnvironment,
  principals: Readonly<Record<string, PrincipalAccess>>,
  assumeRole: Readonly<Record<string, Readonly<Record<string, AllowedWhen>>>>,
): Record<string, PrincipalAccess> {
  const out: Record<string, PrincipalAccess> = { ...principals };
  for (const role of env.roles.filter((r) => r.teamRole !== undefined)) {
    const roleEntry = principals[principalKey(role.arn)]; // a live role may have a path
    if (!roleEntry) continue;
    const roleCells = cellsOf(roleEntry);
    for (const [principal, when] of Object.entries(assumeRole[role.name] ?? {})) {
      const key = principalKey(principal);
      const entry = out[key];
      if (!entry || !key.startsWith('user/') || when.length === 0) continue;
      const cells = cellsOf(entry);
      for (const [resource, byAction] of roleCells)
        for (const [action, roleWhen] of byAction) {
          const mine = cells.get(resource)?.get(action) ?? [];
          const merged = orWhen(mine, andWhen(when, roleWhen));
          if (!cells.has(resource)) cells.set(resource, new Map());
          cells.get(resource)?.set(action, merged);
        }
      out[key] = withCells(entry, cells, [`role/${role.name}${requiresMfa(when) ? ' (MFA)' : ''}`]);
    }
  }
  return out;
}
