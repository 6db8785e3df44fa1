/**
 * The pull-request review report (tfplans/SUMMARY.md) and the printed access matrix. Changes are against a
 * baseline (the base branch's plans); without one, everything shows as added.
 */
import { changeKind, countChanges, type PlanView } from '../plan/plan-json';
import { describeContext, type AllowedWhen, type EnvironmentAccess } from './environment-access';
import type { AnalysisResult } from './analyze';
import { asList, statementsOf, type PlannedEnvironment, type PolicyStatementJson } from './plan-principals';
import type { Finding } from './rules';

export interface ReportSide {
  readonly result: AnalysisResult;
  /** Human plan text per environment. */
  readonly planText: ReadonlyMap<string, string>;
}

export interface StatementRow {
  readonly change: '+' | '-';
  readonly resource: string;
  readonly effect: string;
  readonly action: string;
  readonly principal: string;
  readonly condition: string;
}

export interface AccessChangeRow {
  readonly change: '+' | '-';
  readonly principal: string;
  readonly resource: string;
  readonly actions: readonly string[];
}

const MAX_PLAN_CHARS = 20_000;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

/** Every statement of every policy document, with who it applies to, as comparable rows. */
function statementRows(env: PlannedEnvironment | undefined): Map<string, Omit<StatementRow, 'change'>> {
  const rows = new Map<string, Omit<StatementRow, 'change'>>();
  if (!env) return rows;
  const holders = new Map<string, string[]>();
  for (const group of env.groups)
    for (const p of group.policies) holders.set(p.address, [...(holders.get(p.address) ?? []), `group/${group.name}`]);
  for (const role of env.roles)
    for (const p of role.policies) holders.set(p.address, [...(holders.get(p.address) ?? []), `role/${role.name}`]);
  for (const user of env.users)
    for (const p of user.directPolicies)
      holders.set(p.address, [...(holders.get(p.address) ?? []), `user/${user.name}`]);
  const add = (owner: string, principal: string, s: PolicyStatementJson) => {
    const row = {
      resource: [...asList(s.Resource), ...asList(s.NotResource).map((r) => `NOT ${r}`)].sort().join('\n') || owner,
      effect: s.Effect,
      action: [...asList(s.Action), ...asList(s.NotAction).map((a) => `NOT ${a}`)].sort().join('\n'),
      principal,
      condition: s.Condition ? JSON.stringify(s.Condition) : '',
    };
    rows.set(JSON.stringify([owner, row]), row);
  };
  for (const policy of env.policies.values()) {
    const principal = (holders.get(policy.address) ?? ['(not attached)']).sort().join('\n');
    for (const s of statementsOf(policy.document)) add(policy.name, principal, s);
  }
  for (const role of env.roles) {
    for (const s of statementsOf(role.trust))
      add(role.name, JSON.stringify(s.Principal ?? ''), { ...s, Resource: role.arn });
  }
  for (const bucket of env.bucketPolicies) {
    for (const s of statementsOf(bucket.document)) add(bucket.bucket, JSON.stringify(s.Principal ?? ''), s);
  }
  return rows;
}

/** Statement changes compared as sets: reordering or re-rendering shows nothing. */
export function statementChanges(
  base: PlannedEnvironment | undefined,
  head: PlannedEnvironment | undefined,
): StatementRow[] {
  const before = statementRows(base);
  const after = statementRows(head);
  const rows: StatementRow[] = [];
  for (const [key, row] of after) if (!before.has(key)) rows.push({ change: '+', ...row });
  for (const [key, row] of before) if (!after.has(key)) rows.push({ change: '-', ...row });
  return rows.sort(
    (a, b) =>
      a.principal.localeCompare(b.principal) ||
      a.resource.localeCompare(b.resource) ||
      a.change.localeCompare(b.change),
  );
}

/** principal -> resource -> allowed actions (with the contexts they need), including who may assume which role. */
function grantsOf(access: EnvironmentAccess | undefined): Map<string, Record<string, readonly string[]>> {
  const grants = new Map<string, Record<string, readonly string[]>>();
  const add = (principal: string, resource: string, action: string) => {
    let byResource = grants.get(principal) as Record<string, string[]> | undefined;
    if (!byResource) grants.set(principal, (byResource = {}));
    (byResource[resource] ??= []).push(action);
  };
  for (const [principal, entry] of Object.entries(access?.principals ?? {})) {
    for (const [resource, actions] of Object.entries(entry.allowed))
      for (const a of actions) add(principal, resource, a);
    for (const [resource, byAction] of Object.entries(entry.conditional ?? {}))
      for (const [action, when] of Object.entries(byAction))
        for (const context of when) add(principal, resource, `${action} (${describeContext(context)})`);
  }
  for (const [role, byPrincipal] of Object.entries(access?.assumeRole ?? {}))
    for (const [principal, when] of Object.entries(byPrincipal))
      for (const context of when) add(principal, `role/${role}`, `sts:AssumeRole (${describeContext(context)})`);
  return grants;
}

/** Who gains and who loses which actions on which resources. */
export function accessChanges(
  base: EnvironmentAccess | undefined,
  head: EnvironmentAccess | undefined,
): AccessChangeRow[] {
  const rows: AccessChangeRow[] = [];
  const beforeAll = grantsOf(base);
  const afterAll = grantsOf(head);
  for (const principal of [...new Set([...beforeAll.keys(), ...afterAll.keys()])].sort()) {
    const before = beforeAll.get(principal) ?? {};
    const after = afterAll.get(principal) ?? {};
    for (const resource of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const gained = (after[resource] ?? []).filter((a) => !(before[resource] ?? []).includes(a));
      const lost = (before[resource] ?? []).filter((a) => !(after[resource] ?? []).includes(a));
      if (gained.length > 0) rows.push({ change: '+', principal, resource, actions: gained });
      if (lost.length > 0) rows.push({ change: '-', principal, resource, actions: lost });
    }
  }
  return rows;
}

function findingsTable(findings: readonly Finding[], suppressed: AnalysisResult['suppressed']): string[] {
  if (findings.length === 0 && suppressed.length === 0) return ['No rule findings.'];
  const lines = ['| severity | rule | target | detail | finding |', '| --- | --- | --- | --- | --- |'];
  for (const f of findings)
    lines.push(`| ${f.severity} | ${f.ruleId} | \`${cell(f.target)}\` | \`${cell(f.detail)}\` | ${cell(f.message)} |`);
  for (const f of suppressed)
    lines.push(
      `| suppressed | ${f.ruleId} | \`${cell(f.target)}\` | \`${cell(f.detail)}\` | ${cell(f.message)} (reason: ${cell(f.reason)}) |`,
    );
  return lines;
}

/** The counts line and the deletions/replacements a reviewer must not miss. */
function planSection(plan: PlanView | undefined, base: PlanView | undefined): string[] {
  if (!plan) return ['_Not planned in this run._'];
  const counts = countChanges(plan.plan);
  const lines = [
    `**Plan:** ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete.`,
  ];
  const baseAddresses = new Set(base?.addresses() ?? []);
  const headAddresses = new Set(plan.addresses());
  const destructive = (plan.plan.resource_changes ?? []).filter((rc) =>
    ['delete', 'replace'].includes(changeKind(rc.change.actions)),
  );
  const removed = base ? [...baseAddresses].filter((a) => !headAddresses.has(a)) : [];
  if (destructive.length > 0 || removed.length > 0) {
    lines.push('', '> [!WARNING]', '> Deletions and replacements:');
    for (const rc of destructive)
      lines.push(
        `> - \`${rc.address}\` will be ${changeKind(rc.change.actions) === 'replace' ? 'replaced' : 'deleted'}`,
      );
    for (const address of removed)
      lines.push(`> - \`${address}\` is no longer in the configuration (deleted on deploy)`);
  }
  return lines;
}

/** The raw plan, folded; long plans are cut (a PR comment holds 65,536 characters), the whole one is in tfplans/. */
function rawPlan(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const shown =
    text.length > MAX_PLAN_CHARS
      ? `${text.slice(0, MAX_PLAN_CHARS)}\n... (${text.length - MAX_PLAN_CHARS} more characters in tfplans/)`
      : text;
  return ['', '<details><summary>Terraform plan</summary>', '', '```text', shown.trimEnd(), '```', '', '</details>'];
}

export function renderSummary(head: ReportSide, base?: ReportSide): string {
  const lines = ['# codepipeline-access review', ''];
  const errors = head.result.findings.filter((f) => f.severity === 'error').length;
  const warnings = head.result.findings.length - errors;
  lines.push(
    `${head.result.access.length} environment${head.result.access.length === 1 ? '' : 's'}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}; changes ${base ? 'against the base branch' : 'against nothing (no base given): everything shows as added'}.`,
  );
  for (const access of head.result.access) {
    const env = head.result.analysis.environments.find((e) => e.name === access.environment);
    const baseEnv = base?.result.analysis.environments.find((e) => e.name === access.environment);
    const baseAccess = base?.result.access.find((a) => a.environment === access.environment);
    lines.push('', `## ${access.environment} (${access.accountId}, ${access.region})`, '');
    lines.push(...planSection(env?.plan, baseEnv?.plan));

    const statements = statementChanges(baseEnv, env);
    lines.push('', '### IAM statement changes', '');
    if (statements.length === 0) lines.push('None.');
    else {
      lines.push('| | resource | effect | action | principal | condition |', '| --- | --- | --- | --- | --- | --- |');
      for (const r of statements)
        lines.push(
          `| ${r.change} | ${cell(r.resource)} | ${r.effect} | ${cell(r.action)} | ${cell(r.principal)} | ${cell(r.condition)} |`,
        );
    }
    const changes = accessChanges(baseAccess, access);
    lines.push('', '### Who gains and who loses access', '');
    if (changes.length === 0) lines.push('No change in who can do what.');
    else {
      lines.push('| | principal | resource | actions |', '| --- | --- | --- | --- |');
      for (const r of changes)
        lines.push(`| ${r.change} | ${r.principal} | ${cell(r.resource)} | ${r.actions.join(', ')} |`);
    }
    lines.push('', '### Rule findings', '');
    lines.push(
      ...findingsTable(
        head.result.findings.filter((f) => f.environment === access.environment || f.environment === '*'),
        head.result.suppressed.filter((f) => f.environment === access.environment),
      ),
    );
    lines.push(...rawPlan(head.planText.get(access.environment)));
  }
  return `${lines.join('\n')}\n`;
}

/** `never`, `always`, or `only with ... , or ...`. */
export function allowedWhenText(when: AllowedWhen): string {
  if (when.length === 0) return 'never';
  if (when.length === 1 && Object.keys(when[0]).length === 0) return 'always';
  return `only with ${when.map(describeContext).join(', or ')}`;
}

/** The access matrix for a terminal: one block per principal, one line per resource. */
export function renderAccessMatrix(access: readonly EnvironmentAccess[]): string {
  const lines: string[] = [];
  for (const env of access) {
    lines.push(`== ${env.environment} (${env.accountId}, ${env.region}) ==`);
    for (const [key, principal] of Object.entries(env.principals)) {
      lines.push(`${key}  (via ${principal.via.join(', ') || 'nothing'})`);
      const resources = Object.entries(principal.allowed);
      if (resources.length === 0) lines.push('  no CodePipeline access');
      for (const [resource, actions] of resources) lines.push(`  ${resource.padEnd(48)} ${actions.join(' ')}`);
    }
    for (const [key, principal] of Object.entries(env.principals))
      for (const [resource, byAction] of Object.entries(principal.conditional ?? {}))
        for (const [action, when] of Object.entries(byAction))
          lines.push(`${key}  ${action} on ${resource} only with ${when.map(describeContext).join(', or ')}`);
    for (const [role, byPrincipal] of Object.entries(env.assumeRole)) {
      for (const [principal, when] of Object.entries(byPrincipal))
        lines.push(`assume role/${role} from ${principal}: ${allowedWhenText(when)}`);
    }
    for (const [bucket, byProbe] of Object.entries(env.artifactBuckets)) {
      lines.push(`bucket ${bucket}:`);
      for (const [probe, byAction] of Object.entries(byProbe))
        for (const [action, when] of Object.entries(byAction))
          lines.push(`  ${action} by ${probe}: ${allowedWhenText(when)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
