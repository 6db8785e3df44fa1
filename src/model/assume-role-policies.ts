/**
 * The trusted side of cross-account roles: per team of an environment, ONE `sts:AssumeRole` statement listing the
 * ARN of every role (of every account) that trusts the team, sorted, in as few managed policies as IAM's size limit
 * allows. One policy per role stopped an organisation at 10 spokes (managed policies per group); packed, a policy
 * holds about 120 role ARNs of 46 characters, so a hub team trusted by 200 spokes needs 2.
 *
 * Policies fill in ARN order and split only where the next ARN would make the document exceed the limit, measured
 * as limits.ts measures it. Names are `<team>-assume-roles`, then `-2`, `-3`...; the description is the same for
 * every size on purpose: the AWS provider replaces a policy whose description changes, and a new spoke must not.
 */
import type { ConfigPath } from '../config/problems';
import { renderPolicy, sortedUnique, type PolicyStatement } from '../iam/policy-document';
import { AWS_LIMITS, managedPolicySize } from './limits';
import { managedPolicy } from './managed-policy';
import type { ManagedPolicyModel } from './types';

/** A role that trusts a team: what goes into the team's assume-role policies. */
export interface AssumableRole {
  readonly arn: string;
  /** Where the role trusts the team: `environments[e].crossAccountRoles[r].trust`. */
  readonly origin: ConfigPath;
}

const statement = (arns: readonly string[]): PolicyStatement => ({
  sid: 'AssumeCrossAccountRole',
  effect: 'Allow',
  actions: ['sts:AssumeRole'],
  resources: arns,
});

/** Sorted ARNs in consecutive runs, each run as many as fit one managed policy (a lone ARN always gets its own). */
function packArns(arns: readonly string[]): string[][] {
  const packs: string[][] = [];
  let current: string[] = [];
  for (const arn of arns) {
    const candidate = [...current, arn];
    const size = managedPolicySize({ json: renderPolicy({ statements: [statement(candidate)] }) });
    if (current.length > 0 && size > AWS_LIMITS.managedPolicySize) {
      packs.push(current);
      current = [arn];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) packs.push(current);
  return packs;
}

/** The name of a team's `part`-th assume-role policy (1-based): 13 + at most 100 (a team name) + 3 < 128. */
export function assumeRolePolicyName(team: string, part: number): string {
  return part === 1 ? `${team}-assume-roles` : `${team}-assume-roles-${part}`;
}

/**
 * The managed policies that let `team` assume `roles`, in config order; none for none. A policy's origin is the
 * first of its roles in config order; the others are in `alsoFrom`.
 */
export function assumeRolePolicies(team: string, roles: readonly AssumableRole[]): ManagedPolicyModel[] {
  return packArns(sortedUnique(roles.map((r) => r.arn))).map((arns, i) => {
    const inPack = new Set(arns);
    const [origin, ...alsoFrom] = roles.filter((r) => inPack.has(r.arn)).map((r) => r.origin);
    // The first part's description never changes: one more spoke must not replace it.
    const part = i === 0 ? '' : `, part ${i + 1}`;
    return managedPolicy(
      assumeRolePolicyName(team, i + 1),
      'assume-role',
      `Lets team ${team} assume the cross-account roles that trust it${part} (codepipeline-access)`,
      [statement(arns)],
      origin,
      alsoFrom,
    );
  });
}
