import { RULE_IDS } from '../../config/rule-ids';
import { findingsOf, type Rule } from './rule';

const WRITES = ['CreatePipeline', 'UpdatePipeline', 'DeletePipeline'];

export const nonAdminPipelineWrite: Rule = {
  id: RULE_IDS.nonAdminPipelineWrite,
  severity: 'error',
  summary: 'A principal without an admin profile can create, update or delete a pipeline',
  explanation:
    'Changing a pipeline changes what it deploys and with which role. Only admin profiles should be able to; give the principal an operator profile (start, stop, retry) or make the grant an admin profile on purpose.',
  check(context) {
    const finding = findingsOf(this, context);
    const adminPrincipals = new Set(
      [...context.env.users, ...context.env.roles, ...context.env.identityCenterRoles]
        .filter((p) => p.policies.some((policy) => policy.purpose === 'profile:admin'))
        .map((p) => p.arn),
    );
    return Object.entries(context.access.principals).flatMap(([key, access]) => {
      if (adminPrincipals.has(access.arn)) return [];
      return Object.entries(access.allowed).flatMap(([resource, actions]) =>
        actions
          .filter((a) => WRITES.includes(a))
          .map((a) =>
            finding(
              key,
              `Action::codepipeline:${a}@${resource}`,
              `${key} may ${a} on ${resource} without an admin profile`,
            ),
          ),
      );
    });
  },
};
