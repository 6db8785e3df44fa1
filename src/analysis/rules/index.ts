/** Every rule, in id order; `runRules` applies them to one environment. */
import { approvalBypass } from './approval-bypass';
import { artifactBucketDenies } from './artifact-bucket-denies';
import { awsLimits } from './aws-limits';
import { codepipelineStar } from './codepipeline-star';
import { identityCenterMigration } from './identity-center-migration';
import { missingAccess, unintendedAccess } from './intent-mismatch';
import { nonAdminPipelineWrite } from './non-admin-pipeline-write';
import { passwordPolicy } from './password-policy';
import { privilegeEscalation } from './privilege-escalation';
import { resourceStar } from './resource-star';
import { teamRoleBypass } from './team-role-bypass';
import { teamRoleTrust } from './team-role-trust';
import type { Finding, Rule, RuleContext } from './rule';
import { trustConditions } from './trust-conditions';
import { unknownAction } from './unknown-action';
import { userAttachedPolicy } from './user-attached-policy';
import { wrongResourceType } from './wrong-resource-type';

export const RULES: readonly Rule[] = [
  userAttachedPolicy,
  nonAdminPipelineWrite,
  privilegeEscalation,
  resourceStar,
  codepipelineStar,
  unknownAction,
  wrongResourceType,
  trustConditions,
  awsLimits,
  passwordPolicy,
  artifactBucketDenies,
  unintendedAccess,
  missingAccess,
  approvalBypass,
  identityCenterMigration,
  teamRoleTrust,
  teamRoleBypass,
];

export async function runRules(context: RuleContext, rules: readonly Rule[] = RULES): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const rule of rules) findings.push(...(await rule.check(context)));
  return findings;
}

export type { Finding, Rule, RuleContext, Severity } from './rule';
