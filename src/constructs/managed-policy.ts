import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { Construct } from 'constructs';
import { PROJECT_TAGS } from '../iam/tags';
import type { ManagedPolicyModel } from '../model/types';
import { resourceName } from './terraform-names';

/**
 * A customer-managed policy for a group or a role; one per policy name in an account. `importId`: the existing
 * policy the first deploy takes over (its ARN) instead of creating one.
 */
export function createManagedPolicy(scope: Construct, policy: ManagedPolicyModel, importId?: string): IamPolicy {
  const resource = new IamPolicy(scope, `policy-${policy.name}`, {
    name: policy.name,
    description: policy.description,
    policy: policy.json,
    tags: { [PROJECT_TAGS.purpose]: policy.purpose },
  });
  resource.overrideLogicalId(resourceName(policy.name));
  if (importId !== undefined) resource.importFrom(importId);
  return resource;
}
