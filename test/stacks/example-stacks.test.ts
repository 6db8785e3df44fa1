/**
 * The example config is the seed scenario. These tests pin down what each environment stack creates,
 * property by property, as Terraform JSON.
 */
import {
  addresses,
  groupPolicyNames,
  managedPolicy,
  parsePolicy,
  resource,
  statement,
  synthExample,
  type SynthesizedStack,
} from '../helpers/synth';

const PIPELINE = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const ROLE_ARN = 'arn:aws:iam::111222333444:role/CrossAccountPipelineViewers';
let stacks: Record<string, SynthesizedStack>;

beforeAll(async () => {
  stacks = await synthExample();
});

test('three environments, each its own account', () => {
  expect(Object.keys(stacks).sort()).toEqual(['dev', 'prod', 'staging']);
  const accounts = Object.values(stacks).map((s) => s.provider.aws[0].allowed_account_ids);
  expect(accounts).toEqual([['111111111111'], ['222222222222'], ['111222333444']]);
});

describe('prod (111222333444, where MyFirstPipeline lives)', () => {
  const prod = () => stacks.prod;

  test('creates exactly these resources', () => {
    expect(addresses(prod())).toEqual([
      'aws_iam_account_password_policy.account',
      'aws_iam_group.codepipeline-access-self-service',
      'aws_iam_group.helprr-backend-developer-group',
      'aws_iam_group.release-approvers',
      'aws_iam_group.release-managers',
      'aws_iam_group.release-operators',
      'aws_iam_group_policy_attachment.codepipeline-access-self-service__codepipeline-access-self-service-change-own-password',
      'aws_iam_group_policy_attachment.helprr-backend-developer-group__helprr-backend-developer-policy',
      'aws_iam_group_policy_attachment.release-approvers__release-approvers-approver',
      'aws_iam_group_policy_attachment.release-managers__release-managers-admin',
      'aws_iam_group_policy_attachment.release-operators__release-operators-assume-roles',
      'aws_iam_policy.CrossAccountPipelineViewers-policy',
      'aws_iam_policy.codepipeline-access-self-service-change-own-password',
      'aws_iam_policy.helprr-backend-developer-policy',
      'aws_iam_policy.release-approvers-approver',
      'aws_iam_policy.release-managers-admin',
      'aws_iam_policy.release-operators-assume-roles',
      'aws_iam_policy.release-operators-operator',
      'aws_iam_role.CrossAccountPipelineViewers',
      'aws_iam_role.release-operators',
      'aws_iam_role_policy_attachment.CrossAccountPipelineViewers__CrossAccountPipelineViewers-policy',
      'aws_iam_role_policy_attachment.release-operators__release-operators-operator',
      'aws_iam_user.jin',
      'aws_iam_user.kai',
      'aws_iam_user.mina',
      'aws_iam_user.sam',
      'aws_iam_user_group_membership.jin',
      'aws_iam_user_group_membership.kai',
      'aws_iam_user_group_membership.mina',
      'aws_iam_user_group_membership.sam',
      'aws_iam_user_login_profile.jin',
      'aws_iam_user_login_profile.kai',
      'aws_iam_user_login_profile.mina',
      'aws_iam_user_login_profile.sam',
      'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890',
    ]);
  });

  test('the release operators hold no grant: their group may only assume their team role, which holds the grant', () => {
    expect(groupPolicyNames(prod(), 'release-operators')).toEqual(['release-operators-assume-roles']);
    expect(managedPolicy(prod(), 'release-operators-assume-roles').Statement).toEqual([
      {
        Sid: 'AssumeCrossAccountRole',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: ['arn:aws:iam::111222333444:role/release-operators'],
      },
    ]);
    const role = resource(prod(), 'aws_iam_role', 'release-operators');
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      {
        Sid: 'TeamMembers',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111222333444:root'] },
        Action: ['sts:AssumeRole'],
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111222333444:user/kai'] },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      },
    ]);
    expect(role.max_session_duration).toBe(3600);
  });

  test('seed 002: helprr-backend-developer-policy lets operators view, start, stop and retry, and nothing else', () => {
    const policy = managedPolicy(prod(), 'helprr-backend-developer-policy');
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement).toEqual([
      {
        Sid: 'ViewPipelines',
        Effect: 'Allow',
        Action: [
          'codepipeline:GetPipeline',
          'codepipeline:GetPipelineExecution',
          'codepipeline:GetPipelineState',
          'codepipeline:ListActionExecutions',
          'codepipeline:ListDeployActionExecutionTargets',
          'codepipeline:ListPipelineExecutions',
          'codepipeline:ListRuleExecutions',
          'codepipeline:ListTagsForResource',
        ],
        Resource: [PIPELINE],
      },
      {
        Sid: 'ListForConsole',
        Effect: 'Allow',
        Action: [
          'codepipeline:GetActionType',
          'codepipeline:ListActionTypes',
          'codepipeline:ListPipelines',
          'codepipeline:ListRuleTypes',
        ],
        Resource: ['*'],
      },
      {
        Sid: 'StartStopExecutions',
        Effect: 'Allow',
        Action: ['codepipeline:StartPipelineExecution', 'codepipeline:StopPipelineExecution'],
        Resource: [PIPELINE],
      },
      {
        Sid: 'RetryStages',
        Effect: 'Allow',
        Action: ['codepipeline:RetryStageExecution'],
        Resource: [`${PIPELINE}/*`],
      },
    ]);
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => /Create|Update|Delete|\*/.test(a))).toEqual([]);
  });

  test('seed 002: the policy is attached to helprr-backend-developer-group, and jin is in it', () => {
    expect(groupPolicyNames(prod(), 'helprr-backend-developer-group')).toEqual(['helprr-backend-developer-policy']);
    expect(resource(prod(), 'aws_iam_user_group_membership', 'jin')).toMatchObject({
      user: '${aws_iam_user.jin.name}',
      groups: [
        '${aws_iam_group.codepipeline-access-self-service.name}',
        '${aws_iam_group.helprr-backend-developer-group.name}',
      ],
    });
  });

  test('seed 000: the approver may approve MyApprovalAction only, with the reads to find it', () => {
    const policy = managedPolicy(prod(), 'release-approvers-approver');
    expect(policy.Statement).toEqual([
      { Sid: 'ListPipelinesForConsole', Effect: 'Allow', Action: ['codepipeline:ListPipelines'], Resource: ['*'] },
      {
        Sid: 'ReadApprovalPipelines',
        Effect: 'Allow',
        Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineExecution', 'codepipeline:GetPipelineState'],
        Resource: [PIPELINE],
      },
      {
        Sid: 'ApproveOrReject',
        Effect: 'Allow',
        Action: ['codepipeline:PutApprovalResult'],
        Resource: [`${PIPELINE}/MyApprovalStage/MyApprovalAction`],
      },
    ]);
    expect(groupPolicyNames(prod(), 'release-approvers')).toEqual(['release-approvers-approver']);
  });

  test('seed 004: release managers administer every pipeline of the account; PassRole only of the declared service role, only to CodePipeline', () => {
    const policy = managedPolicy(prod(), 'release-managers-admin');
    expect(statement(policy, 'AdministerPipelines')).toEqual({
      Sid: 'AdministerPipelines',
      Effect: 'Allow',
      Action: ['codepipeline:*'],
      Resource: ['arn:aws:codepipeline:us-east-2:111222333444:*'],
    });
    expect(statement(policy, 'WildcardOnlyActions').Resource).toEqual(['*']);
    expect(statement(policy, 'WildcardOnlyActions').Action).toContain('codepipeline:ListPipelines');
    expect(statement(policy, 'PassRoleToCodePipeline')).toEqual({
      Sid: 'PassRoleToCodePipeline',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::111222333444:role/codepipeline-MyFirstPipeline-service-role'],
      Condition: { StringEquals: { 'iam:PassedToService': 'codepipeline.amazonaws.com' } },
    });
  });

  test('console users: login profile with forced reset, guarded against replacement churn, no direct policies', () => {
    for (const user of ['jin', 'mina', 'sam']) {
      expect(resource(prod(), 'aws_iam_user', user)).toMatchObject({ name: user, force_destroy: true });
      expect(resource(prod(), 'aws_iam_user_login_profile', user)).toMatchObject({
        user: `\${aws_iam_user.${user}.name}`,
        password_reset_required: true,
        password_length: 20,
        lifecycle: { ignore_changes: ['password_length', 'password_reset_required', 'pgp_key'] },
      });
    }
    expect(prod().resource.aws_iam_user_policy_attachment).toBeUndefined();
    expect(prod().resource.aws_iam_user_policy).toBeUndefined();
  });

  test('users can change their own password: iam:ChangePassword on ${aws:username}, through a group', () => {
    const raw = String(
      resource(prod(), 'aws_iam_policy', 'codepipeline-access-self-service-change-own-password').policy,
    );
    expect(raw).toContain('user/$${aws:username}'); // escaped so Terraform does not interpolate it
    const policy = managedPolicy(prod(), 'codepipeline-access-self-service-change-own-password');
    expect(statement(policy, 'ChangeOwnPassword')).toMatchObject({
      Action: ['iam:ChangePassword'],
      Resource: ['arn:aws:iam::111222333444:user/${aws:username}'],
    });
    expect(statement(policy, 'ReadPasswordPolicy')).toMatchObject({
      Action: ['iam:GetAccountPasswordPolicy'],
      Resource: ['*'],
    });
    expect(groupPolicyNames(prod(), 'codepipeline-access-self-service')).toEqual([
      'codepipeline-access-self-service-change-own-password',
    ]);
  });

  test('seed 001: CrossAccountPipelineViewers trusts 111111111111 with MFA and views MyFirstPipeline only', () => {
    const role = resource(prod(), 'aws_iam_role', 'CrossAccountPipelineViewers');
    expect(role).toMatchObject({ name: 'CrossAccountPipelineViewers', max_session_duration: 3600 });
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      {
        Sid: 'TrustAccount',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
        Action: ['sts:AssumeRole'],
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
    const policy = managedPolicy(prod(), 'CrossAccountPipelineViewers-policy');
    expect(statement(policy, 'ViewPipelines').Resource).toEqual([PIPELINE]);
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['ViewPipelines', 'ListForConsole']);
    expect(
      resource(
        prod(),
        'aws_iam_role_policy_attachment',
        'CrossAccountPipelineViewers__CrossAccountPipelineViewers-policy',
      ),
    ).toMatchObject({
      role: '${aws_iam_role.CrossAccountPipelineViewers.name}',
      policy_arn: '${aws_iam_policy.CrossAccountPipelineViewers-policy.arn}',
    });
  });

  test('seed 001: the artifact bucket denies insecure transport and non-KMS uploads, and lets the viewer role read', () => {
    const bucket = 'arn:aws:s3:::codepipeline-us-east-2-1234567890';
    const entry = resource(prod(), 'aws_s3_bucket_policy', 'codepipeline-us-east-2-1234567890');
    expect(entry.bucket).toBe('codepipeline-us-east-2-1234567890');
    const policy = parsePolicy(entry.policy);
    expect(policy.Id).toBe('SSEAndSSLPolicy');
    expect(statement(policy, 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*'],
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statement(policy, 'DenyUnencryptedObjectUploads')).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject'],
      Resource: [`${bucket}/*`],
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    expect(statement(policy, 'DenyMissingEncryptionHeader')).toMatchObject({
      Effect: 'Deny',
      Action: ['s3:PutObject'],
      Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
    });
    expect(statement(policy, 'AllowCrossAccountViewerRead')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: [ROLE_ARN] },
      Action: ['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
    });
  });

  test('account password policy at least CIS: length 14, all classes, reuse 24, max age 90', () => {
    expect(resource(prod(), 'aws_iam_account_password_policy', 'account')).toMatchObject({
      minimum_password_length: 14,
      require_lowercase_characters: true,
      require_uppercase_characters: true,
      require_numbers: true,
      require_symbols: true,
      password_reuse_prevention: 24,
      max_password_age: 90,
      allow_users_to_change_password: true,
    });
  });

  test('provider: region, allowed account, default tags, no assume_role without a deployment role', () => {
    expect(prod().provider.aws).toEqual([
      {
        region: 'us-east-2',
        allowed_account_ids: ['111222333444'],
        default_tags: [{ tags: { Environment: 'prod', ManagedBy: 'codepipeline-access' } }],
      },
    ]);
  });

  test('hand-over outputs: sign-in URL, users, passwords (sensitive), role ARN and switch-role URL', () => {
    const out = prod().output;
    expect(out.console_sign_in_url.value).toBe('https://111222333444.signin.aws.amazon.com/console');
    expect(out.user_names.value).toEqual(['jin', 'mina', 'sam', 'kai']);
    expect(out.initial_passwords).toMatchObject({
      sensitive: true,
      value: {
        jin: '${aws_iam_user_login_profile.jin.password}',
        kai: '${aws_iam_user_login_profile.kai.password}',
        mina: '${aws_iam_user_login_profile.mina.password}',
        sam: '${aws_iam_user_login_profile.sam.password}',
      },
    });
    expect(out.encrypted_passwords).toMatchObject({ sensitive: true, value: {} });
    expect(out.role_arns.value).toEqual({
      CrossAccountPipelineViewers: '${aws_iam_role.CrossAccountPipelineViewers.arn}',
      'release-operators': '${aws_iam_role.release-operators.arn}',
    });
    const link = (role: string) =>
      `https://signin.aws.amazon.com/switchrole?account=111222333444&roleName=${role}&displayName=${role}%40prod`;
    expect(out.switch_role_urls.value).toEqual({
      CrossAccountPipelineViewers: link('CrossAccountPipelineViewers'),
      'release-operators': link('release-operators'),
    });
    expect(out.team_role_switch_urls.value).toEqual({ kai: { 'release-operators': link('release-operators') } });
  });

  test('self-describing for the plan analysis: account, region, pipeline inventory, policy purposes', () => {
    const out = prod().output;
    expect(out.account_id.value).toBe('111222333444');
    expect(out.region.value).toBe('us-east-2');
    expect(out.pipeline_inventory.value).toEqual([
      {
        name: 'MyFirstPipeline',
        arn: PIPELINE,
        stages: [
          {
            name: 'MyApprovalStage',
            arn: `${PIPELINE}/MyApprovalStage`,
            approval_actions: [`${PIPELINE}/MyApprovalStage/MyApprovalAction`],
          },
        ],
        webhooks: [],
        service_roles: ['arn:aws:iam::111222333444:role/codepipeline-MyFirstPipeline-service-role'],
      },
    ]);
    expect(out.action_types.value).toEqual([]);
    const purposes = Object.fromEntries(
      Object.values(prod().resource.aws_iam_policy).map((p) => [
        p.name,
        (p.tags as Record<string, string>)['codepipeline-access:purpose'],
      ]),
    );
    expect(purposes).toEqual({
      'CrossAccountPipelineViewers-policy': 'profile:viewer',
      'codepipeline-access-self-service-change-own-password': 'self-service',
      'helprr-backend-developer-policy': 'profile:operator',
      'release-approvers-approver': 'profile:approver',
      'release-managers-admin': 'profile:admin',
      'release-operators-assume-roles': 'assume-role',
      'release-operators-operator': 'profile:operator',
    });
    expect(managedPolicy(stacks.dev, 'pipeline-viewers-assume-roles')).toBeDefined();
    expect(
      Object.values(stacks.dev.resource.aws_iam_policy).find((p) => p.name === 'pipeline-viewers-assume-roles')?.tags,
    ).toEqual({
      'codepipeline-access:purpose': 'assume-role',
    });
  });

  test('backend: the Terraform Cloud workspace', () => {
    expect(prod().terraform.cloud).toEqual({
      organization: 'helprr',
      workspaces: { name: 'codepipeline-access-prod' },
    });
    expect(prod().terraform.backend).toBeUndefined();
  });
});

describe('dev (111111111111, the trusted account)', () => {
  test('seed 001: the pipeline-viewers group may assume exactly the role in prod', () => {
    const dev = stacks.dev;
    const policy = managedPolicy(dev, 'pipeline-viewers-assume-roles');
    expect(policy.Statement).toEqual([
      { Sid: 'AssumeCrossAccountRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [ROLE_ARN] },
    ]);
    expect(groupPolicyNames(dev, 'pipeline-viewers')).toEqual([
      'pipeline-viewers-assume-roles',
      'pipeline-viewers-viewer',
    ]);
    expect(resource(dev, 'aws_iam_user_group_membership', 'ana').groups).toContain(
      '${aws_iam_group.pipeline-viewers.name}',
    );
  });

  test('the trust and the assume-role policy name the same role and accounts across the two stacks', () => {
    const roleArnInProd = `arn:aws:iam::${stacks.prod.provider.aws[0].allowed_account_ids}:role/${resource(stacks.prod, 'aws_iam_role', 'CrossAccountPipelineViewers').name}`;
    expect(managedPolicy(stacks.dev, 'pipeline-viewers-assume-roles').Statement[0].Resource).toEqual([roleArnInProd]);
    const trusted = parsePolicy(resource(stacks.prod, 'aws_iam_role', 'CrossAccountPipelineViewers').assume_role_policy)
      .Statement[0].Principal;
    expect(trusted).toEqual({ AWS: [`arn:aws:iam::${stacks.dev.provider.aws[0].allowed_account_ids}:root`] });
  });

  test('backend: local state by default', () => {
    expect(stacks.dev.terraform.backend).toEqual({ local: { path: '../../../state/dev.tfstate' } });
  });
});

describe('staging (222222222222)', () => {
  test('provider assumes the deployment role', () => {
    expect(stacks.staging.provider.aws[0].assume_role).toEqual([
      {
        role_arn: 'arn:aws:iam::222222222222:role/codepipeline-access-deployer',
        session_name: 'codepipeline-access-staging',
      },
    ]);
  });

  test('backend: S3 with encryption and S3-native locking', () => {
    expect(stacks.staging.terraform.backend).toEqual({
      s3: {
        bucket: 'codepipeline-access-tfstate-222222222222',
        key: 'codepipeline-access/staging.tfstate',
        region: 'us-east-2',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test('the operator grant by tag covers the staging pipeline only', () => {
    const policy = managedPolicy(stacks.staging, 'helprr-backend-developer-policy');
    expect(statement(policy, 'ViewPipelines').Resource).toEqual([
      'arn:aws:codepipeline:us-east-2:222222222222:helprr-backend-staging',
    ]);
  });
});
