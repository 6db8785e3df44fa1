/**
 * Evaluates "may this principal do this action on this resource" over the planned environments: the
 * principal's identity policies from its environment's plan, the resource policy (a role's trust policy for
 * sts:AssumeRole, a bucket policy for S3) from the environment that owns the resource.
 */
import type { PlanView } from '../plan/plan-json';
import {
  readPlannedEnvironment,
  type PlannedBoundary,
  type PlannedEnvironment,
  type PlannedPolicy,
  type PolicyJson,
} from './plan-principals';
import {
  decideUnchecked,
  simulate,
  type Decision,
  type NamedPolicy,
  type SimulationOutcome,
  type SimulationRequest,
} from './simulator';

export interface AccessRequest {
  /** A full ARN: `arn:aws:iam::111222333444:user/jin`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Request context; `aws:SecureTransport` defaults to "true"; `aws:PrincipalArn`, `aws:PrincipalAccount` and (users) `aws:username` name who asks. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** The guardrails over one request, as the simulator takes them. */
export interface RequestGuardrails {
  readonly serviceControlPolicies: readonly NamedPolicy[];
  readonly resourceControlPolicies: readonly NamedPolicy[];
  readonly permissionsBoundaries: readonly NamedPolicy[];
}

export interface ResolvedPrincipal {
  readonly arn: string;
  /** The user's or role's tags in the plan (default tags included): `aws:PrincipalTag/<key>`. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly environment?: PlannedEnvironment;
  /** `service`: an AWS service principal (`cloudtrail.amazonaws.com`), which only resource policies can allow. */
  readonly kind: 'user' | 'role' | 'external' | 'service';
  readonly policies: readonly PlannedPolicy[];
}

/**
 * Principals of accounts this config does not manage may have any identity policy their account gives them;
 * they are evaluated as if allowed everything, so the decision shows what our side (trust, bucket policy) allows.
 */
const EXTERNAL_ACCOUNT_POLICY: PlannedPolicy = {
  name: 'any-policy-of-the-other-account',
  address: '(outside this config)',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  text: '',
};

const ARN = /^arn:([\w-]+):([\w-]+):([\w-]*):(\d{12})?:(.+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export class AccessAnalysis {
  readonly environments: readonly PlannedEnvironment[];

  constructor(plans: readonly { readonly name: string; readonly plan: PlanView }[]) {
    this.environments = plans.map((p) => readPlannedEnvironment(p.name, p.plan));
  }

  environment(name: string): PlannedEnvironment {
    const env = this.environments.find((e) => e.name === name);
    if (!env)
      throw new Error(`no planned environment "${name}"; have ${this.environments.map((e) => e.name).join(', ')}`);
    return env;
  }

  principal(arn: string): ResolvedPrincipal {
    if (SERVICE_PRINCIPAL.test(arn)) return { arn, kind: 'service', policies: [] };
    const match = ARN.exec(arn);
    if (!match || match[2] !== 'iam') throw new Error(`"${arn}" is not an IAM principal ARN`);
    const [, , , , account, resource] = match;
    const env = this.environments.find((e) => e.accountId === account);
    if (!env) return { arn, kind: 'external', policies: [EXTERNAL_ACCOUNT_POLICY] };
    const [kind, name] = resource.split('/', 2);
    if (kind === 'user') {
      const user = env.users.find((u) => u.name === name);
      return { arn, environment: env, kind: 'user', policies: user?.policies ?? [], tags: user?.tags };
    }
    if (kind === 'role') {
      const role = env.roles.find((r) => r.name === name);
      return { arn, environment: env, kind: 'role', policies: role?.policies ?? [], tags: role?.tags };
    }
    return { arn, environment: env, kind: 'external', policies: [] };
  }

  /** The resource policy and owning account of a resource ARN. */
  resourceContext(action: string, resource: string, fallbackAccount: string): { account: string; policy?: PolicyJson } {
    if (resource === '*') return { account: fallbackAccount };
    const match = ARN.exec(resource);
    if (match?.[2] === 's3') {
      const bucket = match[5].split('/')[0];
      const env = this.environments.find((e) => e.bucketPolicies.some((b) => b.bucket === bucket));
      return {
        account: env?.accountId ?? fallbackAccount,
        policy: env?.bucketPolicies.find((b) => b.bucket === bucket)?.document,
      };
    }
    const account = match?.[4] ?? fallbackAccount;
    if (match?.[2] === 'iam' && action.toLowerCase() === 'sts:assumerole') {
      const env = this.environments.find((e) => e.accountId === account);
      const role = env?.roles.find((r) => r.arn === resource);
      return { account, policy: role?.trust };
    }
    return { account };
  }

  /**
   * The guardrails over a request: the SCPs of the principal's account and its permissions boundary (when the
   * principal is ours), the RCPs of the resource's account (when the resource is ours). An account this config does
   * not manage has guardrails the analysis cannot see: none are assumed.
   */
  guardrails(principal: string, resourceAccount: string): RequestGuardrails {
    const principalEnv = this.environments.find((e) => e.accountId === ARN.exec(principal)?.[4]);
    const resourceEnv = this.environments.find((e) => e.accountId === resourceAccount);
    const boundary = this.boundaryOf(principal);
    return {
      serviceControlPolicies: principalEnv?.guardrails.serviceControlPolicies ?? [],
      resourceControlPolicies: resourceEnv?.guardrails.resourceControlPolicies ?? [],
      permissionsBoundaries:
        boundary?.status === 'given' ? [{ name: 'permissions boundary', document: boundary.document }] : [],
    };
  }

  /** Every guardrail document over a request, for the decision key and the context variants. */
  guardrailDocuments(principal: string, resourceAccount: string): PolicyJson[] {
    const g = this.guardrails(principal, resourceAccount);
    return [...g.serviceControlPolicies, ...g.resourceControlPolicies, ...g.permissionsBoundaries].map(
      (p) => p.document,
    );
  }

  /** The permissions boundary the plan gives a user or role of ours. */
  boundaryOf(principal: string): PlannedBoundary | undefined {
    this.boundaries ??= new Map(
      this.environments.flatMap((e) => [...e.users, ...e.roles]).map((p) => [p.arn, p.permissionsBoundary]),
    );
    return this.boundaries.get(principal);
  }

  private boundaries?: Map<string, PlannedBoundary | undefined>;

  evaluate(request: AccessRequest, policies?: readonly PlannedPolicy[]): Promise<SimulationOutcome> {
    return simulate(this.simulationRequest(request, policies));
  }

  /** The decision only, without the simulator's input checks: see decideUnchecked for when that is sound. */
  decideUnchecked(request: AccessRequest, policies: readonly PlannedPolicy[]): Decision {
    return decideUnchecked(this.simulationRequest(request, policies));
  }

  private simulationRequest(request: AccessRequest, policies?: readonly PlannedPolicy[]): SimulationRequest {
    const principal = this.principal(request.principal);
    const principalAccount = ARN.exec(request.principal)?.[4] ?? '';
    const target = this.resourceContext(request.action, request.resource, principalAccount);
    // What AWS fills in from who asks (the simulator fills in nothing): conditions on it are then decided as AWS
    // would, never as if the key were absent. A service principal carries its name and no principal ARN or account.
    const context: Record<string, string | readonly string[]> =
      principal.kind === 'service'
        ? {
            'aws:SecureTransport': 'true',
            'aws:PrincipalIsAWSService': 'true',
            'aws:PrincipalServiceName': request.principal,
          }
        : {
            'aws:SecureTransport': 'true',
            'aws:PrincipalArn': request.principal,
            'aws:PrincipalAccount': principalAccount,
            'aws:PrincipalIsAWSService': 'false',
            'aws:PrincipalType':
              principal.kind === 'user' ? 'User' : principal.kind === 'role' ? 'AssumedRole' : 'Account',
          };
    if (principal.kind === 'user') context['aws:username'] = request.principal.split('/').pop() ?? '';
    for (const [key, value] of Object.entries(principal.tags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
    return {
      principalArn: request.principal,
      action: request.action,
      resourceArn: request.resource,
      resourceAccountId: target.account,
      identityPolicies: (policies ?? principal.policies).map((p) => ({ name: p.name, document: p.document })),
      resourcePolicy: target.policy,
      context: { ...context, ...(request.context ?? {}) },
      ...this.guardrails(request.principal, target.account),
    };
  }
}
