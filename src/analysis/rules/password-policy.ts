import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

/** CIS AWS Foundations (checkov CKV_AWS_9-15). */
const CIS = { minimumLength: 14, reusePrevention: 24, maxAgeDays: 90 };

export const passwordPolicy: Rule = {
  id: RULE_IDS.passwordPolicy,
  severity: 'warning',
  summary: 'The account password policy is weaker than CIS',
  explanation:
    'CIS asks for at least 14 characters, all four character classes, reuse prevention of 24 and a maximum age of 90 days. Console users of this account sign in with these passwords; raise the passwordPolicy values (the defaults meet CIS).',
  check(context) {
    const finding = findingsOf(this, context);
    const policy = context.env.passwordPolicy;
    const target = 'aws_iam_account_password_policy.account';
    if (!policy) return [finding(target, 'Missing', `environment ${context.env.name} sets no account password policy`)];
    const out = [];
    const length = Number(policy.minimum_password_length ?? 0);
    if (length < CIS.minimumLength)
      out.push(finding(target, 'minimum_password_length', `minimum length ${length} < ${CIS.minimumLength}`));
    for (const key of [
      'require_lowercase_characters',
      'require_uppercase_characters',
      'require_numbers',
      'require_symbols',
    ]) {
      if (policy[key] !== true) out.push(finding(target, key, `${key} is not set`));
    }
    const reuse = Number(policy.password_reuse_prevention ?? 0);
    if (reuse < CIS.reusePrevention)
      out.push(finding(target, 'password_reuse_prevention', `reuse prevention ${reuse} < ${CIS.reusePrevention}`));
    const age = Number(policy.max_password_age ?? 0);
    if (age === 0 || age > CIS.maxAgeDays)
      out.push(
        finding(target, 'max_password_age', `maximum age ${age === 0 ? 'unlimited' : age} > ${CIS.maxAgeDays} days`),
      );
    return out;
  },
};
