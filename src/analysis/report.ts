/**
 * The pull-request review report (tfplans/SUMMARY.md) and the printed access matrix. Changes are against a
 * baseline (the base branch's plans); without one, everything shows as added. Per environment the headline is the
 * resource-by-resource comparison with the base (plan-diff.ts), then Terraform's own counts (against empty state),
 * the statement changes, who gains and who loses (access-diff.ts) and the findings; an environment where nothing
 * changed is one line.
 */
import { changeKind, countChanges, type PlanView } from '../plan/plan-json';
import { accessChanges, describeChangeContext, type AccessChange } from './access-diff';
import type { AnalysisResult } from './analyze';
import { describeContext, type AllowedWhen, type EnvironmentAccess } from './environment-access';
import { describeAttributeChange, describePlanDiff, isEmptyPlanDiff, planDiff, type PlanDiff } from './plan-diff';
import type { Finding } from './rules';
import { statementChanges, type StatementRow } from './statement-changes';

export interface ReportSide {
  readonly result: AnalysisResult;
  /** Human plan text per environment. */
  readonly planText: ReadonlyMap<string, string>;
}

const MAX_PLAN_CHARS = 20_000;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

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

/**
 * The headline (base -> head, resource by resource), what it adds, removes and changes, the deletions and
 * replacements a reviewer must not miss, and Terraform's own counts, labelled: against empty state, they say what a
 * first deploy creates, never what the change does.
 */
function planSection(plan: PlanView | undefined, diff: PlanDiff | undefined): string[] {
  if (!plan) return ['_Not planned in this run._'];
  const counts = countChanges(plan.plan);
  const terraform = `${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete`;
  if (!diff)
    return [
      `**Terraform against empty state** (what a first deploy creates; no base given, so this is the only comparison): ${terraform}.`,
      ...deletions(plan, undefined),
    ];
  const lines = [`**Against the base:** ${describePlanDiff(diff)}.`];
  if (diff.added.length + diff.changed.length > 0) lines.push('', ...diffList(diff));
  lines.push(
    ...deletions(plan, diff),
    '',
    `Terraform against empty state (what a first deploy creates): ${terraform}.`,
  );
  return lines;
}

/** Added and changed addresses; the removed ones are in the deletions warning below. */
function diffList(diff: PlanDiff): string[] {
  const addresses = (list: readonly string[]) => list.map((a) => `\`${a}\``).join(', ');
  return [
    ...(diff.added.length > 0 ? [`- added: ${addresses(diff.added)}`] : []),
    ...diff.changed.map((c) => `- changed: \`${c.address}\`: ${c.attributes.map(describeAttributeChange).join(', ')}`),
  ];
}

/** What a deploy deletes: the resources the base has and the head does not, and Terraform's deletes and replaces. */
function deletions(plan: PlanView, diff: PlanDiff | undefined): string[] {
  const destructive = (plan.plan.resource_changes ?? []).filter((rc) =>
    ['delete', 'replace'].includes(changeKind(rc.change.actions)),
  );
  const removed = diff?.removed ?? [];
  if (destructive.length === 0 && removed.length === 0) return [];
  const lines = ['', '> [!WARNING]', '> Deletions and replacements:'];
  for (const rc of destructive)
    lines.push(`> - \`${rc.address}\` will be ${changeKind(rc.change.actions) === 'replace' ? 'replaced' : 'deleted'}`);
  for (const address of removed) lines.push(`> - \`${address}\` is no longer in the configuration (deleted on deploy)`);
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

function statementSection(rows: readonly StatementRow[]): string[] {
  if (rows.length === 0) return ['None.'];
  const lines = ['| | resource | effect | action | principal | condition |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows)
    lines.push(
      `| ${r.change} | ${cell(r.resource)} | ${r.effect} | ${cell(r.action)} | ${cell(r.principal)} | ${cell(r.condition)} |`,
    );
  return lines;
}

function accessSection(rows: readonly AccessChange[]): string[] {
  if (rows.length === 0) return ['No change in who can do what.'];
  const lines = ['| | principal | resource | actions | context |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows)
    lines.push(
      `| ${r.change} | ${cell(r.principal)} | ${cell(r.resource)} | ${r.actions.join(', ')} | ${cell(describeChangeContext(r))} |`,
    );
  return lines;
}

/** One environment: one line when the base planned it alike, with no access change and no findings; else in full. */
function environmentSection(
  access: EnvironmentAccess,
  head: ReportSide,
  base: ReportSide | undefined,
): { readonly unchanged: boolean; readonly lines: string[] } {
  const name = access.environment;
  const env = head.result.analysis.environments.find((e) => e.name === name);
  const baseEnv = base?.result.analysis.environments.find((e) => e.name === name);
  const findings = head.result.findings.filter((f) => f.environment === name || f.environment === '*');
  const suppressed = head.result.suppressed.filter((f) => f.environment === name);
  const statements = statementChanges(baseEnv, env);
  const changes = accessChanges(
    base?.result.access.find((a) => a.environment === name),
    access,
  );
  // With a base: against its plan of the environment (none when it lacks the environment: everything is added).
  const diff = base && env ? planDiff(baseEnv?.plan, env.plan) : undefined;
  const samePlan = diff !== undefined && baseEnv !== undefined && isEmptyPlanDiff(diff);
  if (samePlan && statements.length + changes.length + findings.length + suppressed.length === 0)
    return {
      unchanged: true,
      lines: [`\`${name}\`: no change (plan identical to the base's, no access change, no findings).`],
    };
  return {
    unchanged: false,
    lines: [
      `## ${name} (${access.accountId}, ${access.region})`,
      '',
      ...planSection(env?.plan, diff),
      '',
      '### IAM statement changes',
      '',
      ...statementSection(statements),
      '',
      '### Who gains and who loses access',
      '',
      ...accessSection(changes),
      '',
      '### Rule findings',
      '',
      ...findingsTable(findings, suppressed),
      ...rawPlan(head.planText.get(name)),
    ],
  };
}

export function renderSummary(head: ReportSide, base?: ReportSide): string {
  const sections = head.result.access.map((access) => environmentSection(access, head, base));
  const gone = (base?.result.access ?? []).filter(
    (b) => !head.result.access.some((a) => a.environment === b.environment),
  );
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const errors = head.result.findings.filter((f) => f.severity === 'error').length;
  const unchanged = base ? ` (${sections.filter((s) => s.unchanged).length} unchanged)` : '';
  const against = base ? 'against the base branch' : 'against nothing (no base given): everything shows as added';
  return `${[
    '# codepipeline-access review',
    '',
    `${count(sections.length, 'environment')}${unchanged}; ${count(errors, 'error')}, ${count(head.result.findings.length - errors, 'warning')}; changes ${against}.`,
    ...sections.flatMap((section) => ['', ...section.lines]),
    ...gone.flatMap((b) => ['', `\`${b.environment}\`: no longer in the config (the base had it).`]),
  ].join('\n')}\n`;
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
