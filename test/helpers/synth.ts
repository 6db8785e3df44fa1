/** Synthesizes access configs in-process and reads the Terraform JSON of each environment stack. */
import { readFileSync, rmSync } from 'node:fs';
import { Testing } from 'cdktf';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { loadAccessConfigText } from '../../src/model/load-model';
import { EXAMPLE_CONFIG_FILE } from './fixture-files';

export type Block = Record<string, unknown>;

export interface SynthesizedStack {
  readonly terraform: Block;
  readonly provider: { readonly aws: Block[] };
  readonly resource: Record<string, Record<string, Block>>;
  readonly output: Record<string, Block>;
  /** The stack's import blocks (the environment's `imports`). @default - none */
  readonly import?: readonly Block[];
}

export async function synthConfigText(text: string, file = 'test.yaml'): Promise<Record<string, SynthesizedStack>> {
  return (await synthConfigTextWithWarnings(text, file)).stacks;
}

/** The stacks, and the located warnings the loader returned for the config. */
export async function synthConfigTextWithWarnings(
  text: string,
  file = 'test.yaml',
): Promise<{ stacks: Record<string, SynthesizedStack>; warnings: readonly string[] }> {
  const { model, warnings } = await loadAccessConfigText(file, text);
  // Testing.app() makes its outdir in the temp directory and never removes it; Testing.synth() writes nothing there.
  const app = Testing.app();
  try {
    const stacks = Object.fromEntries(
      model.environments.map((environment) => [
        environment.name,
        JSON.parse(Testing.synth(new EnvironmentStack(app, { environment }))) as SynthesizedStack,
      ]),
    );
    return { stacks, warnings };
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

export function synthExample(): Promise<Record<string, SynthesizedStack>> {
  return synthConfigText(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8'), EXAMPLE_CONFIG_FILE);
}

/** `type.name` addresses of every resource in the stack, sorted. */
export function addresses(stack: SynthesizedStack): string[] {
  return Object.entries(stack.resource)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

export function resource(stack: SynthesizedStack, type: string, name: string): Block {
  const found = stack.resource[type]?.[name];
  if (!found) throw new Error(`no ${type}.${name} in the stack; it has ${addresses(stack).join(', ')}`);
  return found;
}

export interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy as IAM will receive it: Terraform's `$${` escapes undone, then parsed. */
export function parsePolicy(text: unknown): { Version: string; Id?: string; Statement: Statement[] } {
  return JSON.parse(String(text).replace(/\$\$\{/g, '${'));
}

export function managedPolicy(stack: SynthesizedStack, name: string) {
  const entry = Object.values(stack.resource.aws_iam_policy ?? {}).find((p) => p.name === name);
  if (!entry) throw new Error(`no aws_iam_policy named ${name}`);
  return parsePolicy(entry.policy);
}

export function statement(policy: { Statement: Statement[] }, sid: string): Statement {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}; statements are ${policy.Statement.map((s) => s.Sid).join(', ')}`);
  return found;
}

/** Policies attached to a group, by policy name, through the attachments' references. */
export function groupPolicyNames(stack: SynthesizedStack, groupName: string): string[] {
  const groupAddress = Object.entries(stack.resource.aws_iam_group ?? {}).find(([, g]) => g.name === groupName)?.[0];
  return Object.values(stack.resource.aws_iam_group_policy_attachment ?? {})
    .filter((a) => a.group === `\${aws_iam_group.${groupAddress}.name}`)
    .map((a) => {
      const policyAddress = /^\$\{aws_iam_policy\.(.+)\.arn\}$/.exec(String(a.policy_arn))?.[1] ?? '';
      return String(resource(stack, 'aws_iam_policy', policyAddress).name);
    })
    .sort();
}
