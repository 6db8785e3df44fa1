/**
 * Where a cell's access comes from: the principal's policies that each allow it on their own, found by deciding the
 * cell once with each policy through the analysis's own decision code (decisions.ts), in the same contexts the
 * matrix asks. Identity access needs one Allow of one policy (and no Deny), so a cell a principal's policies allow
 * together is allowed by at least one of them alone; a cell whose access comes from a resource policy (who may
 * assume a role, what a bucket policy lets through) names that policy.
 */
import { createHash } from 'node:crypto';
import type { ActionCatalog } from '../iam/action-catalog';
import { principalKey } from '../iam/arns';
import type { AccessAnalysis } from '../analysis/access-analysis';
import {
  cellResource,
  matrixTargets,
  reported,
  type EnvironmentAccess,
  type MatrixTarget,
} from '../analysis/access-matrix';
import type { DecisionCache } from '../analysis/decision-cache';
import { Decisions, emptyDecisionStatistics } from '../analysis/decisions';
import { covers, type ContextCondition } from '../analysis/environment-access';
import type { PlannedEnvironment, PlannedPolicy } from '../analysis/plan-principals';

/** A principal of the environment as the matrix keys it (`user/jin`), with its policies. */
interface KeyedPrincipal {
  readonly arn: string;
  readonly policies: readonly PlannedPolicy[];
}

export class AccessSources {
  private readonly decisions: Decisions;
  private readonly targets: Map<string, MatrixTarget>;
  private readonly principals: Map<string, KeyedPrincipal>;

  private readonly keyOf: (arn: string) => string;
  private readonly assumeRole: EnvironmentAccess['assumeRole'];

  constructor(
    analysis: AccessAnalysis,
    private readonly env: PlannedEnvironment,
    catalog: ActionCatalog,
    options: {
      readonly cache?: DecisionCache;
      /** Other keys principals are reported under (live key -> the plan's, find-drift.ts). @default - none */
      readonly aliases?: ReadonlyMap<string, string>;
      /** Who may assume each role, as the matrix found: a team role's members have its cells. @default - nobody */
      readonly assumeRole?: EnvironmentAccess['assumeRole'];
    } = {},
  ) {
    this.decisions = new Decisions(analysis, emptyDecisionStatistics(), true, options.cache);
    this.targets = new Map(matrixTargets(env, catalog).map((t) => [`${t.key}\u0000${reported(t.action)}`, t]));
    const aliases = options.aliases ?? new Map<string, string>();
    this.keyOf = (arn) => aliases.get(principalKey(arn)) ?? principalKey(arn);
    this.assumeRole = options.assumeRole ?? {};
    this.principals = new Map(
      [...env.users, ...env.roles, ...env.identityCenterRoles].map((p) => [
        this.keyOf(p.arn),
        { arn: p.arn, policies: p.policies },
      ]),
    );
  }

  /**
   * For a cell `principal` has through a team role it may assume (src/analysis/team-roles.ts): each such role (its
   * key) with its policies that each allow the cell alone. Empty for a principal that may assume none.
   */
  async teamRolePoliciesAllowing(
    principal: string,
    resource: string,
    action: string,
    context: ContextCondition,
  ): Promise<{ readonly role: string; readonly policies: PlannedPolicy[] }[]> {
    const found: { role: string; policies: PlannedPolicy[] }[] = [];
    for (const role of this.env.roles.filter((r) => r.teamRole !== undefined)) {
      const members = Object.keys(this.assumeRole[role.name] ?? {}).map((who) => this.keyOf(who));
      if (!members.includes(principal)) continue;
      const policies = await this.policiesAllowing(this.keyOf(role.arn), resource, action, context);
      if (policies.length > 0) found.push({ role: this.keyOf(role.arn), policies });
    }
    return found;
  }

  /**
   * The policies of `principal` (`user/<name>`, `role/<name>`, or a probe's key with its own policies) that each
   * allow `action` on `resource` in `context` (or a wider one). Empty when none does alone, when the resource policy
   * lets the principal through without any (then it is the source: resourcePolicyOf), or when the cell is not one
   * of the matrix's.
   */
  async policiesAllowing(
    principal: string | KeyedPrincipal,
    resource: string,
    action: string,
    context: ContextCondition,
  ): Promise<PlannedPolicy[]> {
    const who = typeof principal === 'string' ? this.principals.get(principal) : principal;
    const target = this.targets.get(`${resource}\u0000${action}`);
    if (!who || !target) return [];
    const allows = async (policies: readonly PlannedPolicy[]) => {
      const { when } = await this.decisions.decideCell({
        principal: who.arn,
        action: target.action,
        resource: cellResource(target, who.arn),
        policies,
        setKey: createHash('sha256')
          .update('source\u0000')
          .update(policies.map((p) => p.text).join('\u0000'))
          .digest('hex'),
        resourceFitsAction: true,
      });
      return when.some((allowed) => covers(allowed, context));
    };
    // A resource policy that lets the principal through with no identity policy of its own is the source alone.
    if (await allows([])) return [];
    const found: PlannedPolicy[] = [];
    for (const policy of who.policies) if (await allows([policy])) found.push(policy);
    return found;
  }

  /**
   * The resource policy behind a cell: the trust of a role (who may assume it: `role/<name>`), the bucket policy of a
   * bucket probe (`bucket/<name>`) or of an artifact bucket's objects (an ARN of the bucket).
   */
  resourcePolicyOf(resource: string): string | undefined {
    if (resource.startsWith('role/')) return `trust policy of ${resource}`;
    if (resource.startsWith('bucket/')) return `bucket policy of ${resource.slice('bucket/'.length)}`;
    const bucket = /^arn:[\w-]+:s3:::([^/]+)/.exec(resource)?.[1];
    return bucket && this.env.bucketPolicies.some((b) => b.bucket === bucket)
      ? `bucket policy of ${bucket}`
      : undefined;
  }
}
