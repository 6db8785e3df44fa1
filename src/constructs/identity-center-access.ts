import { IdentitystoreGroup } from '@cdktf/provider-aws/lib/identitystore-group';
import { IdentitystoreGroupMembership } from '@cdktf/provider-aws/lib/identitystore-group-membership';
import { IdentitystoreUser } from '@cdktf/provider-aws/lib/identitystore-user';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Construct } from 'constructs';
import { PROJECT_TAGS } from '../iam/tags';
import type { IdentityCenterModel } from '../model/types';
import { resourceName } from './terraform-names';

export interface IdentityCenterAccessProps {
  readonly identityCenter: IdentityCenterModel;
  /** The provider of the instance's home region. @default - the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * The teams delivered through IAM Identity Center: per team a permission set with its inline policy, the identity
 * store groups and users the project manages and their memberships, and one account assignment per group,
 * permission set and account. Identity Center provisions the `AWSReservedSSO_*` role in each account itself.
 */
export class IdentityCenterAccess extends Construct {
  /** Person name -> the Identity Center user resource. */
  readonly users = new Map<string, IdentitystoreUser>();

  constructor(scope: Construct, id: string, props: IdentityCenterAccessProps) {
    super(scope, id);
    const ic = props.identityCenter;
    const { provider } = props;
    const instanceArn = ic.instanceArn;
    const identityStoreId = ic.identityStoreId;

    const permissionSets = new Map<string, { arn: string; policy: SsoadminPermissionSetInlinePolicy }>();
    for (const set of ic.permissionSets) {
      const resource = new SsoadminPermissionSet(this, `permission-set-${set.name}`, {
        provider,
        instanceArn,
        name: set.name,
        description: set.description,
        sessionDuration: set.sessionDuration,
        tags: { [PROJECT_TAGS.profileKinds]: set.kinds.join(' ') },
      });
      resource.overrideLogicalId(resourceName(set.name));
      const arn = resource.arn;
      const policy = new SsoadminPermissionSetInlinePolicy(this, `inline-policy-${set.name}`, {
        provider,
        instanceArn,
        permissionSetArn: arn,
        inlinePolicy: set.json,
      });
      policy.overrideLogicalId(resourceName(set.name));
      permissionSets.set(set.name, { arn, policy });
    }

    for (const user of ic.users) {
      const resource = new IdentitystoreUser(this, `user-${user.person}`, {
        provider,
        identityStoreId,
        userName: user.userName,
        displayName: user.displayName,
        name: { givenName: user.givenName, familyName: user.familyName },
        emails: { value: user.email, primary: true },
      });
      resource.overrideLogicalId(resourceName(user.person));
      this.users.set(user.person, resource);
    }

    const groupIds = new Map<string, string>();
    for (const group of ic.groups) {
      if (group.externalId !== undefined) {
        groupIds.set(group.key, group.externalId);
        continue;
      }
      const resource = new IdentitystoreGroup(this, `group-${group.key}`, {
        provider,
        identityStoreId,
        displayName: group.displayName,
        description: group.description,
      });
      resource.overrideLogicalId(resourceName(group.key));
      const groupId = resource.groupId;
      groupIds.set(group.key, groupId);
      for (const member of group.members) {
        const user = this.users.get(member);
        if (!user) continue; // the config check requires the user of every managed member
        const membership = new IdentitystoreGroupMembership(this, `member-${group.key}-${member}`, {
          provider,
          identityStoreId,
          groupId,
          memberId: user.userId,
        });
        membership.overrideLogicalId(resourceName(group.key, member));
      }
    }

    for (const a of ic.assignments) {
      const set = permissionSets.get(a.permissionSet);
      const principalId = groupIds.get(a.group);
      if (!set || principalId === undefined) continue;
      const assignment = new SsoadminAccountAssignment(this, `assignment-${a.group}-${a.environment}`, {
        provider,
        instanceArn,
        permissionSetArn: set.arn,
        principalId,
        principalType: 'GROUP',
        targetId: a.accountId,
        targetType: 'AWS_ACCOUNT',
        // Provisioned with its policy: an assignment made first would provision a role that can do nothing.
        dependsOn: [set.policy],
      });
      assignment.overrideLogicalId(resourceName(a.group, 'to', a.environment));
    }
  }
}
