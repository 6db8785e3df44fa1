/**
 * The plan, not the synthesized JSON: for each fixture and environment, real `terraform plan` output must
 * create exactly the IAM entities (and audit trail resources) the resolved model says, with the policy documents
 * Terraform will send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicResourceName } from '../../src/constructs/audit-notifications';
import { resourceName } from '../../src/constructs/terraform-names';
import { loadAccessConfig } from '../../src/model/load-model';
import type { AccessModel, EnvironmentModel } from '../../src/model/types';
import type { PlanView } from '../../src/plan/plan-json';
import { PLAN_FIXTURES, fixtureOutdir, readPlan } from '../helpers/plans';

function expectedAddresses(env: EnvironmentModel): string[] {
  const addresses = ['aws_iam_account_password_policy.account'];
  for (const group of env.groups) {
    addresses.push(`aws_iam_group.${resourceName(group.name)}`);
    for (const policy of group.policies) {
      addresses.push(
        `aws_iam_policy.${resourceName(policy.name)}`,
        `aws_iam_group_policy_attachment.${resourceName(group.name, policy.name)}`,
      );
    }
  }
  for (const user of env.users) {
    addresses.push(
      `aws_iam_user.${resourceName(user.name)}`,
      `aws_iam_user_group_membership.${resourceName(user.name)}`,
    );
    if (user.console) addresses.push(`aws_iam_user_login_profile.${resourceName(user.name)}`);
  }
  for (const role of env.roles) {
    addresses.push(`aws_iam_role.${resourceName(role.name)}`);
    for (const policy of role.policies) {
      addresses.push(
        `aws_iam_policy.${resourceName(policy.name)}`,
        `aws_iam_role_policy_attachment.${resourceName(role.name, policy.name)}`,
      );
    }
  }
  for (const bucket of env.bucketPolicies) addresses.push(`aws_s3_bucket_policy.${resourceName(bucket.bucket)}`);
  const ic = env.identityCenter;
  for (const set of ic?.permissionSets ?? [])
    addresses.push(
      `aws_ssoadmin_permission_set.${resourceName(set.name)}`,
      `aws_ssoadmin_permission_set_inline_policy.${resourceName(set.name)}`,
    );
  for (const user of ic?.users ?? []) addresses.push(`aws_identitystore_user.${resourceName(user.person)}`);
  for (const group of ic?.groups.filter((g) => g.externalId === undefined) ?? []) {
    addresses.push(`aws_identitystore_group.${resourceName(group.key)}`);
    for (const member of group.members)
      addresses.push(`aws_identitystore_group_membership.${resourceName(group.key, member)}`);
  }
  for (const a of ic?.assignments ?? [])
    addresses.push(`aws_ssoadmin_account_assignment.${resourceName(a.group, 'to', a.environment)}`);
  return [...addresses, ...auditAddresses(env)].sort();
}

/** The audit trail's resources: the trail and its bucket unless an existing trail is named, rules, topics. */
function auditAddresses(env: EnvironmentModel): string[] {
  const audit = env.auditTrail;
  if (!audit) return [];
  const addresses: string[] = [];
  if (audit.trail.kind === 'created') {
    const { bucket } = audit.trail;
    const name = resourceName(bucket.name);
    addresses.push(`aws_cloudtrail.${resourceName(audit.trail.name)}`, `aws_s3_bucket_policy.${name}`);
    if (bucket.create) addresses.push(`aws_s3_bucket.${name}`, `aws_s3_bucket_public_access_block.${name}`);
    if (bucket.retentionDays !== undefined) addresses.push(`aws_s3_bucket_lifecycle_configuration.${name}`);
  }
  for (const rule of audit.rules)
    addresses.push(
      `aws_cloudwatch_event_rule.${resourceName(rule.name)}`,
      `aws_cloudwatch_event_target.${resourceName(rule.name)}`,
    );
  for (const topic of audit.topics) {
    if (topic.createName !== undefined) addresses.push(`aws_sns_topic.${topicResourceName(topic)}`);
    addresses.push(`aws_sns_topic_policy.${topicResourceName(topic)}`);
  }
  return addresses;
}

const parse = (value: unknown) => JSON.parse(String(value)) as Record<string, unknown>;

describe.each(PLAN_FIXTURES)('plan of fixture "$name"', (fixture) => {
  let model: AccessModel;
  const plans = new Map<string, PlanView>();

  beforeAll(async () => {
    model = (await loadAccessConfig(fixture.configFile)).model;
    for (const env of model.environments) plans.set(env.name, readPlan(fixture.name, env.name));
  });

  const eachEnv = (check: (env: EnvironmentModel, plan: PlanView) => void) => () => {
    expect(model.environments.length).toBeGreaterThan(0);
    for (const env of model.environments) {
      const plan = plans.get(env.name);
      if (!plan) throw new Error(`no plan for ${env.name}`);
      check(env, plan);
    }
  };

  test(
    'creates exactly the resources of the model, and only creates',
    eachEnv((env, plan) => {
      expect(plan.addresses()).toEqual(expectedAddresses(env));
      for (const address of plan.addresses())
        expect([address, plan.change(address).change.actions]).toEqual([address, ['create']]);
    }),
  );

  test(
    'every managed policy is the rendered document, as Terraform will send it',
    eachEnv((env, plan) => {
      const policies = [...env.groups.flatMap((g) => g.policies), ...env.roles.flatMap((r) => r.policies)];
      for (const policy of policies) {
        const after = plan.after(`aws_iam_policy.${resourceName(policy.name)}`);
        expect(after.name).toBe(policy.name);
        expect(parse(after.policy)).toEqual(JSON.parse(policy.json));
      }
    }),
  );

  test(
    "every permission set's inline policy is the rendered document, as Terraform will send it",
    eachEnv((env, plan) => {
      for (const set of env.identityCenter?.permissionSets ?? []) {
        const address = `aws_ssoadmin_permission_set_inline_policy.${resourceName(set.name)}`;
        expect(parse(plan.after(address).inline_policy)).toEqual(JSON.parse(set.json));
        expect(plan.referencedResource(address, 'permission_set_arn')).toBe(
          `aws_ssoadmin_permission_set.${resourceName(set.name)}`,
        );
      }
    }),
  );

  test(
    'group attachments resolve, through configuration references, to the right group and policy',
    eachEnv((env, plan) => {
      for (const group of env.groups) {
        const attached = plan
          .ofType('aws_iam_group_policy_attachment')
          .filter((a) => plan.referencedResource(a.address, 'group') === `aws_iam_group.${resourceName(group.name)}`)
          .map((a) => plan.referencedResource(a.address, 'policy_arn'));
        expect(attached.sort()).toEqual(group.policies.map((p) => `aws_iam_policy.${resourceName(p.name)}`).sort());
        expect(plan.after(`aws_iam_group.${resourceName(group.name)}`).name).toBe(group.name);
      }
    }),
  );

  test(
    'memberships name each user and their groups; login profiles force a reset',
    eachEnv((env, plan) => {
      for (const user of env.users) {
        const membership = plan.after(`aws_iam_user_group_membership.${resourceName(user.name)}`);
        expect(membership.user).toBe(user.name);
        expect([...(membership.groups as string[])].sort()).toEqual([...user.groups]);
        if (user.console) {
          const profile = plan.after(`aws_iam_user_login_profile.${resourceName(user.name)}`);
          expect(profile.user).toBe(user.name);
          expect(profile.password_reset_required).toBe(user.console.passwordResetRequired);
          expect(profile.pgp_key ?? undefined).toBe(user.console.pgpKey);
        }
      }
      expect(plan.ofType('aws_iam_user_policy_attachment')).toEqual([]);
      expect(plan.ofType('aws_iam_user_policy')).toEqual([]);
    }),
  );

  test(
    'roles carry their trust policy; role attachments resolve to their policies',
    eachEnv((env, plan) => {
      for (const role of env.roles) {
        const after = plan.after(`aws_iam_role.${resourceName(role.name)}`);
        expect(parse(after.assume_role_policy)).toEqual(JSON.parse(role.trustJson));
        expect(after.max_session_duration).toBe(role.maxSessionDurationSeconds);
        const attached = plan
          .ofType('aws_iam_role_policy_attachment')
          .filter((a) => plan.referencedResource(a.address, 'role') === `aws_iam_role.${resourceName(role.name)}`)
          .map((a) => plan.referencedResource(a.address, 'policy_arn'));
        expect(attached.sort()).toEqual(role.policies.map((p) => `aws_iam_policy.${resourceName(p.name)}`).sort());
      }
    }),
  );

  test(
    'bucket policies deny insecure transport and non-KMS uploads',
    eachEnv((env, plan) => {
      for (const bucket of env.bucketPolicies) {
        const after = plan.after(`aws_s3_bucket_policy.${resourceName(bucket.bucket)}`);
        expect(after.bucket).toBe(bucket.bucket);
        const policy = parse(after.policy) as { Statement: { Sid: string; Effect: string; Condition?: unknown }[] };
        expect(policy).toEqual(JSON.parse(bucket.json));
        const sids = policy.Statement.filter((s) => s.Effect === 'Deny').map((s) => s.Sid);
        expect(sids).toEqual(
          expect.arrayContaining([
            'DenyInsecureTransport',
            'DenyUnencryptedObjectUploads',
            'DenyMissingEncryptionHeader',
          ]),
        );
      }
    }),
  );

  test('each assume-role policy in a trusted account points at a role planned in the pipeline account', () => {
    let edges = 0;
    for (const trusted of model.environments) {
      const plan = plans.get(trusted.name) as PlanView;
      for (const policy of plan.ofType('aws_iam_policy')) {
        const document = parse(policy.change.after?.policy) as {
          Statement: { Action: string[]; Resource: string[] }[];
        };
        const assume = document.Statement.filter((s) => s.Action.includes('sts:AssumeRole'));
        for (const roleArn of assume.flatMap((s) => s.Resource)) {
          const [, , , , account, resource] = roleArn.split(':');
          const pipelineEnv = model.environments.find((e) => e.accountId === account);
          expect(pipelineEnv).toBeDefined();
          const rolePlan = (plans.get(pipelineEnv?.name ?? '') as PlanView).after(
            `aws_iam_role.${resourceName(resource.replace('role/', ''))}`,
          );
          const trust = parse(rolePlan.assume_role_policy) as { Statement: { Principal: { AWS: string[] } }[] };
          expect(trust.Statement[0].Principal.AWS).toEqual([`arn:aws:iam::${trusted.accountId}:root`]);
          edges++;
        }
      }
    }
    // A team delivered through Identity Center holds its grants in its permission set's inline policy.
    const ic = model.identityCenter;
    for (const set of ic?.permissionSets ?? []) {
      const accounts = ic?.assignments.filter((a) => a.permissionSet === set.name).map((a) => a.accountId) ?? [];
      for (const roleArn of set.document.statements
        .filter((s) => s.actions.includes('sts:AssumeRole'))
        .flatMap((s) => s.resources ?? [])) {
        const [, , , , account, resource] = roleArn.split(':');
        const pipelineEnv = model.environments.find((e) => e.accountId === account);
        const rolePlan = (plans.get(pipelineEnv?.name ?? '') as PlanView).after(
          `aws_iam_role.${resourceName(resource.replace('role/', ''))}`,
        );
        const trust = parse(rolePlan.assume_role_policy) as { Statement: { Principal: { AWS: string[] } }[] };
        const trustedAccount = trust.Statement[0].Principal.AWS[0].split(':')[4];
        expect(accounts).toContain(trustedAccount);
        edges++;
      }
    }
    const assumePolicies = [
      ...model.environments.flatMap((e) => e.groups.flatMap((g) => g.policies)),
      ...(ic?.permissionSets ?? []),
    ].filter((p) => p.document.statements.some((s) => s.actions.includes('sts:AssumeRole')));
    // A focused fixture without a role that another of its environments assumes has no edge to check.
    const trustsAnEnvironment = model.environments.some((e) =>
      e.roles.some((r) => model.environments.some((t) => t.accountId === r.trustedAccountId)),
    );
    if (trustsAnEnvironment) expect(assumePolicies.length).toBeGreaterThan(0);
    // One edge per role ARN: a team's assume-role policy lists every role that trusts it.
    expect(edges).toBe(
      assumePolicies.flatMap((p) =>
        p.document.statements.filter((s) => s.actions.includes('sts:AssumeRole')).flatMap((s) => s.resources ?? []),
      ).length,
    );
  });

  test('the sandbox left the real synthesized stacks untouched', () => {
    for (const env of model.environments) {
      const stack = JSON.parse(
        readFileSync(join(fixtureOutdir(fixture.name), 'stacks', env.name, 'cdk.tf.json'), 'utf8'),
      );
      const provider = stack.provider.aws[0];
      expect(provider.allowed_account_ids).toEqual([env.accountId]);
      expect(provider.access_key).toBeUndefined();
      expect(provider.assume_role).toEqual(
        env.deploymentRoleArn
          ? [{ role_arn: env.deploymentRoleArn, session_name: `codepipeline-access-${env.name}` }]
          : undefined,
      );
      if (env.backend.type === 'cloud') expect(stack.terraform.cloud.organization).toBe(env.backend.organization);
      else expect(Object.keys(stack.terraform.backend)).toEqual([env.backend.type]);
    }
  });
});
