import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { Construct } from 'constructs';
import type { GroupModel } from '../model/types';
import { createManagedPolicy } from './managed-policy';
import { resourceName } from './terraform-names';

export interface AccessGroupProps {
  /** The group and the policies attached to it. */
  readonly group: GroupModel;
}

/** An IAM group (a team, or the self-service group) with its customer-managed policies attached. */
export class AccessGroup extends Construct {
  readonly group: IamGroup;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    const { group } = props;
    this.group = new IamGroup(this, 'group', { name: group.name });
    this.group.overrideLogicalId(resourceName(group.name));
    for (const policy of group.policies) {
      const resource = createManagedPolicy(this, policy);
      const attachment = new IamGroupPolicyAttachment(this, `attach-${policy.name}`, {
        group: this.group.name,
        policyArn: resource.arn,
      });
      attachment.overrideLogicalId(resourceName(group.name, policy.name));
    }
  }
}
