/**
 * The ids of the analysis rules (src/analysis/rules/), which the config's `suppressions` name.
 *
 * They live here, upstream, because the config must know them to refuse a misspelled suppression before anything
 * runs, and module dependencies follow the data (config -> model -> constructs -> plan -> analysis): each rule takes
 * its id from this list, so the analysis depends on the config's vocabulary and never the reverse. The config does
 * not import the rules (they pull in the plan reader and the simulator). A test holds this list and the rules
 * to the same ids.
 */
export const RULE_IDS = {
  userAttachedPolicy: 'CPA-IAM1',
  nonAdminPipelineWrite: 'CPA-IAM2',
  privilegeEscalation: 'CPA-IAM3',
  resourceStar: 'CPA-IAM4',
  codepipelineStar: 'CPA-IAM5',
  unknownAction: 'CPA-IAM6',
  wrongResourceType: 'CPA-IAM7',
  trustConditions: 'CPA-IAM8',
  awsLimits: 'CPA-LIM1',
  passwordPolicy: 'CPA-PWD1',
  artifactBucketDenies: 'CPA-S3-1',
  unintendedAccess: 'CPA-INT1',
  missingAccess: 'CPA-INT2',
  approvalBypass: 'CPA-SOD1',
  identityCenterMigration: 'CPA-IC1',
  teamRoleTrust: 'CPA-ROLE1',
  teamRoleBypass: 'CPA-ROLE2',
} as const;

export type RuleId = (typeof RULE_IDS)[keyof typeof RULE_IDS];

/** Every rule id a suppression may name, sorted. */
export const SUPPRESSIBLE_RULE_IDS: readonly RuleId[] = Object.values(RULE_IDS).sort();
