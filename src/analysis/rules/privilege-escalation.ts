import { RULE_IDS } from '../../config/rule-ids';
import { actionMatches } from '../../iam/action-patterns';
import { asList, statementsOf } from '../plan-principals';
import { findingsOf, statementLabel, type Rule } from './rule';

/** Actions that let their holder grant themselves more (REFERENCE: privilege-escalation paths). */
const ESCALATIONS = [
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
];

export const privilegeEscalation: Rule = {
  id: RULE_IDS.privilegeEscalation,
  severity: 'error',
  summary: 'A policy allows a privilege-escalation path',
  explanation:
    'iam:PassRole without an iam:PassedToService condition, policy attachment or editing (Attach*/Put*Policy, CreatePolicyVersion), joining groups and rewriting trust policies let a principal give itself any access. codepipeline:UpdatePipeline outside an admin profile lets its holder run anything with the pipeline service role. Remove the action or constrain it (checkov CKV_AWS_286-290, trivy AVD-AWS-0342).',
  check(context) {
    const finding = findingsOf(this, context);
    return [...context.env.policies.values()].flatMap((policy) =>
      statementsOf(policy.document).flatMap((statement, index) => {
        if (statement.Effect !== 'Allow') return [];
        const where = statementLabel(statement.Sid, index);
        const patterns = asList(statement.Action);
        const grants = (action: string) => patterns.some((p) => actionMatches(p, action));
        const out = ESCALATIONS.filter(grants).map((action) =>
          finding(
            policy.address,
            `${where}.Action::${action}`,
            `${policy.name} allows ${action}, a privilege-escalation path`,
          ),
        );
        const constrained = Object.values(statement.Condition ?? {}).some((keys) =>
          Object.keys(keys).some((k) => k.toLowerCase() === 'iam:passedtoservice'),
        );
        if (grants('iam:PassRole') && !constrained) {
          out.push(
            finding(
              policy.address,
              `${where}.Action::iam:PassRole`,
              `${policy.name} allows iam:PassRole without an iam:PassedToService condition`,
            ),
          );
        }
        if (grants('codepipeline:UpdatePipeline') && policy.purpose !== 'profile:admin') {
          out.push(
            finding(
              policy.address,
              `${where}.Action::codepipeline:UpdatePipeline`,
              `${policy.name} allows codepipeline:UpdatePipeline outside an admin profile: the pipeline's service role becomes the holder's`,
            ),
          );
        }
        return out;
      }),
    );
  },
};
