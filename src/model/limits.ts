/**
 * AWS limits that `terraform plan` does not catch (the apply fails later): checked on the resolved model,
 * so derived names and rendered policies are measured exactly as they will be sent.
 */
import { policySize } from '../iam/policy-document';
import { problem, type ConfigPath, type ConfigProblem } from '../config/problems';
import type { AccessModel, EnvironmentModel } from './types';

export const AWS_LIMITS = {
  managedPolicySize: 6144,
  trustPolicySize: 2048,
  bucketPolicySize: 20480,
  managedPoliciesPerGroup: 10,
  managedPoliciesPerRole: 10,
  groupsPerUser: 10,
  policyNameLength: 128,
  groupNameLength: 128,
  roleNameLength: 64,
} as const;

const IAM_NAME = /^[\w+=,.@-]+$/;

function checkName(kind: string, name: string, max: number, origin: ConfigPath): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (name.length > max)
    problems.push(problem(origin, `${kind} name "${name}" is ${name.length} characters; IAM allows at most ${max}`));
  if (!IAM_NAME.test(name))
    problems.push(problem(origin, `${kind} name "${name}" may only contain letters, digits and + = , . @ _ -`));
  return problems;
}

/** One problem per name used twice for the same kind of IAM entity in one account. */
function checkUnique(
  kind: string,
  env: EnvironmentModel,
  entries: readonly { name: string; origin: ConfigPath }[],
): ConfigProblem[] {
  const seen = new Map<string, ConfigPath>();
  const problems: ConfigProblem[] = [];
  for (const entry of entries) {
    const first = seen.get(entry.name);
    if (first === undefined) seen.set(entry.name, entry.origin);
    else
      problems.push(
        problem(
          entry.origin,
          `${kind} name "${entry.name}" is used twice in environment "${env.name}" (account ${env.accountId}); IAM names are unique per account`,
        ),
      );
  }
  return problems;
}

function checkEnvironment(env: EnvironmentModel): ConfigProblem[] {
  const inEnv = `in environment "${env.name}"`;
  const problems: ConfigProblem[] = [];
  const policies = [...env.groups.flatMap((g) => g.policies), ...env.roles.flatMap((r) => r.policies)];

  for (const policy of policies) {
    problems.push(...checkName('policy', policy.name, AWS_LIMITS.policyNameLength, policy.origin));
    const size = policySize(policy.json);
    if (size > AWS_LIMITS.managedPolicySize) {
      problems.push(
        problem(
          policy.origin,
          `policy "${policy.name}" ${inEnv} renders to ${size} characters; a managed policy may have at most ${AWS_LIMITS.managedPolicySize} (split the grant or scope it with "all" or tags)`,
        ),
      );
    }
  }
  for (const group of env.groups) {
    problems.push(...checkName('group', group.name, AWS_LIMITS.groupNameLength, group.origin));
    if (group.policies.length > AWS_LIMITS.managedPoliciesPerGroup) {
      problems.push(
        problem(
          group.origin,
          `group "${group.name}" ${inEnv} would have ${group.policies.length} managed policies attached; AWS allows at most ${AWS_LIMITS.managedPoliciesPerGroup} per group`,
        ),
      );
    }
  }
  for (const user of env.users) {
    if (user.groups.length > AWS_LIMITS.groupsPerUser) {
      problems.push(
        problem(
          user.origin,
          `user "${user.name}" ${inEnv} would be in ${user.groups.length} groups (${user.groups.join(', ')}); AWS allows at most ${AWS_LIMITS.groupsPerUser}`,
        ),
      );
    }
  }
  for (const role of env.roles) {
    const trustSize = policySize(role.trustJson);
    if (trustSize > AWS_LIMITS.trustPolicySize) {
      problems.push(
        problem(
          role.origin,
          `trust policy of role "${role.name}" is ${trustSize} characters; the default quota is ${AWS_LIMITS.trustPolicySize}`,
        ),
      );
    }
    if (role.policies.length > AWS_LIMITS.managedPoliciesPerRole) {
      problems.push(
        problem(
          role.origin,
          `role "${role.name}" would have ${role.policies.length} managed policies; AWS allows at most ${AWS_LIMITS.managedPoliciesPerRole}`,
        ),
      );
    }
  }
  for (const bucket of env.bucketPolicies) {
    const size = policySize(bucket.json);
    if (size > AWS_LIMITS.bucketPolicySize) {
      problems.push(
        problem(
          bucket.origin,
          `bucket policy of "${bucket.bucket}" is ${size} characters; S3 allows at most ${AWS_LIMITS.bucketPolicySize}`,
        ),
      );
    }
  }
  problems.push(
    ...checkUnique('group', env, env.groups),
    ...checkUnique('policy', env, policies),
    ...checkUnique('role', env, env.roles),
  );
  return problems;
}

export function checkAwsLimits(model: AccessModel): ConfigProblem[] {
  return model.environments.flatMap(checkEnvironment);
}
