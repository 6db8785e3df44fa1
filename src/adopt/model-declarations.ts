/**
 * The declarations of an environment (src/live/live-environment.ts Declarations) from its model, for `npm run adopt`,
 * which runs before anything is planned: the same pipeline inventory and action types the stack outputs, the
 * guardrails and artifact bucket policies the stack would plan.
 */
import { parsePolicyText, type PlannedGuardrails } from '../analysis/plan-principals';
import { resourceName } from '../constructs/terraform-names';
import type { Declarations } from '../live/live-environment';
import { declaredActionTypes, pipelineInventory } from '../model/declarations';
import type { EnvironmentModel } from '../model/types';

function guardrailsOf(env: EnvironmentModel): PlannedGuardrails {
  const named = (list: EnvironmentModel['guardrails']['serviceControlPolicies']) =>
    list.map((p) => ({ name: p.name, document: parsePolicyText(p.json) }));
  const boundary = env.guardrails.permissionsBoundary;
  return {
    serviceControlPolicies: named(env.guardrails.serviceControlPolicies),
    resourceControlPolicies: named(env.guardrails.resourceControlPolicies),
    permissionsBoundary: boundary ? { arn: boundary.arn, document: parsePolicyText(boundary.json) } : undefined,
  };
}

export function modelDeclarations(env: EnvironmentModel): Declarations {
  return {
    name: env.name,
    accountId: env.accountId,
    region: env.region,
    partition: env.partition,
    pipelines: pipelineInventory(env),
    actionTypes: declaredActionTypes(env),
    guardrails: guardrailsOf(env),
    roles: env.roles.flatMap((r) =>
      r.teamRole ? [{ name: r.name, teamRole: { team: r.teamRole.team, group: r.teamRole.group } }] : [],
    ),
    bucketPolicies: env.bucketPolicies.map((b) => ({
      bucket: b.bucket,
      address: `aws_s3_bucket_policy.${resourceName(b.bucket)}`,
      document: parsePolicyText(b.json),
      text: b.json,
    })),
  };
}
