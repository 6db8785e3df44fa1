/**
 * Which grant of the config gives exactly what a live policy gives: the policy's matrix (asked of a probe user that
 * holds only that policy, environmentAccess's cells) against the matrix of each profile kind rendered for the
 * pipelines the policy reaches, through the model's own rendering (resolveScope, profileStatements), so what is
 * compared is what a deploy would create. The first kind whose matrix is equal wins (viewer, operator, approver,
 * admin); where none is, a custom profile of the CodePipeline actions the policy allows, with whatever still differs
 * (a condition, a resource the config cannot name) returned for the proposal to say.
 */
import type { AccessAnalysis } from '../analysis/access-analysis';
import { principalsAccess, UNDECLARED } from '../analysis/access-matrix';
import { accessChanges, type AccessChange } from '../analysis/access-diff';
import type { DecisionCache } from '../analysis/decision-cache';
import type { EnvironmentAccess, PrincipalAccess } from '../analysis/environment-access';
import type { PlannedEnvironment, PlannedPolicy } from '../analysis/plan-principals';
import type { ConfigProblem } from '../config/problems';
import type { EnvironmentConfig, ProfileKind } from '../config/schema';
import type { ActionCatalog } from '../iam/action-catalog';
import { managedPolicy } from '../model/managed-policy';
import { profileStatements, undeclaredResources } from '../model/profile-policies';
import { resolveScope } from '../model/resolve';

/** A grant as the config would say it. */
export interface GrantShape {
  readonly kind: ProfileKind;
  readonly pipelines: 'all' | readonly string[];
  /** Approver grants: `pipeline/stage/action`, when not every approval action of the pipelines. @default - all */
  readonly approvalActions?: readonly string[];
  /** Custom grants: `codepipeline:<Action>`. */
  readonly actions?: readonly string[];
}

export interface ProfileMatch {
  readonly grant: GrantShape;
  /** What the rendered grant gives that the live policy does not ('-': live only; '+': the grant only). */
  readonly differences: readonly AccessChange[];
  /** Custom actions left out: they need a webhook or action type the environment does not declare. */
  readonly leftOut: readonly string[];
}

const KINDS: readonly ProfileKind[] = ['viewer', 'operator', 'approver', 'admin'];

/** The CodePipeline part of an entry: resource keys and actions without a service prefix, in some context. */
function codePipelineActions(entry: PrincipalAccess): Map<string, Set<string>> {
  const byKey = new Map<string, Set<string>>();
  const add = (key: string, action: string) => {
    if (action.includes(':')) return;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(action));
  };
  for (const [key, actions] of Object.entries(entry.allowed)) for (const a of actions) add(key, a);
  for (const [key, byAction] of Object.entries(entry.conditional ?? {}))
    for (const a of Object.keys(byAction)) add(key, a);
  return byKey;
}

export class ProfileMatcher {
  private readonly probeArn: string;

  constructor(
    private readonly analysis: AccessAnalysis,
    private readonly env: PlannedEnvironment,
    private readonly envConfig: EnvironmentConfig,
    private readonly catalog: ActionCatalog,
    private readonly cache?: DecisionCache,
  ) {
    this.probeArn = `arn:${env.partition}:iam::${env.accountId}:user/codepipeline-access-adopt-probe`;
  }

  /** What a user holding exactly `policies` may do, as the matrix says. */
  async accessOf(policies: readonly PlannedPolicy[]): Promise<PrincipalAccess> {
    const probe = { arn: this.probeArn, via: [], policies, isUser: true };
    const access = await principalsAccess(this.analysis, this.env, [probe], this.catalog, { cache: this.cache });
    return access['user/codepipeline-access-adopt-probe'];
  }

  /** The policy a grant renders to in this environment (the model's rendering, as a deploy would create it). */
  render(grant: GrantShape): PlannedPolicy {
    const ignored: ConfigProblem[] = [];
    const scope = resolveScope(
      {
        env: this.envConfig,
        selector: grant.pipelines === 'all' ? 'all' : [...grant.pipelines],
        kind: grant.kind,
        approvalFilter: grant.approvalActions,
        at: [],
      },
      ignored,
    );
    const statements = profileStatements(grant.kind, scope, this.catalog, grant.actions);
    const policy = managedPolicy(`candidate-${grant.kind}`, `profile:${grant.kind}`, '', statements, []);
    return { name: policy.name, address: '(candidate)', document: JSON.parse(policy.json), text: policy.json };
  }

  /** How the matrix of `policies` differs from `live` ('-': only live; '+': only theirs). */
  async differences(live: PrincipalAccess, policies: readonly PlannedPolicy[]): Promise<AccessChange[]> {
    const theirs = await this.accessOf(policies);
    const wrap = (entry: PrincipalAccess): EnvironmentAccess => ({
      environment: this.env.name,
      accountId: this.env.accountId,
      region: this.env.region,
      principals: { 'user/codepipeline-access-adopt-probe': entry },
      assumeRole: {},
      artifactBuckets: {},
    });
    return accessChanges(wrap(live), wrap(theirs));
  }

  /** The grant that gives what `policy` gives in CodePipeline; undefined when it gives nothing there. */
  async match(policy: PlannedPolicy): Promise<ProfileMatch | undefined> {
    const live = await this.accessOf([policy]);
    const byKey = codePipelineActions(live);
    if (byKey.size === 0) return undefined;
    const declared = this.env.pipelines.map((p) => p.name);
    const keys = [...byKey.keys()];
    const reaches = (pipeline: string) => keys.some((k) => k === pipeline || k.startsWith(`${pipeline}/`));
    const touched = declared.filter(reaches);
    const pipelines = reaches(UNDECLARED) || touched.length === 0 ? 'all' : touched;
    const approvable = this.env.pipelines.flatMap((p) =>
      p.stages.flatMap((s) =>
        s.approval_actions.map((arn) => ({ key: arn.slice(arn.indexOf(`:${p.name}/`) + 1), pipeline: p.name })),
      ),
    );
    const approved = approvable.filter((a) => byKey.get(a.key)?.has('PutApprovalResult')).map((a) => a.key);
    const inScope = approvable.filter((a) => pipelines === 'all' || pipelines.includes(a.pipeline)).map((a) => a.key);
    const approvalActions = approved.length > 0 && approved.length < inScope.length ? approved : undefined;
    for (const kind of KINDS) {
      if (kind === 'approver' && approved.length === 0) continue;
      const grant: GrantShape = {
        kind,
        pipelines,
        ...(kind === 'approver' && approvalActions ? { approvalActions } : {}),
      };
      const differences = await this.differences(live, [this.render(grant)]);
      if (differences.length === 0) return { grant, differences, leftOut: [] };
    }
    const wanted = [...new Set([...byKey.values()].flatMap((s) => [...s]))]
      .map((a) => `codepipeline:${a}`)
      .filter((a) => this.catalog.get(a))
      .sort();
    const ignored: ConfigProblem[] = [];
    const selector = pipelines === 'all' ? 'all' : [...pipelines];
    const scope = resolveScope({ env: this.envConfig, selector, kind: 'custom', at: [] }, ignored);
    const leftOut = undeclaredResources(wanted, scope, this.catalog).flatMap((u) => u.actions);
    const actions = wanted.filter((a) => !leftOut.includes(a));
    const grant: GrantShape = { kind: 'custom', pipelines, actions };
    return { grant, differences: await this.differences(live, [this.render(grant)]), leftOut };
  }
}
