import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

/**
 * Separation of duties: a manual approval only holds if the people it guards cannot edit it away. Whoever may
 * update a pipeline that has approval actions (UpdatePipeline), or create one in its place with a service role
 * they may pass (CreatePipeline plus iam:PassRole), can remove the approval; that is expected of the pipeline's
 * admins only.
 */
export const approvalBypass: Rule = {
  id: RULE_IDS.approvalBypass,
  severity: 'error',
  summary: "A principal that is not the pipeline's admin can remove its approval (approval bypass)",
  explanation:
    "UpdatePipeline on a pipeline with manual approval actions lets its holder delete the approval stage; CreatePipeline with iam:PassRole lets its holder build the same pipeline without it. Grant those through an admin profile of that pipeline only, and keep the approvers' and the operators' profiles free of them.",
  check(context) {
    const finding = findingsOf(this, context);
    const withApprovals = context.env.pipelines.filter((p) => p.stages.some((s) => s.approval_actions.length > 0));
    return Object.entries(context.access.principals).flatMap(([key, entry]) => {
      const can = (resource: string, action: string) =>
        entry.allowed[resource]?.includes(action) === true || entry.conditional?.[resource]?.[action] !== undefined;
      // Passing a role to CodePipeline itself: a PassRole only to another service builds no pipeline.
      const toCodePipeline = (resource: string) =>
        entry.allowed[resource]?.includes('iam:PassRole') === true ||
        (entry.conditional?.[resource]?.['iam:PassRole'] ?? []).some(
          (c) => c['iam:PassedToService'] === undefined || c['iam:PassedToService'] === 'codepipeline.amazonaws.com',
        );
      const passesRoles = [...Object.keys(entry.allowed), ...Object.keys(entry.conditional ?? {})].some(
        (resource) => resource.includes(':role/') && toCodePipeline(resource),
      );
      const intended = context.intent?.principals[key];
      const policies =
        context.env.users.find((u) => u.arn === entry.arn)?.policies ??
        context.env.roles.find((r) => r.arn === entry.arn)?.policies ??
        context.env.identityCenterRoles.find((r) => r.arn === entry.arn)?.policies ??
        [];
      return withApprovals.flatMap((pipeline) => {
        const admin = intended
          ? intended.grants.some(
              (g) => g.kind === 'admin' && (g.pipelines === 'all' || g.pipelines.includes(pipeline.name)),
            )
          : policies.some((p) => p.purpose === 'profile:admin');
        if (admin) return [];
        const ways = [
          ...(can(pipeline.name, 'UpdatePipeline') ? ['UpdatePipeline'] : []),
          ...(can(pipeline.name, 'CreatePipeline') && passesRoles ? ['CreatePipeline with iam:PassRole'] : []),
        ];
        return ways.length === 0
          ? []
          : [
              finding(
                key,
                `Pipeline::${pipeline.name}`,
                `${key} is not an admin of ${pipeline.name} but can remove its approval (${ways.join(', ')})`,
              ),
            ];
      });
    });
  },
};
