/**
 * What `npm run drift` tells: the Markdown report written beside the plan files (`<env>.drift.md`), and one line per
 * finding on stdout for scripts and CI logs (`DRIFT <kind> [<env>] <principal> <action> on <resource> <context>
 * (source: ...)`). Both are deterministic: the same dump and plan give the same bytes.
 */
import { describeChangeContext } from '../analysis/access-diff';
import { describeContext } from '../analysis/environment-access';
import type { AccountDump } from '../live/account-dump';
import { displayPath } from '../synth/paths';
import type { DriftResult, SourcedChange } from './find-drift';

export { driftReportName } from '../analysis/plan-files';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The count line: what was found, by kind. */
export function describeCounts(result: DriftResult): string {
  const cells = (rows: readonly SourcedChange[]) => rows.reduce((n, r) => n + r.cells.length, 0);
  return [
    `${plural(cells(result.liveOnly), 'cell')} live that the config does not give`,
    `${plural(cells(result.missingLive), 'cell')} the config gives missing live`,
    `${plural(result.unmanaged.length, 'principal')} not managed by the project with CodePipeline access`,
    `${plural(result.attributes.length, 'attribute')} of managed resources differing`,
  ].join(', ');
}

/** `[prod] user/jin UpdatePipeline on MyFirstPipeline in any context (source: ...)`, one per cell. */
export function findingLines(result: DriftResult): string[] {
  const env = `[${result.environment}]`;
  const context = (row: SourcedChange) =>
    Object.keys(row.context).length === 0 ? 'in any context' : `with ${describeContext(row.context)}`;
  const cells = (kind: string, rows: readonly SourcedChange[]) =>
    rows.flatMap((row) =>
      row.cells.map(
        (c) =>
          `DRIFT ${kind} ${env} ${row.principal} ${c.action} on ${row.resource} ${context(row)} (source: ${c.sources.join('; ')})`,
      ),
    );
  return [
    ...cells('live-only', result.liveOnly),
    ...cells('missing-live', result.missingLive),
    ...result.unmanaged.map(
      (u) =>
        `DRIFT unmanaged ${env} ${u.principal} can do ${plural(u.actions.length, 'CodePipeline action')} on ${plural(u.resources, 'resource')} (source: ${u.sources.join('; ')})`,
    ),
    ...result.attributes.map(
      (a) => `DRIFT differs ${env} ${a.address} ${a.attribute}: live ${a.live}; planned ${a.planned}`,
    ),
  ];
}

function changeTable(rows: readonly SourcedChange[], none: string): string[] {
  if (rows.length === 0) return [none];
  const lines = ['| principal | resource | actions | context | source |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    // Cells of a row with the same sources share a line.
    const bySources = new Map<string, string[]>();
    for (const c of row.cells) {
      const key = c.sources.join('<br>');
      bySources.set(key, [...(bySources.get(key) ?? []), c.action]);
    }
    for (const [sources, actions] of bySources)
      lines.push(
        `| ${cell(row.principal)} | ${cell(row.resource)} | ${actions.join(', ')} | ${cell(describeChangeContext(row))} | ${sources} |`,
      );
  }
  return lines;
}

/** The Markdown report of one environment's drift. */
export function renderDriftReport(result: DriftResult, dump: AccountDump, plannedFrom: string): string {
  const d = dump.documents;
  const found = findingLines(result).length > 0;
  const lines = [
    `# Drift of \`${result.environment}\` (${result.accountId}, ${result.region})`,
    '',
    `Live: \`${displayPath(dump.from)}\` (${plural(d['authorization details'], 'page')} of get-account-authorization-details: ${plural(dump.users.length, 'user')}, ${plural(dump.groups.length, 'group')}, ${plural(dump.roles.length, 'role')}, ${plural(dump.policies.size, 'managed policy', 'managed policies')}; ${plural(d['bucket policy'], 'bucket policy', 'bucket policies')}, ${d['password policy'] > 0 ? 'the password policy' : 'no password policy'}, ${d['credential report'] > 0 ? 'a credential report' : 'no credential report'}). Planned: ${plannedFrom}.`,
    '',
    found
      ? `**Drift found:** ${describeCounts(result)}.`
      : '**No drift:** the live account gives exactly what the plan gives.',
    '',
    '## Access live that the config does not give',
    '',
    ...changeTable(result.liveOnly, 'None.'),
    '',
    '## Access the config gives that is missing live',
    '',
    'Not deployed yet, or removed by hand.',
    '',
    ...changeTable(result.missingLive, 'None.'),
    '',
    '## Not managed by the project, with CodePipeline access',
    '',
    ...(result.unmanaged.length === 0
      ? ['None.']
      : [
          '| principal | CodePipeline actions | resources | source | via |',
          '| --- | --- | --- | --- | --- |',
          ...result.unmanaged.map(
            (u) =>
              `| ${cell(u.principal)} | ${u.actions.join(', ')} | ${u.resources} | ${u.sources.map(cell).join('<br>')} | ${u.via.map(cell).join(', ')} |`,
          ),
        ]),
    '',
    '## Managed resources that differ live',
    '',
    ...(result.attributes.length === 0
      ? ['None.']
      : [
          '| resource | attribute | live | planned |',
          '| --- | --- | --- | --- |',
          ...result.attributes.map(
            (a) => `| \`${cell(a.address)}\` | ${cell(a.attribute)} | ${cell(a.live)} | ${cell(a.planned)} |`,
          ),
        ]),
    '',
    '## Not compared',
    '',
    ...(result.notCompared.length === 0
      ? ['Nothing: the dump has every part.']
      : result.notCompared.map((n) => `- ${n}`)),
    '',
  ];
  return lines.join('\n');
}
