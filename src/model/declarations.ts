/**
 * What an environment declares that access is about, as ARNs: its pipelines with their stages, approval actions,
 * webhooks and service roles, and its custom action types. The stack outputs exactly this (`pipeline_inventory`,
 * `action_types`) for the analysis, which reads only plans; `npm run adopt`, which runs before anything is planned,
 * reads it from here.
 */
import { arns } from '../iam/arns';
import type { EnvironmentModel } from './types';

/** One declared pipeline, as the stack's `pipeline_inventory` output carries it (snake_case: Terraform's output). */
export interface PipelineDeclaration {
  readonly name: string;
  readonly arn: string;
  readonly stages: readonly {
    readonly name: string;
    readonly arn: string;
    readonly approval_actions: readonly string[];
  }[];
  readonly webhooks: readonly { readonly name: string; readonly arn: string }[];
  readonly service_roles: readonly string[];
}

export function pipelineInventory(env: EnvironmentModel): PipelineDeclaration[] {
  return env.pipelines.map((p) => ({
    name: p.name,
    arn: arns.pipeline(env, p.name),
    stages: p.stages.map((stage) => ({
      name: stage.name,
      arn: arns.stage(env, p.name, stage.name),
      approval_actions: stage.approvals.map((action) => arns.action(env, p.name, stage.name, action)),
    })),
    webhooks: p.webhooks.map((name) => ({ name, arn: arns.webhook(env, name) })),
    service_roles: p.serviceRoleArn === undefined ? [] : [p.serviceRoleArn],
  }));
}

export function declaredActionTypes(env: EnvironmentModel): string[] {
  return env.actionTypes.map((t) => arns.actionType(env, t));
}
