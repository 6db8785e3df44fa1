/**
 * Decisions: "when is this request allowed?", asked once per meaningful request context (context-variants.ts).
 * Everything that makes that cheap sits behind `Decisions.allowedWhen` and changes no answer:
 *
 * - Prefilter: no identity statement could apply and no resource policy could allow: denied in every context.
 * - Sharing: equal requests are simulated once. The key of a request is what can bear on its decision:
 *   the identity statements that could apply (action and resource patterns both match), each reduced to its
 *   effect, the patterns that match, and its NotAction, NotResource and Condition (a pattern that cannot match
 *   does not change whether its statement applies, a statement that cannot apply does not change the decision,
 *   and IAM's decision depends neither on statement order nor on which policy holds a statement); the action,
 *   the resource, its account and its resource policy (a role's trust policy, a bucket policy); the guardrails;
 *   the request context; and the principal's account (same- vs cross-account), or its whole ARN when something may
 *   depend on who asks: a condition or a policy variable in an applicable statement, or a resource policy that
 *   names principals or has conditions on keys outside the given context. Matching is an upper bound
 *   (NotAction/NotResource and policy variables always count as matching), so the key never leaves out a
 *   statement that applies.
 * - The decision cache (decision-cache.ts) answers requests of earlier runs by the same key.
 * - The unchecked path: once a permission set passed the simulator's input checks, requests whose resource fits
 *   the action by construction skip them (simulator.ts decideUnchecked).
 */
import { actionMatches, resourceMatches } from '../iam/action-patterns';
import type { AccessAnalysis, AccessRequest } from './access-analysis';
import {
  dimensionsOf,
  namesPrincipal,
  reduceAllowed,
  requestContext,
  restrictToSession,
  variantsOf,
} from './context-variants';
import type { DecisionCache } from './decision-cache';
import type { AllowedWhen } from './environment-access';
import {
  asList,
  principalsOf,
  statementsOf,
  type PlannedPolicy,
  type PolicyJson,
  type PolicyStatementJson,
} from './plan-principals';
import type { Decision } from './simulator';

export interface DecisionStatistics {
  simulations: number;
  /** Requests answered by the simulation of an equal request. */
  sharedCells: number;
  /** Requests answered from the decisions of earlier runs (DecisionCache). */
  cachedDecisions: number;
  /** Cells no statement could apply to: denied in every context without simulating. */
  skippedByPrefilter: number;
  /** Context variants asked beyond the first, for cells whose decision may depend on the request context. */
  contextVariants: number;
}

export function emptyDecisionStatistics(): DecisionStatistics {
  return { simulations: 0, sharedCells: 0, cachedDecisions: 0, skippedByPrefilter: 0, contextVariants: 0 };
}

/** One question: may `principal`, holding `policies`, do `action` on `resource`, and in which contexts? */
export interface CellRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly policies: readonly PlannedPolicy[];
  /**
   * Names the principal's permission set: the simulator validates every policy of a set before it looks at the
   * request, so a set it refuses must neither borrow nor lend answers. Its first simulation tells.
   */
  readonly setKey: string;
  /** The caller made the resource for the action (the access matrix): the unchecked path gives the same decision. */
  readonly resourceFitsAction?: boolean;
}

interface PreparedStatement {
  readonly statement: PolicyStatementJson;
  readonly effect: string;
  /** Action and Resource patterns; undefined for NotAction / NotResource (or no Resource): those always count. */
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
  /** NotAction, NotResource, Condition, as JSON. */
  readonly rest: string;
  /** A condition on who asks or a policy variable: the decision may depend on who asks. */
  readonly personal: boolean;
}

const preparedPolicies = new WeakMap<PolicyJson, readonly PreparedStatement[]>();

function prepared(document: PolicyJson): readonly PreparedStatement[] {
  let statements = preparedPolicies.get(document);
  if (!statements) {
    statements = statementsOf(document).map((s) => ({
      statement: s,
      effect: s.Effect,
      actions: s.NotAction === undefined ? asList(s.Action) : undefined,
      resources: s.NotResource === undefined && s.Resource !== undefined ? asList(s.Resource) : undefined,
      rest: JSON.stringify([s.NotAction, s.NotResource, s.Condition]),
      // Conditions on the request's context are asked as variants; only those on who asks set principals apart.
      personal:
        JSON.stringify(s).includes('${') ||
        Object.values(s.Condition ?? {}).some((block) => Object.keys(block ?? {}).some(namesPrincipal)),
    }));
    preparedPolicies.set(document, statements);
  }
  return statements;
}

/** The statements of `documents` whose action and resource patterns could match the request. */
function statementsThatMayApply(
  documents: readonly PolicyJson[],
  action: string,
  resource: string,
): { prepared: PreparedStatement; actions?: string[]; resources?: string[] }[] {
  const out: { prepared: PreparedStatement; actions?: string[]; resources?: string[] }[] = [];
  for (const document of documents)
    for (const s of prepared(document)) {
      const actions = s.actions?.filter((pattern) => actionMatches(pattern, action));
      if (actions?.length === 0) continue;
      const resources = s.resources?.filter((pattern) => resourceMatches(pattern, resource));
      if (resources?.length === 0) continue;
      out.push({ prepared: s, actions, resources });
    }
  return out;
}

/**
 * True when a statement with a condition or a policy variable could apply to one of `actions`: then the answers
 * may differ between principals whose policies are the same text. `${aws:username}` in a Resource does not count
 * when `selfRelative`: the caller asks each principal about its own user, which the variable names.
 */
export function mayDependOnPrincipal(
  policies: readonly PlannedPolicy[],
  actions: readonly string[],
  selfRelative = false,
): boolean {
  return policies.some((policy) =>
    prepared(policy.document).some((s) => {
      if (!s.personal) return false;
      if (s.actions !== undefined && !s.actions.some((pattern) => actions.some((a) => actionMatches(pattern, a))))
        return false;
      if (!selfRelative) return true;
      const {
        Condition: condition,
        NotResource: notResource,
        Sid: sid,
        Effect: effect,
        Action: action,
        NotAction: notAction,
      } = s.statement;
      return (
        JSON.stringify([notResource, sid, effect, action, notAction]).includes('${') ||
        JSON.stringify(condition ?? {}).includes('${') ||
        Object.values(condition ?? {}).some((block) => Object.keys(block ?? {}).some(namesPrincipal)) ||
        asList(s.resources as string[]).some(hasOtherVariable)
      );
    }),
  );
}

/**
 * A Resource pattern whose variables may make it differ between users other than by naming each one's own user:
 * `${aws:username}` is exempt only in an IAM user ARN (`...:iam::<account>:user/${aws:username}`), where every user
 * asked about their own user gets the same answer; anywhere else (`arn:...:${aws:username}-app`) it is not.
 */
const hasOtherVariable = (pattern: string) =>
  pattern.includes('${') && !/^arn:[\w-]+:iam::\d{12}:user\/\$\{aws:username\}$/i.test(pattern);

/** Whether any statement of `documents` may answer differently for different principals (guardrails). */
export function documentsDependOnPrincipal(documents: readonly PolicyJson[]): boolean {
  return documents.some((document) => prepared(document).some((s) => s.personal));
}

const ACCOUNT_LEVEL = /^(\*|\d{12}|arn:[\w-]+:iam::\d{12}:root)$/;

/** Whether an Allow statement of a resource policy could let `principal` (an ARN) through on its own. */
function mayAllow(statements: readonly { prepared: PreparedStatement }[], principal: string): boolean {
  const account = principal.split(':')[4] ?? '';
  return statements.some(({ prepared: s }) => {
    if (s.effect !== 'Allow') return false;
    if ('NotPrincipal' in s.statement) return true;
    return principalsOf(s.statement).some(
      (p) =>
        p === '*' || p === principal || p === account || p === `arn:${principal.split(':')[1]}:iam::${account}:root`,
    );
  });
}

/** True when a resource policy decides the same for every principal of an account, given the request context. */
function sameForEveryone(policy: PolicyJson, contextKeys: ReadonlySet<string>): boolean {
  if (policyText(policy).includes('${')) return false;
  return statementsOf(policy).every((s) => {
    const conditionKeys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
    return (
      !('NotPrincipal' in s) &&
      principalsOf(s).every((p) => ACCOUNT_LEVEL.test(p)) &&
      conditionKeys.every((k) => contextKeys.has(k.toLowerCase()))
    );
  });
}

const policyTexts = new WeakMap<PolicyJson, string>();

function policyText(policy: PolicyJson): string {
  let text = policyTexts.get(policy);
  if (text === undefined) policyTexts.set(policy, (text = JSON.stringify(policy)));
  return text;
}

/** The layers simulator.ts names that are guardrails, not the principal's own policies or the resource's. */
const GUARDRAIL = /^(scp:|rcp:|service control policies|permissions boundary)/;

/** What every variant of one cell shares, worked out once per cell: the decision key is made of it. */
interface CellFacts {
  /** The identity statements that could apply, reduced (see the module comment). */
  readonly reduced: readonly string[];
  /** Whether an applicable identity or guardrail statement may answer differently for who asks. */
  readonly personal: boolean;
  readonly resourceAccount: string;
  /** The trust or bucket policy over the resource. */
  readonly resourcePolicy?: PolicyJson;
  readonly guardrailTexts: readonly string[];
}

/** Everything that can bear on one variant's decision (the module comment says why each part is there). */
function keyOf(request: AccessRequest, facts: CellFacts): string {
  const context = Object.entries(request.context ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const account = request.principal.split(':')[4] ?? '';
  const contextKeys = new Set([...CONSTANT_CONTEXT, ...context.map(([k]) => k.toLowerCase())]);
  const { resourcePolicy } = facts;
  const personal = facts.personal || (resourcePolicy !== undefined && !sameForEveryone(resourcePolicy, contextKeys));
  // The resource policy itself, not only the resource's ARN: kept between runs, a role's ARN outlives its trust.
  return JSON.stringify([
    personal ? request.principal : account,
    request.action,
    request.resource,
    facts.resourceAccount,
    resourcePolicy === undefined ? null : policyText(resourcePolicy),
    facts.guardrailTexts,
    context,
    facts.reduced,
  ]);
}

/** Context every request carries (AccessAnalysis.evaluate), apart from aws:username, which names the principal. */
const CONSTANT_CONTEXT = ['aws:securetransport'];

/**
 * The decisions of one analysis, shared between equal requests and, given a cache, with earlier runs; with
 * `share` off, every request is simulated.
 */
export class Decisions {
  private readonly decisions = new Map<string, Decision>();
  /** Permission set -> whether the simulator accepts its policies (it refuses every request otherwise). */
  private readonly acceptedSets = new Map<string, boolean>();

  constructor(
    private readonly analysis: AccessAnalysis,
    private readonly stats: DecisionStatistics,
    private readonly share: boolean,
    private readonly cache?: DecisionCache,
  ) {}

  /** The contexts in which the request is allowed, over every variant its applicable conditions make meaningful. */
  async allowedWhen(cell: CellRequest): Promise<AllowedWhen> {
    return (await this.decideCell(cell)).when;
  }

  /**
   * allowedWhen, and for a request the principal's own policies would allow but a guardrail denies in some context,
   * which guardrail (`scp:<name>`, `rcp:<name>`, `service control policies`, `permissions boundary`).
   */
  async decideCell(cell: CellRequest): Promise<{ readonly when: AllowedWhen; readonly deniedBy?: string }> {
    const { action, resource } = cell;
    const identity = statementsThatMayApply(
      cell.policies.map((p) => p.document),
      action,
      resource,
    );
    const account = cell.principal.split(':')[4] ?? '';
    const target = this.analysis.resourceContext(action, resource, account);
    const resourceStatements = target.policy ? statementsThatMayApply([target.policy], action, resource) : [];
    const guardrails = this.analysis.guardrailDocuments(cell.principal, target.account);
    const guardrailStatements = statementsThatMayApply(guardrails, action, resource);
    if (identity.length === 0 && !mayAllow(resourceStatements, cell.principal)) {
      this.stats.skippedByPrefilter++;
      return { when: [] };
    }
    const dimensions = restrictToSession(
      dimensionsOf([...identity, ...resourceStatements, ...guardrailStatements].map((s) => s.prepared.statement)),
      this.analysis.sessionContext(cell.principal),
    );
    const variants = variantsOf(dimensions);
    this.stats.contextVariants += variants.length - 1;
    const reduced = [
      ...new Set(identity.map((s) => JSON.stringify([s.prepared.effect, s.actions, s.resources, s.prepared.rest]))),
    ].sort();
    const facts: CellFacts = {
      reduced,
      // A guardrail's condition may name who asks too (an SCP exempting a break-glass role).
      personal: [...identity, ...guardrailStatements].some((s) => s.prepared.personal),
      resourceAccount: target.account,
      resourcePolicy: target.policy,
      guardrailTexts: guardrails.map(policyText),
    };
    const allowed: boolean[] = [];
    const requests = variants.map((variant): AccessRequest => ({
      principal: cell.principal,
      action,
      resource,
      context: requestContext(variant),
    }));
    for (const request of requests) {
      const decision = await this.decide(request, cell, facts, variants.length === 1);
      allowed.push(decision === 'Allowed');
    }
    const when = reduceAllowed(dimensions, allowed);
    const denied = requests.find((_, i) => !allowed[i]);
    if (denied === undefined || guardrailStatements.length === 0 || identity.length === 0) return { when };
    // Which layer decided: one checked simulation, only for cells a guardrail could have denied.
    this.stats.simulations++;
    const { decidedBy } = await this.analysis.evaluate(denied, cell.policies);
    return { when, ...(decidedBy !== undefined && GUARDRAIL.test(decidedBy) ? { deniedBy: decidedBy } : {}) };
  }

  private async decide(
    request: AccessRequest,
    cell: CellRequest,
    facts: CellFacts,
    contextFree: boolean,
  ): Promise<Decision> {
    if (!this.share) return this.simulate(request, cell.policies);
    const { setKey } = cell;
    if (!this.acceptedSets.has(setKey) && this.cache?.isAccepted(setKey)) this.acceptedSets.set(setKey, true);
    const accepted = this.acceptedSets.get(setKey);
    if (accepted === false) return this.simulate(request, cell.policies);
    const key = keyOf(request, facts);
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
    // The unchecked path takes no resource policy, and does not drop context keys that do not apply to the action
    // as the checked path does: requests with either stay checked.
    if (accepted && cell.resourceFitsAction && !facts.resourcePolicy && contextFree) {
      result = this.analysis.decideUnchecked(request, cell.policies);
    } else {
      const outcome = await this.analysis.evaluate(request, cell.policies);
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
}
