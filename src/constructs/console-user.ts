import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserGroupMembership } from '@cdktf/provider-aws/lib/iam-user-group-membership';
import { IamUserLoginProfile } from '@cdktf/provider-aws/lib/iam-user-login-profile';
import { Construct } from 'constructs';
import type { ImportsModel, UserModel } from '../model/types';
import { resourceName } from './terraform-names';

export interface ConsoleUserProps {
  readonly user: UserModel;
  /** Group resources by group name, so memberships wait for the groups. */
  readonly groupNames: ReadonlyMap<string, string>;
  /** Length of the generated first password; the account password policy's minimum. */
  readonly passwordLength: number;
  /** IAM policy ARN set as the user's permissions boundary. @default - none */
  readonly permissionsBoundary?: string;
  /**
   * Existing resources the first deploy takes over (the environment's `imports`): the user, its login profile and
   * its group membership, each where listed. @default - all are created
   */
  readonly imports?: ImportsModel;
}

/**
 * A person: an IAM user with no policies of its own (access comes only through groups), a non-exclusive
 * group membership, and a console login profile with a generated first password.
 */
export class ConsoleUser extends Construct {
  readonly user: IamUser;
  readonly loginProfile?: IamUserLoginProfile;

  constructor(scope: Construct, id: string, props: ConsoleUserProps) {
    super(scope, id);
    const { user } = props;
    this.user = new IamUser(this, 'user', {
      name: user.name,
      // Lets Terraform remove a departed user even after they added MFA devices or keys by hand.
      forceDestroy: true,
      permissionsBoundary: props.permissionsBoundary,
      tags: Object.keys(user.tags).length > 0 ? { ...user.tags } : undefined,
    });
    this.user.overrideLogicalId(resourceName(user.name));
    const imports = props.imports;
    const userImport = imports?.users[user.name];
    if (userImport !== undefined) this.user.importFrom(userImport);
    // One reference token for both uses: each read of `.name` makes a new one (with a stack trace).
    const userName = this.user.name;

    // Not aws_iam_group_membership: that one is exclusive and fights memberships made elsewhere.
    const membership = new IamUserGroupMembership(this, 'groups', {
      user: userName,
      groups: user.groups.map((g) => props.groupNames.get(g) ?? g),
    });
    membership.overrideLogicalId(resourceName(user.name));
    const membershipImport = imports?.groupMemberships[user.name];
    if (membershipImport !== undefined) membership.importFrom(membershipImport);

    if (user.console) {
      this.loginProfile = new IamUserLoginProfile(this, 'login', {
        user: userName,
        passwordResetRequired: user.console.passwordResetRequired,
        passwordLength: props.passwordLength,
        pgpKey: user.console.pgpKey,
        // The user changes the password at first sign-in; without this, every plan would replace the profile.
        lifecycle: { ignoreChanges: ['password_length', 'password_reset_required', 'pgp_key'] },
      });
      this.loginProfile.overrideLogicalId(resourceName(user.name));
      const loginImport = imports?.loginProfiles[user.name];
      if (loginImport !== undefined) this.loginProfile.importFrom(loginImport);
    }
  }
}
