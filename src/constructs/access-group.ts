import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { Construct } from 'constructs';
import type { GroupModel, ImportsModel } from '../model/types';
import { createManagedPolicy } from './managed-policy';
import { resourceName } from './terraform-names';

export interface AccessGroupProps {
  /** The group and the policies attached to it. */
  readonly group: GroupModel;
  /**
   * Existing resources the first deploy takes over (the environment's `imports`): the group, its policies and
   * their attachments, each where listed. @default - all are created
   */
  readonly imports?: ImportsModel;
}

/** An IAM group (a team, or the self-service group) with its customer-managed policies attached. */
export class AccessGroup extends Construct {
  readonly group: IamGroup;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    const { group, imports } = props;
    this.group = new IamGroup(this, 'group', { name: group.name });
    this.group.overrideLogicalId(resourceName(group.name));
    const groupImport = imports?.groups[group.name];
    if (groupImport !== undefined) this.group.importFrom(groupImport);
    for (const policy of group.policies) {
      const resource = createManagedPolicy(this, policy, imports?.policies[policy.name]);
      const attachment = new IamGroupPolicyAttachment(this, `attach-${policy.name}`, {
        group: this.group.name,
        policyArn: resource.arn,
      });
      attachment.overrideLogicalId(resourceName(group.name, policy.name));
      const attachmentImport = imports?.groupPolicyAttachments[`${group.name}/${policy.name}`];
      if (attachmentImport !== undefined) attachment.importFrom(attachmentImport);
    }
  }
}
