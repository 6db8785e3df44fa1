import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserGroupMembership } from '@cdktf/provider-aws/lib/iam-user-group-membership';
import { IamUserLoginProfile } from '@cdktf/provider-aws/lib/iam-user-login-profile';
import { TerraformIterator, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { UserModel } from '../model/types';

export interface PeopleProps {
  /** Every person of the environment. */
  readonly users: readonly UserModel[];
  /** The group resources, so memberships are made after the groups exist. */
  readonly groups: readonly ITerraformDependable[];
  /** Length of the generated first passwords; at least the account password policy's minimum. */
  readonly passwordLength: number;
}

/** Terraform resource names; instances are addressed by user name: `aws_iam_user.people["jin"]`. */
export const PEOPLE = 'people';

/**
 * The people of an environment as three `for_each` resources keyed by user name: IAM users with no policies of
 * their own (access comes only through groups), non-exclusive group memberships, and console login profiles
 * with a generated first password. One resource per kind, not per person, keeps synth and the plan's
 * configuration small at a thousand people, and keeps each person's address readable and stable.
 */
export class People extends Construct {
  readonly users?: IamUser;
  readonly loginProfiles?: IamUserLoginProfile;

  constructor(scope: Construct, id: string, props: PeopleProps) {
    super(scope, id);
    if (props.users.length === 0) return;
    const byName = (entries: [string, Record<string, unknown>][]) =>
      Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));

    const people = TerraformIterator.fromMap(
      byName(props.users.map((u) => [u.name, { name: u.name, groups: [...u.groups], tags: { ...u.tags } }])),
    );
    this.users = new IamUser(this, 'users', {
      forEach: people,
      name: people.getString('name'),
      // Lets Terraform remove a departed user even after they added MFA devices or keys by hand.
      forceDestroy: true,
      tags: people.getStringMap('tags'),
    });
    this.users.overrideLogicalId(PEOPLE);

    // Not aws_iam_group_membership: that one is exclusive and fights memberships made elsewhere.
    const memberships = new IamUserGroupMembership(this, 'groups', {
      forEach: people,
      user: people.getString('name'),
      groups: people.getList('groups'),
      dependsOn: [this.users, ...props.groups],
    });
    memberships.overrideLogicalId(PEOPLE);

    const consoleUsers = props.users.filter((u) => u.console);
    if (consoleUsers.length === 0) return;
    const logins = TerraformIterator.fromMap(
      byName(
        consoleUsers.map((u) => [
          u.name,
          { name: u.name, reset: u.console?.passwordResetRequired ?? true, pgp_key: u.console?.pgpKey ?? null },
        ]),
      ),
    );
    this.loginProfiles = new IamUserLoginProfile(this, 'login', {
      forEach: logins,
      user: logins.getString('name'),
      passwordResetRequired: logins.getAny('reset') as unknown as boolean,
      passwordLength: props.passwordLength,
      pgpKey: logins.getString('pgp_key'),
      dependsOn: [this.users],
      // The user changes the password at first sign-in; without this, every plan would replace the profile.
      lifecycle: { ignoreChanges: ['password_length', 'password_reset_required', 'pgp_key'] },
    });
    this.loginProfiles.overrideLogicalId(PEOPLE);
  }
}
