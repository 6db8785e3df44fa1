/**
 * The tags the stacks put on what they create so that the analysis, which reads only plans (and live accounts),
 * knows what each thing is for. One definition for the constructs that write them and the readers.
 */
export const PROJECT_TAGS = {
  /** On each customer managed policy: why it exists (PolicyPurpose, src/model/types.ts). */
  purpose: 'codepipeline-access:purpose',
  /** On a team's own role (`delivery: iam-role`): its team, and the group whose members may assume it. */
  teamRole: 'codepipeline-access:team-role',
  teamGroup: 'codepipeline-access:team-group',
  /** On each permission set: the profile kinds of its team's grants, space-separated. */
  profileKinds: 'codepipeline-access:profile-kinds',
} as const;
