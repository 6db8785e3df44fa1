import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { AwsProvider, type AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import {
  App,
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import { dirname, resolve } from 'node:path';
import type { Construct, IConstruct } from 'constructs';
import { AccessGroup } from '../src/constructs/access-group';
import { ArtifactBucketPolicy } from '../src/constructs/artifact-bucket-policy';
import { AuditNotifications } from '../src/constructs/audit-notifications';
import { AuditTrail } from '../src/constructs/audit-trail';
import { configureBackend } from '../src/constructs/backend';
import { ConsoleUser } from '../src/constructs/console-user';
import { CrossAccountRole } from '../src/constructs/cross-account-role';
import { IdentityCenterAccess } from '../src/constructs/identity-center-access';
import { literalTerraform } from '../src/constructs/terraform-literals';
import { consoleUrls } from '../src/iam/arns';
import { declaredActionTypes, pipelineInventory } from '../src/model/declarations';
import type { AuditTrailModel, EnvironmentModel, IdentityCenterModel, UserModel } from '../src/model/types';

export interface EnvironmentStackProps {
  /** One environment (an AWS account + region) of the resolved access model. */
  readonly environment: EnvironmentModel;
  /**
   * Run cdktf's own prepareStack and toTerraform, passes this stack skips because they cannot change its output
   * (see there). For the test that proves it. @default false
   */
  readonly cdktfPasses?: boolean;
  /**
   * The project root, which a local backend's state path is relative to (synth passes the directory it runs in).
   * @default the directory that holds the output directory
   */
  readonly projectRoot?: string;
  /**
   * The output directory the stack is deployed from, which a local backend's state path is relative to.
   * @default the app's outdir
   */
  readonly deployedFrom?: string;
}

/** The resolver cdktf's own synthesis uses. */
const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stack's Terraform elements in construct order (cdktf's own order), not descending into nested stacks. */
function terraformElements(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/** Everything codepipeline-access manages in one AWS account: one Terraform state, one `cdktf deploy <env>`. */
export class EnvironmentStack extends TerraformStack {
  private readonly cdktfPasses: boolean;
  private hasStackOverrides = false;
  /** Elements whose toTerraform already renders literal strings. */
  private readonly literalElements = new WeakSet<TerraformElement>();

  constructor(scope: Construct, props: EnvironmentStackProps) {
    const env = props.environment;
    super(scope, env.name);
    this.cdktfPasses = props.cdktfPasses ?? false;

    const providerSettings = {
      // A deploy with another account's credentials fails before it changes anything.
      allowedAccountIds: [env.accountId],
      assumeRole: env.deploymentRoleArn
        ? [{ roleArn: env.deploymentRoleArn, sessionName: `codepipeline-access-${env.name}` }]
        : undefined,
      defaultTags: Object.keys(env.defaultTags).length > 0 ? [{ tags: { ...env.defaultTags } }] : undefined,
    };
    new AwsProvider(this, 'aws', { region: env.region, ...providerSettings });
    configureBackend(
      this,
      env.name,
      env.backend,
      props.projectRoot ?? dirname(resolve(App.of(this).outdir)),
      props.deployedFrom,
    );

    // The organisation's boundary goes on every user and role this stack creates (groups take none).
    const permissionsBoundary = env.guardrails.permissionsBoundary?.arn;
    const groupNames = new Map<string, string>();
    for (const group of env.groups) {
      const construct = new AccessGroup(this, `group-${group.name}`, { group, imports: env.imports });
      groupNames.set(group.name, construct.group.name);
    }
    const users = env.users.map((user) => ({
      model: user,
      construct: new ConsoleUser(this, `user-${user.name}`, {
        user,
        groupNames,
        // Generated first passwords are longer than the policy minimum; they are used once.
        passwordLength: Math.max(env.passwordPolicy.minimumLength, 20),
        permissionsBoundary,
        imports: env.imports,
      }),
    }));
    const roles = env.roles.map(
      (role) => new CrossAccountRole(this, role.name, { role, permissionsBoundary, imports: env.imports }),
    );
    for (const bucketPolicy of env.bucketPolicies) {
      new ArtifactBucketPolicy(this, `bucket-${bucketPolicy.bucket}`, { bucketPolicy });
    }
    if (env.auditTrail) this.audit(env, env.auditTrail, providerSettings);

    const p = env.passwordPolicy;
    const passwordPolicy = new IamAccountPasswordPolicy(this, 'password-policy', {
      minimumPasswordLength: p.minimumLength,
      requireLowercaseCharacters: p.requireLowercase,
      requireUppercaseCharacters: p.requireUppercase,
      requireNumbers: p.requireNumbers,
      requireSymbols: p.requireSymbols,
      allowUsersToChangePassword: p.allowUsersToChangePassword,
      maxPasswordAge: p.maxAgeDays,
      passwordReusePrevention: p.reusePrevention === 0 ? undefined : p.reusePrevention,
      hardExpiry: p.hardExpiry,
    });
    passwordPolicy.overrideLogicalId('account');
    if (env.imports.passwordPolicy !== undefined) passwordPolicy.importFrom(env.imports.passwordPolicy);

    if (env.identityCenter) {
      const ic = env.identityCenter;
      // The Identity Center APIs answer in the instance's home region only.
      const provider =
        ic.region === env.region
          ? undefined
          : new AwsProvider(this, 'aws-identity-center', {
              region: ic.region,
              ...providerSettings,
              alias: 'identity_center',
            });
      new IdentityCenterAccess(this, 'identity-center', { identityCenter: ic, provider });
      this.identityCenterOutputs(ic);
    }

    this.describeForAnalysis(env);
    this.handOverOutputs(env, users, roles);
  }

  /**
   * Identity Center's part of the hand-over (the access portal, and per person the accounts and permission sets
   * they get) and of the analysis (the instance's region, which names the roles it provisions, and the teams also
   * delivered as IAM groups).
   */
  private identityCenterOutputs(ic: IdentityCenterModel): void {
    new TerraformOutput(this, 'access_portal_url', {
      value: ic.portalUrl,
      description: 'Where people delivered through IAM Identity Center sign in (the AWS access portal)',
    });
    const perPerson: Record<string, { environment: string; account_id: string; permission_set: string }[]> = {};
    for (const a of ic.assignments)
      for (const person of ic.groups.find((g) => g.key === a.group)?.members ?? [])
        (perPerson[person] ??= []).push({
          environment: a.environment,
          account_id: a.accountId,
          permission_set: a.permissionSet,
        });
    new TerraformOutput(this, 'identity_center_access', {
      value: Object.fromEntries(
        Object.keys(perPerson)
          .sort()
          .map((person) => [person, perPerson[person]]),
      ),
      description: 'Per person: the accounts and permission sets they get in the AWS access portal',
    });
    new TerraformOutput(this, 'identity_center', {
      value: { instance_arn: ic.instanceArn, region: ic.region, also_iam_groups: { ...ic.alsoIamGroups } },
      description:
        'The Identity Center instance and home region (its roles are AWSReservedSSO_<permission set>_<suffix> under aws-reserved/sso.amazonaws.com/<region>/), and the teams also delivered as IAM groups, for the analysis',
    });
  }

  /** Stack-level overrides need cdktf's own final resolve pass; noted here rather than read from its fields. */
  override addOverride(path: string, value: unknown): void {
    this.hasStackOverrides = true;
    super.addOverride(path, value);
  }

  /**
   * cdktf's own prepareStack resolves every element once more only to discover references between stacks, which
   * would add outputs and remote state. Environment stacks never reference each other (a role ARN in another
   * account is a computed string), so that pass is skipped: it was a third of synth time at a thousand people.
   * A test synthesizes the example and a larger config both ways and compares the bytes.
   */
  override prepareStack(): void {
    if (this.cdktfPasses) super.prepareStack();
    else this.ensureBackendExists();
  }

  /**
   * cdktf's toTerraform resolves every element, merges the fragments, and resolves the merged tree once more; that
   * last pass can only find tokens in stack-level overrides (addOverride), which these stacks never have. Measured
   * on a quiet machine, synth of 100 environments x 100 people: 8.2 to 9.0 s through cdktf's toTerraform, 6.3 to
   * 6.6 s through this one (and 11.1 to 11.7 s with cdktf's prepareStack too). Otherwise the same steps as cdktf
   * 0.21's TerraformStack.toTerraform, through public API only; the test that covers prepareStack compares this
   * one with cdktf's too.
   */
  override toTerraform(): Record<string, unknown> {
    const elements = terraformElements(this);
    this.renderStringsLiterally(elements);
    if (this.cdktfPasses || this.hasStackOverrides) return super.toTerraform();
    const metadata = {
      version: this.node.tryGetContext('cdktfVersion') as string | undefined, // what TerraformStack records
      stackName: this.node.id,
      backend: 'local', // overwritten by the backend's own metadata
      cloud: undefined,
    };
    const resolve = <T>(value: T): T =>
      Tokenization.resolve(value, { scope: this, preparing: false, resolver: TOKEN_RESOLVER }) as T;
    for (const element of elements) deepMerge(metadata, resolve(element.toMetadata()));
    // Output construct path -> logical id, nested by path segment.
    const outputs = {};
    for (const element of elements)
      if (TerraformOutput.isTerraformOutput(element))
        deepMerge(
          outputs,
          element.node.path
            .split('/')
            .reduceRight<unknown>((inner, part) => ({ [part]: inner }), element.friendlyUniqueId),
        );
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const element of elements) deepMerge(tf, resolve(element.toTerraform()));
    return tf;
  }

  /**
   * Every string of every element reaches Terraform as literal text (see terraform-literals.ts): one place, so no
   * construct, present or future, can forget to escape what the config gave it. Each element's own toTerraform
   * (public API) is wrapped, so cdktf's passes and the fast path above render the same escaped JSON.
   */
  private renderStringsLiterally(elements: readonly TerraformElement[]): void {
    for (const element of elements) {
      if (this.literalElements.has(element)) continue;
      this.literalElements.add(element);
      const render = element.toTerraform.bind(element);
      element.toTerraform = () => literalTerraform(render() as Record<string, unknown>);
    }
  }

  /**
   * The audit trail (unless the config names an existing one) and its notifications. Rules in another region than
   * the environment's (IAM's events arrive in us-east-1 only) get a provider for that region, with the same
   * account check, deployment role and default tags. The `audit_trail` output tells the analysis which bucket
   * policy is the trail bucket's.
   */
  private audit(
    env: EnvironmentModel,
    audit: AuditTrailModel,
    providerSettings: Omit<AwsProviderConfig, 'region' | 'alias'>,
  ): void {
    if (audit.trail.kind === 'created') new AuditTrail(this, 'audit-trail', { trail: audit.trail });
    const regional = new Map<string, AwsProvider>();
    const providerFor = (region: string): AwsProvider | undefined => {
      if (region === env.region) return undefined;
      let provider = regional.get(region);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${region}`, { alias: region, region, ...providerSettings });
        regional.set(region, provider);
      }
      return provider;
    };
    new AuditNotifications(this, 'audit-notifications', { audit, providerFor });
    const { trail } = audit;
    new TerraformOutput(this, 'audit_trail', {
      value: {
        trail_arn: trail.arn,
        created: trail.kind === 'created',
        // A list of zero or one, so the output has one shape for a created and an existing trail.
        buckets:
          trail.kind === 'created' ? [{ name: trail.bucket.name, log_key_prefix: trail.bucket.logKeyPrefix }] : [],
        notification_rules: audit.rules.map((r) => r.arn),
        notification_topics: audit.topics.map((t) => t.arn),
      },
      description:
        'The CloudTrail trail (created here or named), its bucket, and the notification rules and topics, for the hand-over and the analysis',
    });
  }

  /** The analysis reads only the plan: these outputs make the plan say which account and pipelines it is about. */
  private describeForAnalysis(env: EnvironmentModel): void {
    new TerraformOutput(this, 'account_id', { value: env.accountId, description: 'The AWS account of this stack' });
    new TerraformOutput(this, 'region', { value: env.region, description: 'The region of the pipelines' });
    new TerraformOutput(this, 'pipeline_inventory', {
      value: pipelineInventory(env),
      description:
        'The pipelines, stages, approval actions and webhooks access is granted on, and the service roles admins may pass (declared in the config)',
    });
    new TerraformOutput(this, 'action_types', {
      value: declaredActionTypes(env),
      description: 'The custom action types access is granted on (declared in the config)',
    });
    const named = (policies: EnvironmentModel['guardrails']['serviceControlPolicies']) =>
      policies.map((p) => ({ name: p.name, document: p.json }));
    const { serviceControlPolicies, resourceControlPolicies, permissionsBoundary: boundary } = env.guardrails;
    // Only when the config names guardrails: stacks without them plan exactly as before.
    if (serviceControlPolicies.length === 0 && resourceControlPolicies.length === 0 && !boundary) return;
    new TerraformOutput(this, 'guardrails', {
      value: {
        service_control_policies: named(serviceControlPolicies),
        resource_control_policies: named(resourceControlPolicies),
        // A list of zero or one, so the output has one shape with and without a boundary.
        permissions_boundary: boundary ? [{ arn: boundary.arn, document: boundary.json }] : [],
      },
      description:
        'The SCPs, RCPs and permissions boundary the config names (documents as JSON text), for the analysis',
    });
  }

  /** What an administrator hands to a new user or a trusted account (seed 002, step 4). */
  private handOverOutputs(
    env: EnvironmentModel,
    users: readonly HandOverUser[],
    roles: readonly CrossAccountRole[],
  ): void {
    new TerraformOutput(this, 'console_sign_in_url', {
      value: consoleUrls.signIn(env),
      description: 'Console sign-in URL of this account',
    });
    new TerraformOutput(this, 'user_names', {
      value: env.users.map((u) => u.name),
      description: 'IAM users managed here',
    });
    const passwords = (encrypted: boolean) =>
      Object.fromEntries(
        users.flatMap(({ model, construct }) => {
          const profile = construct.loginProfile;
          if (!profile || (model.console?.pgpKey !== undefined) !== encrypted) return [];
          return [[model.name, encrypted ? profile.encryptedPassword : profile.password]];
        }),
      );
    new TerraformOutput(this, 'encrypted_passwords', {
      value: passwords(true),
      sensitive: true,
      description: 'First passwords of users with a pgpKey, encrypted: echo <value> | base64 -d | gpg --decrypt',
    });
    new TerraformOutput(this, 'initial_passwords', {
      value: passwords(false),
      sensitive: true,
      description:
        'First passwords of users without a pgpKey (also in state in plain text); a reset is forced at sign-in',
    });
    new TerraformOutput(this, 'role_arns', {
      value: Object.fromEntries(roles.map((r) => [r.node.id, r.role.arn])),
      description: 'Cross-account roles and their ARNs',
    });
    const switchRole = (role: string) => consoleUrls.switchRole(env, role, `${role}@${env.name}`);
    new TerraformOutput(this, 'switch_role_urls', {
      value: Object.fromEntries(env.roles.map((r) => [r.name, switchRole(r.name)])),
      description: 'Console links to switch into each role (cross-account roles and team roles)',
    });
    // Only where there are team roles: stacks without them plan exactly as before.
    const memberRoles = env.users.flatMap((u) => {
      const roles = env.roles.filter((r) => r.teamRole?.members.includes(u.name));
      return roles.length > 0 ? [[u.name, Object.fromEntries(roles.map((r) => [r.name, switchRole(r.name)]))]] : [];
    });
    if (memberRoles.length > 0)
      new TerraformOutput(this, 'team_role_switch_urls', {
        value: Object.fromEntries(memberRoles),
        description:
          'Per person: a console link to switch into each team role they may assume (sign in with MFA first)',
      });
  }
}

interface HandOverUser {
  readonly model: UserModel;
  readonly construct: ConsoleUser;
}
