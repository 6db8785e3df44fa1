/**
 * The pull-request review report (tfplans/SUMMARY.md) and the printed access matrix. Changes are against a
 * baseline (the base branch's plans); without one, everything shows as added. Per environment the headline is the
 * resource-by-resource comparison with the base (plan-diff.ts), then Terraform's own counts (against empty state),
 * the statement changes, who gains and who loses (access-diff.ts) and the findings; an environment where nothing
 * changed is one line.
 */
import { changeKind, countChanges, type PlanView } from '../plan/plan-json';
import { accessChanges, describeChangeContext, type AccessChange } from './access-diff';
import { trustGraph, type TrustChange } from './trust-graph';
import type { AnalysisResult } from './analyze';
import { describeContext, type AllowedWhen, type EnvironmentAccess } from './environment-access';
import { describeAttributeChange, describePlanDiff, isEmptyPlanDiff, planDiff, type PlanDiff } from './plan-diff';
import type { PlannedEnvironment } from './plan-principals';
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
/** One environment's section, with what it was worked out from (the summary's headline row reads the same). */
interface EnvironmentSection {
  readonly unchanged: boolean;
  readonly lines: string[];
  readonly env?: PlannedEnvironment;
  readonly baseEnv?: PlannedEnvironment;
  readonly diff?: PlanDiff;
  readonly changes: readonly AccessChange[];
}

function environmentSection(
  access: EnvironmentAccess,
  head: ReportSide,
  base: ReportSide | undefined,
): EnvironmentSection {
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
  const facts = { env, baseEnv, diff, changes };
  if (samePlan && statements.length + changes.length + findings.length + suppressed.length === 0)
    return {
      unchanged: true,
      lines: [`\`${name}\`: no change (plan identical to the base's, no access change, no findings).`],
      ...facts,
    };
  return {
    unchanged: false,
    ...facts,
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

/** GitHub's comment limit is 65,536 characters; the report stays under this, with room for the workflow's lines. */
export const SUMMARY_BUDGET = 60_000;

/** The review's files: SUMMARY.md (the PR comment) and `<env>.review.md` per environment shown in full. */
export interface ReportFiles {
  readonly summary: string;
  /** [file name, content], one per environment that is more than one line. */
  readonly reviews: readonly [string, string][];
}

export const reviewFileName = (environment: string) => `${environment}.review.md`;

/** One environment's headline: what a reviewer must see first. */
interface Headline {
  readonly name: string;
  readonly row: string;
  readonly section: readonly string[];
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The review: SUMMARY.md, under SUMMARY_BUDGET for any change, and the full detail of every environment that is
 * more than one line in `<env>.review.md`. The summary has, in this order: the counts; one headline row per
 * changed environment (resources against the base, gains, losses, deletions, findings, the link to its review);
 * a Mermaid graph of the cross-account trust that changes; then each changed environment's full section while
 * they fit, whole (later ones are linked instead); the unchanged environments in one line. Whatever does not fit
 * is left out whole and counted, never cut inside a table, a fence or a <details>.
 * `unchanged`: environments whose result was reused because their inputs equal the base's (plan --base).
 */
export function renderReport(
  head: ReportSide,
  base: ReportSide | undefined,
  unchanged: ReadonlySet<string> = new Set(),
): ReportFiles {
  const headlines: Headline[] = [];
  const quiet: string[] = [];
  /** Unchanged against the base, but not clean: the base's findings are still there, and the summary says so. */
  const withFindings: string[] = [];
  const trust: TrustChange[] = [];
  for (const access of head.result.access) {
    const name = access.environment;
    if (unchanged.has(name)) {
      const findings = head.result.findings.filter((f) => f.environment === name);
      const suppressed = head.result.suppressed.filter((f) => f.environment === name).length;
      if (findings.length + suppressed === 0) quiet.push(name);
      else {
        const errors = findings.filter((f) => f.severity === 'error').length;
        withFindings.push(
          `\`${name}\` (${count(errors, 'error')}, ${count(findings.length - errors, 'warning')}, ${suppressed} suppressed)`,
        );
      }
      continue;
    }
    const section = environmentSection(access, head, base);
    if (section.unchanged) {
      quiet.push(name);
      continue;
    }
    const { changes } = section;
    trust.push(
      ...changes
        .filter((c) => c.actions.includes('sts:AssumeRole'))
        .map((c) => ({
          change: c.change,
          principal: c.principal,
          role: c.resource,
          environment: name,
          accountId: access.accountId,
        })),
    );
    headlines.push({ name, row: headlineRow(access, head, base !== undefined, section), section: section.lines });
  }
  const gone = (base?.result.access ?? []).filter(
    (b) => !head.result.access.some((a) => a.environment === b.environment),
  );
  const errors = head.result.findings.filter((f) => f.severity === 'error').length;
  const against = base ? 'against the base branch' : 'against nothing (no base given): everything shows as added';
  const total = head.result.access.length;
  const top = [
    '# codepipeline-access review',
    '',
    `${count(total, 'environment')}${base ? ` (${total - headlines.length} unchanged)` : ''}; ${count(errors, 'error')}, ${count(head.result.findings.length - errors, 'warning')}; changes ${against}.`,
  ].join('\n');
  const where =
    "Each changed environment's full review is in `tfplans/<env>.review.md` (in CI: the run's `tfplans` artifact).";
  const tail = [
    ...(quiet.length > 0
      ? [`Unchanged: ${quiet.map((n) => `\`${n}\``).join(', ')} (plan and access as the base's, no findings).`]
      : []),
    ...(withFindings.length > 0
      ? [`Unchanged, with the same findings as the base (listed in the run's output): ${withFindings.join(', ')}.`]
      : []),
    ...gone.map((b) => `\`${b.environment}\`: no longer in the config (the base had it).`),
  ].join('\n\n');
  const blocks: string[] = [];
  if (headlines.length > 0) {
    const table = fitRows(
      [
        '| environment | against the base | gains | losses | deletions | findings | review |',
        '| --- | --- | --- | --- | --- | --- | --- |',
      ],
      headlines.map((h) => h.row),
      SUMMARY_BUDGET / 3,
      (n) => `${n} more changed environment${n === 1 ? '' : 's'}: see their \`<env>.review.md\``,
    );
    blocks.push(['## Changed environments', '', ...table, '', where].join('\n'));
  }
  const graph = trustGraph(trust);
  if (graph.length > 0) blocks.push(['## Cross-account trust that changes', '', ...graph].join('\n'));
  // The sections in full while they fit, whole; the rest is linked (room is kept for the longest such line).
  const linkedLine = (names: readonly string[]) =>
    `${count(names.length, 'environment')} shown in its review file only (the comment holds ${SUMMARY_BUDGET.toLocaleString('en-US')} characters): ${names.map((n) => `[${n}](${reviewFileName(n)})`).join(', ')}.`;
  const fixed = [top, ...blocks, tail, linkedLine(headlines.map((h) => h.name))].join('\n\n').length + 2;
  let room = SUMMARY_BUDGET - fixed;
  const linked: string[] = [];
  for (const h of headlines) {
    const text = h.section.join('\n');
    if (text.length + 2 <= room) {
      blocks.push(text);
      room -= text.length + 2;
    } else linked.push(h.name);
  }
  if (linked.length > 0) blocks.push(linkedLine(linked));
  const summary = `${[top, ...blocks, ...(tail ? [tail] : [])].join('\n\n')}\n`;
  const reviews = headlines.map(
    (h) =>
      [
        reviewFileName(h.name),
        `${[`# codepipeline-access review: ${h.name}`, '', `[Back to the summary](SUMMARY.md)`, '', ...h.section].join('\n')}\n`,
      ] as [string, string],
  );
  return { summary, reviews };
}

/** SUMMARY.md alone (see renderReport). */
export function renderSummary(head: ReportSide, base?: ReportSide, unchanged?: ReadonlySet<string>): string {
  return renderReport(head, base, unchanged).summary;
}

function headlineRow(
  access: EnvironmentAccess,
  head: ReportSide,
  hasBase: boolean,
  { env, baseEnv, diff, changes }: EnvironmentSection,
): string {
  const name = access.environment;
  const against = !hasBase ? 'no base' : !baseEnv ? 'new environment' : diff ? describePlanDiff(diff) : 'not planned';
  const cells = (sign: '+' | '-') =>
    changes.filter((c) => c.change === sign).reduce((sum, c) => sum + c.actions.length, 0);
  const destructive = (env?.plan.plan.resource_changes ?? []).filter((rc) =>
    ['delete', 'replace'].includes(changeKind(rc.change.actions)),
  ).length;
  const deletions = destructive + (diff?.removed.length ?? 0);
  const findings = head.result.findings.filter((f) => f.environment === name);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `| \`${cell(name)}\` (${access.accountId}) | ${cell(against)} | ${cells('+')} | ${cells('-')} | ${deletions > 0 ? `**${deletions}**` : '0'} | ${errors > 0 ? `**${count(errors, 'error')}**` : '0 errors'}, ${count(findings.length - errors, 'warning')} | [${reviewFileName(name)}](${reviewFileName(name)}) |`;
}

/** A table's header and as many whole rows as fit in `budget`; the rest counted in a line after it. */
export function fitRows(
  header: readonly string[],
  rows: readonly string[],
  budget: number,
  omitted: (n: number) => string,
): string[] {
  const out = [...header];
  let used = header.join('\n').length;
  let shown = 0;
  for (const row of rows) {
    if (used + row.length + 1 > budget) break;
    out.push(row);
    used += row.length + 1;
    shown++;
  }
  return shown < rows.length ? [...out, '', omitted(rows.length - shown)] : out;
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
    for (const [bucket, byProbe] of Object.entries({ ...env.artifactBuckets, ...env.auditTrailBuckets })) {
      lines.push(`${env.auditTrailBuckets?.[bucket] ? 'trail bucket' : 'bucket'} ${bucket}:`);
      for (const [probe, byAction] of Object.entries(byProbe))
        for (const [action, when] of Object.entries(byAction))
          lines.push(`  ${action} by ${probe}: ${allowedWhenText(when)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
