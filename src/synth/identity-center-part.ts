/**
 * What an environment's analysis reads of the administering environment's stack: the Identity Center resources
 * that reach its account (the assignments to it, their permission sets and inline policies, the groups assigned,
 * their memberships and users) and the `identity_center` output. Digested from the synthesized stack before
 * anything is planned, so a pull request that changes one team's Identity Center access re-analyses the accounts
 * that team reaches, not every account of the organisation.
 */
import { createHash } from 'node:crypto';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const IDENTITY_CENTER_TYPES = [
  'aws_ssoadmin_account_assignment',
  'aws_ssoadmin_permission_set',
  'aws_ssoadmin_permission_set_inline_policy',
  'aws_identitystore_group',
  'aws_identitystore_group_membership',
  'aws_identitystore_user',
];

/** `${type.name.attribute}` references in a resource; `$${` is a literal the config gave (terraform-literals.ts). */
const REFERENCE = /(?<!\$)\$\{(aws_[a-z_]+)\.([A-Za-z0-9_-]+)\./g;

function referencesOf(resource: unknown): string[] {
  return [...JSON.stringify(resource).matchAll(REFERENCE)].map((m) => `${m[1]}.${m[2]}`);
}

/** The digest of the Identity Center part of `stack` (a parsed cdk.tf.json) that reaches `accountId`. */
export function identityCenterPartDigest(stack: Record<string, unknown>, accountId: string): string {
  const resources = (stack.resource ?? {}) as Resources;
  const all = new Map<string, Record<string, unknown>>();
  for (const type of IDENTITY_CENTER_TYPES)
    for (const [name, body] of Object.entries(resources[type] ?? {}))
      // cdktf's metadata (construct paths) is no input of the plan.
      all.set(`${type}.${name}`, Object.fromEntries(Object.entries(body).filter(([key]) => key !== '//')));
  const included = new Set<string>();
  const follow = (address: string) => {
    if (included.has(address) || !all.has(address)) return;
    included.add(address);
    for (const ref of referencesOf(all.get(address))) follow(ref);
  };
  for (const [address, body] of all)
    if (address.startsWith('aws_ssoadmin_account_assignment.') && body.target_id === accountId) follow(address);
  // What refers to what is included: a permission set's inline policy, a group's memberships (and their users).
  for (let grew = true; grew;) {
    grew = false;
    for (const [address, body] of all)
      if (
        !included.has(address) &&
        referencesOf(body).some((ref) => included.has(ref)) &&
        !address.startsWith('aws_ssoadmin_account_assignment.')
      ) {
        follow(address);
        grew = true;
      }
  }
  const outputs = (stack.output ?? {}) as Record<string, unknown>;
  const part = [...included].sort().map((address) => [address, all.get(address)]);
  return createHash('sha256')
    .update(JSON.stringify([part, outputs.identity_center ?? null]))
    .digest('hex');
}
