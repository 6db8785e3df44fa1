/**
 * Which existing IAM resources an environment's stack takes over at its first deploy instead of creating them (the
 * config's `imports`, what `npm run adopt` proposes): each is checked against what the stack creates, and given the
 * id Terraform imports it by. The ids are the ones the AWS provider documents for each resource type's import:
 *
 *   aws_iam_group                     the group name
 *   aws_iam_policy                    the policy ARN (the stack's policies are at path `/`)
 *   aws_iam_group_policy_attachment   <group name>/<policy ARN>
 *   aws_iam_role                      the role name
 *   aws_iam_role_policy_attachment    <role name>/<policy ARN>
 *   aws_iam_user                      the user name
 *   aws_iam_user_login_profile        the user name
 *   aws_iam_user_group_membership     <user name>/<group>/<group>... (the groups the resource manages)
 *   aws_iam_account_password_policy   iam-account-password-policy
 *
 * Import blocks make `terraform plan` read the live resource, so the offline plan leaves them out (src/plan/sandbox.ts).
 */
import { arns } from '../iam/arns';
import { didYouMean } from '../config/did-you-mean';
import { oneOf, problem, type ConfigPath, type ConfigProblem } from '../config/problems';
import type { EnvironmentConfig, ImportsConfig } from '../config/schema';
import type { GroupModel, ImportsModel, RoleModel, UserModel } from './types';

/** The id `aws_iam_account_password_policy` is imported by: there is one per account. */
export const PASSWORD_POLICY_IMPORT_ID = 'iam-account-password-policy';

export const NO_IMPORTS: ImportsModel = {
  groups: {},
  policies: {},
  groupPolicyAttachments: {},
  roles: {},
  rolePolicyAttachments: {},
  users: {},
  loginProfiles: {},
  groupMemberships: {},
};

/** The allowed names of one list, for a message: all of a few, else a did-you-mean and how many there are. */
function allowed(name: string, candidates: readonly string[], what: string): string {
  if (candidates.length <= 8) return oneOf(candidates);
  return `one of the ${candidates.length} ${what}${didYouMean(name, candidates)}`;
}

/**
 * The entries of one list of `imports`, each checked to be one of `candidates` (what the stack creates) and listed
 * once, with its import id.
 */
function resolveList(
  names: readonly string[],
  at: ConfigPath,
  candidates: ReadonlyMap<string, string>,
  what: { readonly one: string; readonly many: string },
  envName: string,
  problems: ConfigProblem[],
): Record<string, string> {
  const ids: Record<string, string> = {};
  names.forEach((name, i) => {
    const id = candidates.get(name);
    if (name in ids) problems.push(problem([...at, i], `${what.one} "${name}" is listed twice`));
    else if (id === undefined)
      problems.push(
        problem(
          [...at, i],
          `not ${what.one === 'attachment' ? 'an' : 'a'} ${what.one} environment "${envName}" creates; must be ${allowed(name, [...candidates.keys()], what.many)}`,
        ),
      );
    else ids[name] = id;
  });
  return ids;
}

/** What an environment's stack creates that `imports` may name. */
export interface Creates {
  readonly groups: readonly GroupModel[];
  readonly users: readonly UserModel[];
  readonly roles: readonly RoleModel[];
}

/** The environment's `imports`, resolved against the groups, users and roles its stack creates; problems are added. */
export function resolveImports(
  env: EnvironmentConfig,
  envIndex: number,
  { groups, users, roles }: Creates,
  problems: ConfigProblem[],
): ImportsModel {
  const config: ImportsConfig | undefined = env.imports;
  if (!config) return NO_IMPORTS;
  const at = (list: keyof ImportsConfig): ConfigPath => ['environments', envIndex, 'imports', list];
  const groupPolicies = groups.flatMap((g) => g.policies.map((p) => ({ holder: g.name, policy: p.name })));
  const rolePolicies = roles.flatMap((r) => r.policies.map((p) => ({ holder: r.name, policy: p.name })));
  const attachments = (list: typeof groupPolicies) =>
    list.map(({ holder, policy }) => [`${holder}/${policy}`, `${holder}/${arns.iamPolicy(env, policy)}`] as const);
  const list = (
    name: Exclude<keyof ImportsConfig, 'passwordPolicy'>,
    candidates: readonly (readonly [string, string])[],
    one: string,
    many: string,
  ) => resolveList(config[name], at(name), new Map(candidates), { one, many }, env.name, problems);
  return {
    groups: list(
      'groups',
      groups.map((g) => [g.name, g.name]),
      'group',
      'groups it creates',
    ),
    policies: list(
      'policies',
      [...groupPolicies, ...rolePolicies].map(({ policy }) => [policy, arns.iamPolicy(env, policy)]),
      'policy',
      'policies it creates',
    ),
    groupPolicyAttachments: list(
      'groupPolicyAttachments',
      attachments(groupPolicies),
      'attachment',
      'group/policy attachments it creates',
    ),
    roles: list(
      'roles',
      roles.map((r) => [r.name, r.name]),
      'role',
      'roles it creates (crossAccountRoles, team roles)',
    ),
    rolePolicyAttachments: list(
      'rolePolicyAttachments',
      attachments(rolePolicies),
      'attachment',
      'role/policy attachments it creates',
    ),
    users: list(
      'users',
      users.map((u) => [u.name, u.name]),
      'user',
      'users it creates (people with memberships in it)',
    ),
    loginProfiles: list(
      'loginProfiles',
      users.filter((u) => u.console).map((u) => [u.name, u.name]),
      'login profile',
      'console users it creates',
    ),
    groupMemberships: list(
      'groupMemberships',
      users.map((u) => [u.name, [u.name, ...u.groups].join('/')]),
      'group membership',
      'users it creates',
    ),
    ...(config.passwordPolicy ? { passwordPolicy: PASSWORD_POLICY_IMPORT_ID } : {}),
  };
}
