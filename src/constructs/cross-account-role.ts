import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { PROJECT_TAGS } from '../iam/tags';
import type { ImportsModel, RoleModel } from '../model/types';
import { createManagedPolicy } from './managed-policy';
import { resourceName } from './terraform-names';

export interface CrossAccountRoleProps {
  readonly role: RoleModel;
  /** IAM policy ARN set as the role's permissions boundary. @default - none */
  readonly permissionsBoundary?: string;
  /**
   * Existing resources the first deploy takes over (the environment's `imports`): the role, its policies and their
   * attachments, each where listed. @default - all are created
   */
  readonly imports?: ImportsModel;
}

/**
 * A role with its trust and policies: the pipeline-account side of cross-account access (a role trusting the other
 * account, with its profile), or a team's own role in its account (trusting exactly its members, with its grants).
 */
export class CrossAccountRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: CrossAccountRoleProps) {
    super(scope, id);
    const { role, imports } = props;
    this.role = new IamRole(this, 'role', {
      name: role.name,
      description: role.description,
      assumeRolePolicy: role.trustJson,
      maxSessionDuration: role.maxSessionDurationSeconds,
      permissionsBoundary: props.permissionsBoundary,
      tags: role.teamRole
        ? { [PROJECT_TAGS.teamRole]: role.teamRole.team, [PROJECT_TAGS.teamGroup]: role.teamRole.group }
        : undefined,
    });
    this.role.overrideLogicalId(resourceName(role.name));
    const roleImport = imports?.roles[role.name];
    if (roleImport !== undefined) this.role.importFrom(roleImport);
    for (const policy of role.policies) {
      const resource = createManagedPolicy(this, policy, imports?.policies[policy.name]);
      const attachment = new IamRolePolicyAttachment(this, `attach-${policy.name}`, {
        role: this.role.name,
        policyArn: resource.arn,
      });
      attachment.overrideLogicalId(resourceName(role.name, policy.name));
      const attachmentImport = imports?.rolePolicyAttachments[`${role.name}/${policy.name}`];
      if (attachmentImport !== undefined) attachment.importFrom(attachmentImport);
    }
  }
}
