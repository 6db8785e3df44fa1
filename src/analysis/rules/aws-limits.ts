import { RULE_IDS } from '../../config/rule-ids';
import { AWS_LIMITS } from '../../model/limits';
import { policySize } from '../../iam/policy-document';
import type { PlannedGroup, PlannedRole } from '../plan-principals';
import { findingsOf, type Finding, type Rule } from './rule';

export const awsLimits: Rule = {
  id: RULE_IDS.awsLimits,
  severity: 'error',
  summary: 'An AWS limit the plan does not check is exceeded (policy size, attachments, groups per user)',
  explanation:
    'terraform plan accepts these, and the apply then fails half-way: managed policies over 6,144 characters, trust policies over 2,048, more than 10 managed policies per group or role, more than 10 groups per user. Split grants or teams.',
  check(context) {
    const finding = findingsOf(this, context);
    const { env } = context;
    const out: Finding[] = [];
    for (const policy of env.policies.values()) {
      const size = policySize(policy.text);
      if (policy.address.startsWith('aws_iam_policy.') && size > AWS_LIMITS.managedPolicySize) {
        out.push(
          finding(
            policy.address,
            'Size',
            `${policy.name} is ${size} characters; the limit is ${AWS_LIMITS.managedPolicySize}`,
          ),
        );
      }
    }
    for (const role of env.roles) {
      const size = policySize(role.trustText);
      if (size > AWS_LIMITS.trustPolicySize)
        out.push(
          finding(
            role.address,
            'TrustSize',
            `trust policy of ${role.name} is ${size} characters; the limit is ${AWS_LIMITS.trustPolicySize}`,
          ),
        );
    }
    // Groups and roles share the attachment quota check; only the limit differs.
    const attachments = (holder: PlannedGroup | PlannedRole, limit: number) => {
      const managed = holder.policies.filter((p) => p.address.startsWith('aws_iam_policy.')).length;
      if (managed > limit) {
        out.push(
          finding(
            holder.address,
            'Attachments',
            `${holder.name} has ${managed} managed policies; the limit is ${limit}`,
          ),
        );
      }
    };
    for (const role of env.roles) attachments(role, AWS_LIMITS.managedPoliciesPerRole);
    for (const group of env.groups) attachments(group, AWS_LIMITS.managedPoliciesPerGroup);
    for (const user of env.users) {
      if (user.groups.length > AWS_LIMITS.groupsPerUser)
        out.push(
          finding(
            user.address,
            'Groups',
            `${user.name} is in ${user.groups.length} groups; the limit is ${AWS_LIMITS.groupsPerUser}`,
          ),
        );
    }
    return out;
  },
};
