import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { Construct } from 'constructs';
import type { ManagedPolicyModel } from '../model/types';
import { resourceName } from './terraform-names';

/** Tag key telling the plan analysis what a policy is for (see PolicyPurpose). */
export const PURPOSE_TAG = 'codepipeline-access:purpose';

/**
 * A customer-managed policy for a group or a role; one per policy name in an account. `importId`: the existing
 * policy the first deploy takes over (its ARN) instead of creating one.
 */
export function createManagedPolicy(scope: Construct, policy: ManagedPolicyModel, importId?: string): IamPolicy {
  const resource = new IamPolicy(scope, `policy-${policy.name}`, {
    name: policy.name,
    description: policy.description,
    policy: policy.json,
    tags: { [PURPOSE_TAG]: policy.purpose },
  });
  resource.overrideLogicalId(resourceName(policy.name));
  if (importId !== undefined) resource.importFrom(importId);
  return resource;
}
