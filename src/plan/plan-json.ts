/**
 * A typed view of `terraform show -json` output: the part tests and the analysis read.
 * Values known only after apply (a policy's ARN) are followed through the configuration's references.
 */

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete';

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly ChangeAction[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
  };
}

export interface ConfigExpression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

export interface ConfigResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly expressions: Record<string, ConfigExpression | undefined>;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Record<string, { readonly actions: readonly ChangeAction[] }>;
  readonly configuration: { readonly root_module: { readonly resources?: readonly ConfigResource[] } };
  readonly timestamp?: string;
}

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly unchanged: number;
}

/** What a change does, in plan-summary terms (a delete+create pair is a replacement). */
export function changeKind(actions: readonly ChangeAction[]): keyof ChangeCounts | 'read' {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  if (actions.includes('read')) return 'read';
  return 'unchanged';
}

export function countChanges(plan: PlanJson): ChangeCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
  for (const rc of plan.resource_changes ?? []) {
    const kind = changeKind(rc.change.actions);
    if (kind !== 'read') counts[kind]++;
  }
  return counts;
}

export class PlanView {
  private readonly changes: ReadonlyMap<string, ResourceChange>;
  private readonly config: ReadonlyMap<string, ConfigResource>;

  constructor(readonly plan: PlanJson) {
    this.changes = new Map((plan.resource_changes ?? []).map((rc) => [rc.address, rc]));
    this.config = new Map((plan.configuration.root_module.resources ?? []).map((r) => [r.address, r]));
  }

  /** Every resource address in the plan, sorted. */
  addresses(): string[] {
    return [...this.changes.keys()].sort();
  }

  ofType(type: string): ResourceChange[] {
    return [...this.changes.values()]
      .filter((rc) => rc.type === type)
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  change(address: string): ResourceChange {
    const rc = this.changes.get(address);
    if (!rc) throw new Error(`the plan has no resource ${address}`);
    return rc;
  }

  /** The planned attribute values (what Terraform will send). */
  after(address: string): Record<string, unknown> {
    return this.change(address).change.after ?? {};
  }

  /**
   * The resource an attribute refers to in the configuration, e.g. the `aws_iam_policy.x` behind an
   * attachment's `policy_arn`, whose ARN is only known after apply.
   */
  referencedResource(address: string, attribute: string): string | undefined {
    const refs = this.config.get(address)?.expressions[attribute]?.references ?? [];
    // References come as ["aws_iam_policy.x.arn", "aws_iam_policy.x"]; the shortest is the resource itself.
    return [...refs].sort((a, b) => a.length - b.length)[0];
  }
}
