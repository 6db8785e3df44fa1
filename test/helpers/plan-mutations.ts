/**
 * Non-compliant inputs for rule tests: a real example plan (from the global setup) with one deliberate change,
 * made the way Terraform would plan it (resource change + configuration references).
 */
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import type { AnalysisResult } from '../../src/analysis/analyze';
import { analyzePlans, type Suppression } from '../../src/analysis/analyze';
import { loadAccessConfig } from '../../src/model/load-model';
import { accessIntent, type AccessIntent } from '../../src/model/intent';
import { EXAMPLE_CONFIG_FILE } from './fixture-files';
import { readPlan } from './plans';

type MutablePlan = {
  resource_changes: {
    address: string;
    type: string;
    name: string;
    change: { actions: string[]; before: null; after: Record<string, unknown> };
  }[];
  configuration: {
    root_module: { resources: { address: string; type: string; name: string; expressions: Record<string, unknown> }[] };
  };
};

export const EXAMPLE_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

export class PlanEdit {
  readonly plan: MutablePlan;

  constructor(environment: string) {
    this.plan = structuredClone(readPlan('example', environment).plan) as unknown as MutablePlan;
  }

  private add(
    type: string,
    name: string,
    after: Record<string, unknown>,
    expressions: Record<string, unknown> = {},
  ): this {
    const address = `${type}.${name}`;
    this.plan.resource_changes.push({ address, type, name, change: { actions: ['create'], before: null, after } });
    this.plan.configuration.root_module.resources.push({ address, type, name, expressions });
    return this;
  }

  after(address: string): Record<string, unknown> {
    const rc = this.plan.resource_changes.find((r) => r.address === address);
    if (!rc) throw new Error(`no ${address}`);
    return rc.change.after;
  }

  policy(name: string, document: unknown, purpose?: string): this {
    return this.add('aws_iam_policy', name, {
      name,
      policy: JSON.stringify(document),
      tags: purpose ? { 'codepipeline-access:purpose': purpose } : null,
    });
  }

  setDocument(address: string, attribute: string, document: unknown): this {
    this.after(address)[attribute] = JSON.stringify(document);
    return this;
  }

  attachToGroup(group: string, policyName: string): this {
    return this.add(
      'aws_iam_group_policy_attachment',
      `${group}__${policyName}`,
      { group },
      {
        group: { references: [`aws_iam_group.${group}.name`, `aws_iam_group.${group}`] },
        policy_arn: { references: [`aws_iam_policy.${policyName}.arn`, `aws_iam_policy.${policyName}`] },
      },
    );
  }

  attachToUser(user: string, policyName: string): this {
    return this.add(
      'aws_iam_user_policy_attachment',
      `${user}__${policyName}`,
      { user },
      {
        user: { references: [`aws_iam_user.${user}.name`, `aws_iam_user.${user}`] },
        policy_arn: { references: [`aws_iam_policy.${policyName}.arn`, `aws_iam_policy.${policyName}`] },
      },
    );
  }

  group(name: string): this {
    return this.add('aws_iam_group', name, { name });
  }

  membership(user: string, groups: string[]): this {
    const rc = this.plan.resource_changes.find((r) => r.address === `aws_iam_user_group_membership.${user}`);
    if (!rc) throw new Error(`no membership of ${user}`);
    rc.change.after.groups = groups;
    return this;
  }

  /**
   * Makes this environment administer Identity Center and assign `permissionSet` (one inline policy) to `members`
   * in `accountId`, the way the stack plans it; `alsoIamGroup` when the team is delivered as that IAM group too.
   */
  identityCenterAssignment(options: {
    permissionSet: string;
    document: unknown;
    members: readonly string[];
    accountId: string;
    alsoIamGroup?: string;
  }): this {
    const { permissionSet: set, members, accountId } = options;
    const outputs = (this.plan as unknown as { planned_values: { outputs: Record<string, { value: unknown }> } })
      .planned_values.outputs;
    outputs.identity_center = {
      value: {
        instance_arn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
        region: 'us-east-2',
        also_iam_groups: options.alsoIamGroup ? { [set]: options.alsoIamGroup } : {},
      },
    };
    const ref = (type: string, name: string, attribute: string) => ({
      references: [`${type}.${name}.${attribute}`, `${type}.${name}`],
    });
    this.add('aws_ssoadmin_permission_set', set, {
      name: set,
      tags: { 'codepipeline-access:profile-kinds': 'custom' },
    });
    this.add(
      'aws_ssoadmin_permission_set_inline_policy',
      set,
      { inline_policy: JSON.stringify(options.document) },
      { permission_set_arn: ref('aws_ssoadmin_permission_set', set, 'arn') },
    );
    this.add('aws_identitystore_group', set, { display_name: set });
    for (const member of members) {
      this.add('aws_identitystore_user', member, { user_name: member });
      this.add(
        'aws_identitystore_group_membership',
        `${set}__${member}`,
        {},
        {
          group_id: ref('aws_identitystore_group', set, 'group_id'),
          member_id: ref('aws_identitystore_user', member, 'user_id'),
        },
      );
    }
    return this.add(
      'aws_ssoadmin_account_assignment',
      `${set}__to__${accountId}`,
      { target_id: accountId, principal_type: 'GROUP', target_type: 'AWS_ACCOUNT' },
      {
        permission_set_arn: ref('aws_ssoadmin_permission_set', set, 'arn'),
        principal_id: ref('aws_identitystore_group', set, 'group_id'),
      },
    );
  }

  /** Drops resources, as a config that no longer has them plans. */
  remove(...addresses: string[]): this {
    for (const address of addresses) this.after(address);
    this.plan.resource_changes = this.plan.resource_changes.filter((r) => !addresses.includes(r.address));
    this.plan.configuration.root_module.resources = this.plan.configuration.root_module.resources.filter(
      (r) => !addresses.includes(r.address),
    );
    return this;
  }

  /** Renames a managed policy (address and name) and the attachments that refer to it, as a rename in the config does. */
  renamePolicy(from: string, to: string): this {
    const rename = (address: string) =>
      address === `aws_iam_policy.${from}`
        ? `aws_iam_policy.${to}`
        : address.replace(new RegExp(`__${from}$`), `__${to}`);
    for (const list of [this.plan.resource_changes, this.plan.configuration.root_module.resources]) {
      for (const r of list) {
        r.address = rename(r.address);
        r.name = r.address.slice(r.type.length + 1);
      }
    }
    this.after(`aws_iam_policy.${to}`).name = to;
    for (const r of this.plan.configuration.root_module.resources) {
      const arn = r.expressions.policy_arn as { references?: string[] } | undefined;
      if (arn?.references)
        arn.references = arn.references.map((ref) =>
          ref === `aws_iam_policy.${from}` || ref === `aws_iam_policy.${from}.arn`
            ? ref.replace(`aws_iam_policy.${from}`, `aws_iam_policy.${to}`)
            : ref,
        );
    }
    return this;
  }

  view(): PlanView {
    return new PlanView(this.plan as unknown as PlanJson);
  }
}

/** The example plans, with the environments of `edits` replaced by those edited copies. */
export function examplePlansWith(
  edits: readonly PlanEdit[] = [],
  envs: readonly string[] = EXAMPLE_ENVIRONMENTS,
): { name: string; plan: PlanView }[] {
  const editsByEnv = new Map(edits.map((e) => [environmentOf(e), e]));
  return envs.map((name) => ({ name, plan: editsByEnv.get(name)?.view() ?? readPlan('example', name) }));
}

/** Analyses the example plans with the given environments replaced by edited copies. */
export function analyzeExample(
  edits: readonly PlanEdit[] = [],
  envs: readonly string[] = EXAMPLE_ENVIRONMENTS,
  suppressions: readonly Suppression[] = [],
): Promise<AnalysisResult> {
  return exampleIntent().then((intent) => analyzePlans(examplePlansWith(edits, envs), suppressions, { intent }));
}

let intent: Promise<AccessIntent> | undefined;

/** What the example config means (src/model/intent.ts): edited plans are checked against it. */
export function exampleIntent(): Promise<AccessIntent> {
  intent ??= loadAccessConfig(EXAMPLE_CONFIG_FILE).then((loaded) => accessIntent(loaded.config, loaded.model));
  return intent;
}

function environmentOf(edit: PlanEdit): string {
  const outputs = (edit.plan as unknown as { planned_values: { outputs: Record<string, { value: string }> } })
    .planned_values.outputs;
  const byAccount: Record<string, string> = {
    '111111111111': 'dev',
    '222222222222': 'staging',
    '111222333444': 'prod',
  };
  return byAccount[outputs.account_id.value];
}
