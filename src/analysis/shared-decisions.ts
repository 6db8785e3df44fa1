/**
 * Equal requests are simulated once. Most cells of the access matrix differ only in statements that cannot
 * apply to them: a viewer team and an operator team both allow GetPipeline on the same pipeline, a thousand
 * people trust the same role. The key of a request is what can bear on its decision:
 *
 * - the identity statements that could apply (action and resource patterns both match), each reduced to its
 *   effect, the patterns that match, and its NotAction, NotResource and Condition. A pattern that cannot match
 *   does not change whether its statement applies, a statement that cannot apply does not change the decision,
 *   and IAM's decision depends neither on statement order nor on which policy holds a statement;
 * - the action, the resource, its account and its resource policy (a role's trust policy, a bucket policy), and
 *   the request context the caller gives;
 * - the principal's account (same- vs cross-account), or its whole ARN when something may depend on who asks:
 *   a condition or a policy variable in an applicable statement, or a resource policy that names principals or
 *   has conditions on keys outside the given context.
 *
 * Matching is an upper bound (NotAction/NotResource and policy variables always count as matching), so the key
 * never leaves out a statement that applies. Only decisions are shared, not deciding statements.
 */
import { actionMatches, resourceMatches } from '../iam/action-patterns';
import type { AccessAnalysis, AccessRequest } from './access-analysis';
import { asList, statementsOf, type PlannedPolicy, type PolicyJson } from './plan-principals';
import type { DecisionCache } from './decision-cache';
import type { Decision } from './simulator';

export interface DecisionStatistics {
  simulations: number;
  /** Requests answered by the simulation of an equal request. */
  sharedCells: number;
  /** Requests answered from the decisions of earlier runs (DecisionCache). */
  cachedDecisions: number;
}

interface PreparedStatement {
  readonly effect: string;
  /** Action and Resource patterns; undefined for NotAction / NotResource (or no Resource): those always count. */
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
  /** NotAction, NotResource, Condition, as JSON. */
  readonly rest: string;
  /** A condition or a policy variable: the decision may depend on who asks. */
  readonly personal: boolean;
}

const preparedPolicies = new WeakMap<PlannedPolicy, readonly PreparedStatement[]>();

function prepared(policy: PlannedPolicy): readonly PreparedStatement[] {
  let statements = preparedPolicies.get(policy);
  if (!statements) {
    statements = statementsOf(policy.document).map((s) => ({
      effect: s.Effect,
      actions: s.NotAction === undefined ? asList(s.Action) : undefined,
      resources: s.NotResource === undefined && s.Resource !== undefined ? asList(s.Resource) : undefined,
      rest: JSON.stringify([s.NotAction, s.NotResource, s.Condition]),
      personal: s.Condition !== undefined || JSON.stringify(s).includes('${'),
    }));
    preparedPolicies.set(policy, statements);
  }
  return statements;
}

/**
 * True when a statement with a condition or a policy variable could apply to one of `actions`: then the answers
 * may differ between principals whose policies are the same text.
 */
export function mayDependOnPrincipal(policies: readonly PlannedPolicy[], actions: readonly string[]): boolean {
  return policies.some((policy) =>
    prepared(policy).some(
      (s) =>
        s.personal &&
        (s.actions === undefined || s.actions.some((pattern) => actions.some((a) => actionMatches(pattern, a)))),
    ),
  );
}

/** The identity statements that could apply to a request, reduced; none: the request is implicitly denied by them. */
export interface ApplicableStatements {
  readonly reduced: readonly string[];
  readonly personal: boolean;
}

export function applicableStatements(
  policies: readonly PlannedPolicy[],
  action: string,
  resource: string,
): ApplicableStatements {
  const reduced = new Set<string>();
  let personal = false;
  for (const policy of policies)
    for (const s of prepared(policy)) {
      const actions = s.actions?.filter((pattern) => actionMatches(pattern, action));
      if (actions?.length === 0) continue;
      const resources = s.resources?.filter((pattern) => resourceMatches(pattern, resource));
      if (resources?.length === 0) continue;
      reduced.add(JSON.stringify([s.effect, actions, resources, s.rest]));
      personal ||= s.personal;
    }
  return { reduced: [...reduced].sort(), personal };
}

const policyTexts = new WeakMap<PolicyJson, string>();

function policyText(policy: PolicyJson): string {
  let text = policyTexts.get(policy);
  if (text === undefined) policyTexts.set(policy, (text = JSON.stringify(policy)));
  return text;
}

const ACCOUNT_LEVEL = /^(\*|\d{12}|arn:[\w-]+:iam::\d{12}:root)$/;

/** True when a resource policy decides the same for every principal of an account, given the request context. */
function sameForEveryone(policy: PolicyJson, contextKeys: ReadonlySet<string>): boolean {
  if (policyText(policy).includes('${')) return false;
  return statementsOf(policy).every((s) => {
    const principal = s.Principal as string | Record<string, string | string[]> | undefined;
    const principals = typeof principal === 'string' ? [principal] : Object.values(principal ?? {}).flatMap(asList);
    const conditionKeys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
    return (
      !('NotPrincipal' in s) &&
      principals.every((p) => ACCOUNT_LEVEL.test(p)) &&
      conditionKeys.every((k) => contextKeys.has(k.toLowerCase()))
    );
  });
}

/** Context every request carries (AccessAnalysis.evaluate), apart from aws:username, which names the principal. */
const CONSTANT_CONTEXT = ['aws:securetransport'];

/**
 * The decisions of one analysis, shared between equal requests and, given a cache, with earlier runs; with
 * `share` off, every request is simulated.
 */
export class SharedDecisions {
  private readonly decisions = new Map<string, Decision>();
  /** Permission set -> whether the simulator accepts its policies (it refuses every request otherwise). */
  private readonly acceptedSets = new Map<string, boolean>();

  constructor(
    private readonly analysis: AccessAnalysis,
    private readonly stats: DecisionStatistics,
    private readonly share: boolean,
    private readonly cache?: DecisionCache,
  ) {}

  /**
   * `setKey` names the principal's permission set: the simulator validates every policy of a set before it looks
   * at the request, so a set it refuses must neither borrow nor lend answers. Its first simulation tells.
   * `resourceFitsAction`: the caller made the resource for the action (the access matrix), so once the set is
   * accepted the simulator's input checks have nothing to say and the unchecked path gives the same decision.
   */
  async decide(
    request: AccessRequest,
    policies: readonly PlannedPolicy[],
    applicable: ApplicableStatements,
    setKey: string,
    { resourceFitsAction = false }: { readonly resourceFitsAction?: boolean } = {},
  ): Promise<Decision> {
    if (!this.share) return this.simulate(request, policies);
    if (!this.acceptedSets.has(setKey) && this.cache?.isAccepted(setKey)) this.acceptedSets.set(setKey, true);
    const accepted = this.acceptedSets.get(setKey);
    if (accepted === false) return this.simulate(request, policies);
    const { key, resourcePolicy } = this.describe(request, applicable);
    const shared = accepted ? this.decisions.get(key) : undefined;
    if (shared) {
      this.stats.sharedCells++;
      return shared;
    }
    const cached = accepted ? this.cache?.get(key) : undefined;
    if (cached) {
      this.stats.cachedDecisions++;
      this.decisions.set(key, cached);
      return cached;
    }
    this.stats.simulations++;
    let result: Decision;
    // The unchecked path cannot take a resource policy (a trust or bucket policy): those requests stay checked.
    if (accepted && resourceFitsAction && !resourcePolicy) {
      result = this.analysis.decideUnchecked(request, policies);
    } else {
      const outcome = await this.analysis.evaluate(request, policies);
      result = outcome.decision;
      if (accepted === undefined) {
        this.acceptedSets.set(setKey, outcome.error === undefined);
        if (outcome.error === undefined) this.cache?.accept(setKey);
      }
    }
    if (this.acceptedSets.get(setKey)) {
      this.decisions.set(key, result);
      this.cache?.set(key, result);
    }
    return result;
  }

  private async simulate(request: AccessRequest, policies: readonly PlannedPolicy[]): Promise<Decision> {
    this.stats.simulations++;
    return (await this.analysis.evaluate(request, policies)).decision;
  }

  private describe(
    request: AccessRequest,
    applicable: ApplicableStatements,
  ): { key: string; resourcePolicy?: PolicyJson } {
    const context = Object.entries(request.context ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const account = request.principal.split(':')[4] ?? '';
    const resource = this.analysis.resourceContext(request.action, request.resource, account);
    const resourcePolicy = resource.policy;
    const contextKeys = new Set([...CONSTANT_CONTEXT, ...context.map(([k]) => k.toLowerCase())]);
    const personal =
      applicable.personal || (resourcePolicy !== undefined && !sameForEveryone(resourcePolicy, contextKeys));
    // The resource policy itself, not only the resource's ARN: kept between runs, a role's ARN outlives its trust.
    const key = JSON.stringify([
      personal ? request.principal : account,
      request.action,
      request.resource,
      resource.account,
      resourcePolicy === undefined ? null : policyText(resourcePolicy),
      context,
      applicable.reduced,
    ]);
    return { key, resourcePolicy };
  }
}
