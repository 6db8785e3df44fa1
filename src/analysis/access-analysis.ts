/**
 * Evaluates "may this principal do this action on this resource" over the planned environments: the
 * principal's identity policies from its environment's plan, the resource policy (a role's trust policy for
 * sts:AssumeRole, a bucket policy for S3) from the environment that owns the resource.
 */
import { identityCenterNames } from '../iam/arns';
import { requiresMfa } from './trust-guards';
import type { PlanView } from '../plan/plan-json';
import { ABSENT } from './environment-access';
import {
  readPlannedEnvironment,
  statementsOf,
  type PlannedAssignee,
  type PlannedBoundary,
  type PlannedEnvironment,
  type PlannedIdentityCenterRole,
  type PlannedPolicy,
  type PlannedRole,
  type PlannedUser,
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

/**
 * The values a condition key can take in the sessions of a principal, where they are fewer than any request's: the
 * context variants of its requests are only these. Keys are compared without regard to case, as IAM does.
 */
export type SessionContext = Readonly<Record<string, readonly string[]>>;

/**
 * IAM Identity Center's role sessions come from SAML assertions and carry no `aws:MultiFactorAuthPresent` true (MFA
 * is asked at the access portal and not passed on): their requests are asked with the key false or absent only, so
 * a trust that requires MFA shows as closed to them instead of "allowed with MFA".
 */
const IDENTITY_CENTER_SESSION: SessionContext = { 'aws:MultiFactorAuthPresent': ['false', ABSENT] };

/** The sessions of a role that can only be assumed with MFA. */
const MFA_SESSION: SessionContext = { 'aws:MultiFactorAuthPresent': ['true'] };

/** Whether every Allow of a trust policy lets in only sessions with MFA (trust-guards.ts: Bool, not BoolIfExists). */
function onlyWithMfa(trust: PolicyJson): boolean {
  const allows = statementsOf(trust).filter((s) => s.Effect === 'Allow');
  return allows.length > 0 && allows.every(requiresMfa);
}

/**
 * Each environment with the roles Identity Center provisions in its account: one per permission set assigned there
 * (by any number of groups), read from the administering environment's plan.
 */
function withIdentityCenterRoles(environments: readonly PlannedEnvironment[]): PlannedEnvironment[] {
  const roles = new Map<string, Map<string, PlannedIdentityCenterRole>>();
  for (const admin of environments) {
    const ic = admin.identityCenter;
    if (!ic) continue;
    for (const assignment of ic.assignments) {
      const target = environments.find((e) => e.accountId === assignment.accountId);
      if (!target) continue;
      const set = assignment.permissionSet;
      const byName = roles.get(target.name) ?? new Map<string, PlannedIdentityCenterRole>();
      roles.set(target.name, byName);
      const existing = byName.get(set.name);
      const assignees: PlannedAssignee[] = [...(existing?.assignees ?? []), assignment.assignee];
      byName.set(set.name, {
        name: identityCenterNames.roleName(set.name),
        arn: identityCenterNames.roleArn(target, ic.region, set.name),
        permissionSet: set.name,
        address: set.address,
        administeredFrom: admin.name,
        policies: set.policies,
        assignees: assignees.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)),
        ...(ic.alsoIamGroups[set.name] !== undefined ? { alsoIamGroup: ic.alsoIamGroups[set.name] } : {}),
      });
    }
  }
  return environments.map((env) => {
    const found = roles.get(env.name);
    if (!found) return env;
    return { ...env, identityCenterRoles: [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1)) };
  });
}

export class AccessAnalysis {
  /**
   * `environments`: each environment's principals and resources, as the plan says (readPlannedEnvironment) or as
   * an account's IAM is live (src/live/live-environment.ts): the decisions are made the same way for both.
   */
  readonly environments: readonly PlannedEnvironment[];

  constructor(environments: readonly PlannedEnvironment[]) {
    // The roles Identity Center provisions in each account come from the administering environment's plan.
    this.environments = withIdentityCenterRoles(environments);
  }

  /** The analysis of planned environments. */
  static fromPlans(plans: readonly { readonly name: string; readonly plan: PlanView }[]): AccessAnalysis {
    return new AccessAnalysis(plans.map((p) => readPlannedEnvironment(p.name, p.plan)));
  }

  /**
   * The keys the principal's sessions always carry with one value (MFA after a role that requires it), as a request
   * of theirs has them; a request no session of theirs can make (MFA present for an Identity Center role) is refused.
   */
  private sessionValues(request: AccessRequest): Record<string, string> {
    const session = this.sessionContext(request.principal);
    if (!session) return {};
    const given = new Map(Object.entries(request.context ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const filled: Record<string, string> = {};
    for (const [key, possible] of Object.entries(session)) {
      const value = given.get(key.toLowerCase());
      if (value === undefined && !possible.includes(ABSENT)) {
        filled[key] = possible[0];
        continue;
      }
      const asked = value === undefined ? ABSENT : String(value);
      if (!possible.includes(asked))
        throw new Error(
          `${request.principal}: its sessions never carry ${key}=${asked} (only ${possible.join(' or ')}); ask without it`,
        );
    }
    return filled;
  }

  /**
   * What the sessions of a principal can carry, where it is less than any request: an Identity Center role's never
   * carry MFA, and a role whose trust lets it be assumed only with MFA always does (MFA stays with the session).
   */
  sessionContext(principal: string): SessionContext | undefined {
    if (!this.sessions) {
      this.sessions = new Map();
      for (const env of this.environments) {
        for (const role of env.identityCenterRoles) this.sessions.set(role.arn, IDENTITY_CENTER_SESSION);
        // A live account's provisioned roles are among its IAM roles (src/live): their sessions are Identity Center's.
        for (const role of env.roles)
          if (identityCenterNames.provisioned(role.arn)) this.sessions.set(role.arn, IDENTITY_CENTER_SESSION);
          else if (onlyWithMfa(role.trust)) this.sessions.set(role.arn, MFA_SESSION);
      }
    }
    return this.sessions.get(principal);
  }

  private sessions?: Map<string, SessionContext>;

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
    const kind = resource.split('/', 1)[0];
    if (kind === 'user' || kind === 'role') {
      const known = this.byArn().get(arn);
      return {
        arn,
        environment: env,
        kind,
        policies: known?.policies ?? [],
        tags: known && 'tags' in known ? known.tags : undefined,
      };
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

  /**
   * Users and roles of every environment by ARN, so one with a path (`user/division/jin`) is found too, and the roles
   * Identity Center provisions.
   */
  private byArn(): Map<string, PlannedUser | PlannedRole | PlannedIdentityCenterRole> {
    this.principals ??= new Map(
      this.environments.flatMap((e) => [...e.users, ...e.roles, ...e.identityCenterRoles]).map((p) => [p.arn, p]),
    );
    return this.principals;
  }

  private principals?: Map<string, PlannedUser | PlannedRole | PlannedIdentityCenterRole>;

  async evaluate(request: AccessRequest, policies?: readonly PlannedPolicy[]): Promise<SimulationOutcome> {
    return simulate(this.simulationRequest(request, policies));
  }

  /**
   * The two steps of a team role: `request.principal` assumes `role` (in the request's context), then the role's
   * session makes the request. Allowed only when both are; otherwise the step that failed is the outcome.
   */
  async evaluateThrough(request: AccessRequest, role: string): Promise<SimulationOutcome> {
    const assume = await this.evaluate({ ...request, action: 'sts:AssumeRole', resource: role });
    if (assume.decision !== 'Allowed') return assume;
    // The role's session keeps what the assuming request carried (MFA); what it always carries, it fills in.
    return this.evaluate({ ...request, principal: role });
  }

  /** The decision only, without the simulator's input checks: see decideUnchecked for when that is sound. */
  decideUnchecked(request: AccessRequest, policies: readonly PlannedPolicy[]): Decision {
    return decideUnchecked(this.simulationRequest(request, policies));
  }

  private simulationRequest(request: AccessRequest, policies?: readonly PlannedPolicy[]): SimulationRequest {
    const session = this.sessionValues(request);
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
    Object.assign(context, session);
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
