/**
 * Reports that fit: SUMMARY.md stays under SUMMARY_BUDGET (a PR comment holds 65,536 characters) for any change,
 * with a headline per changed environment first and every environment's detail in its review file; nothing is cut
 * inside a table, a fence or a <details>. And the Mermaid graph of the cross-account trust a change adds or
 * removes, on the example's real plans.
 */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import type { AnalysisResult } from '../../src/analysis/analyze';
import { renderReport, reviewFileName, SUMMARY_BUDGET, type ReportSide } from '../../src/analysis/report';
import { MAX_EDGES, mermaidLabel, trustGraph } from '../../src/analysis/trust-graph';
import { analyzeExample, PlanEdit } from '../helpers/plan-mutations';

/** The example's analysis, copied into `count` environments named env-001.. (prod's access and plan in each). */
function manyEnvironments(result: AnalysisResult, count: number): ReportSide {
  const prod = result.access.find((a) => a.environment === 'prod');
  const planned = result.analysis.environment('prod');
  if (!prod) throw new Error('the example has prod');
  const names = Array.from({ length: count }, (_, i) => `env-${String(i + 1).padStart(3, '0')}`);
  return {
    result: {
      ...result,
      access: names.map((environment) => ({ ...prod, environment })),
      analysis: { environments: names.map((name) => ({ ...planned, name })) } as unknown as AccessAnalysis,
    },
    planText: new Map(
      names.map((n) => [n, `Plan: 26 to add, 0 to change, 0 to destroy.\n${'~ resource\n'.repeat(400)}`]),
    ),
  };
}

/** Markdown structures a cut would leave open. */
function structureProblems(markdown: string): string[] {
  const lines = markdown.split('\n');
  const problems: string[] = [];
  if (lines.filter((l) => l.startsWith('```')).length % 2 !== 0) problems.push('a code fence is not closed');
  const opened = (markdown.match(/<details>/g) ?? []).length;
  if (opened !== (markdown.match(/<\/details>/g) ?? []).length) problems.push('a <details> is not closed');
  for (const line of lines) if (line.startsWith('|') && !line.endsWith('|')) problems.push(`table row cut: ${line}`);
  return problems;
}

test('GIVEN 100 environments that each gain everything (no base) WHEN reported THEN the summary fits, is whole, and every environment has a linked review file', async () => {
  const head = manyEnvironments(await analyzeExample(), 100);
  const { summary, reviews } = renderReport(head, undefined);

  expect(summary.length).toBeLessThan(SUMMARY_BUDGET);
  expect(structureProblems(summary)).toEqual([]);
  expect(reviews.map(([name]) => name)).toEqual(head.result.access.map((a) => reviewFileName(a.environment)));
  for (const [name, text] of reviews) {
    expect(structureProblems(text)).toEqual([]);
    expect(text).toContain('### Who gains and who loses access');
    // Every review is reachable from the summary: a headline row or the list of those shown only there.
    expect(summary).toContain(`(${name})`);
  }
  // The reviews hold what the summary could not: together far more than a comment.
  expect(reviews.reduce((sum, [, text]) => sum + text.length, 0)).toBeGreaterThan(10 * SUMMARY_BUDGET);
  expect(summary).toMatch(/\d+ more changed environments: see their `<env>.review.md`|shown in its review file only/);
});

test('GIVEN 100 changed environments against a base WHEN reported THEN the headlines come first and the summary still fits', async () => {
  const base = manyEnvironments(await analyzeExample(), 100);
  const edit = new PlanEdit('prod').membership('mina', ['codepipeline-access-self-service']);
  const head = manyEnvironments(await analyzeExample([edit]), 100);
  const { summary, reviews } = renderReport(head, base);
  expect(summary.length).toBeLessThan(SUMMARY_BUDGET);
  expect(structureProblems(summary)).toEqual([]);
  expect(reviews).toHaveLength(100);
  expect(summary.indexOf('## Changed environments')).toBeLessThan(summary.indexOf('## env-001 ('));
  // mina loses her approval: each headline counts a loss.
  expect(summary).toMatch(/\| `env-001` \(111222333444\) \| [^|]+ \| 0 \| [1-9]\d* \|/);
});

test('GIVEN a person removed from the team prod trusts WHEN reported THEN a Mermaid graph shows that edge lost, and nothing else', async () => {
  const edit = new PlanEdit('dev').membership('ana', [
    'codepipeline-access-self-service',
    'helprr-backend-developer-group',
  ]);
  const head: ReportSide = { result: await analyzeExample([edit]), planText: new Map() };
  const base: ReportSide = { result: await analyzeExample(), planText: new Map() };
  const { summary } = renderReport(head, base);
  const graph = summary.slice(
    summary.indexOf('```mermaid'),
    summary.indexOf('```', summary.indexOf('```mermaid') + 3) + 3,
  );
  expect(graph.split('\n')).toEqual([
    '```mermaid',
    'flowchart LR',
    '  p0("user/ana (111111111111)")',
    '  r1["prod (111222333444): role/CrossAccountPipelineViewers"]',
    '  p0 -.->|"loses"| r1',
    '```',
  ]);
  // No trust change, no graph.
  expect(renderReport(base, base).summary).not.toContain('```mermaid');
});

test('GIVEN many principals of one account and more edges than drawn WHEN graphed THEN one node per account with a count, and the rest counted', () => {
  const hubUsers = Array.from({ length: 200 }, (_, i) => ({
    change: '+' as const,
    principal: `arn:aws:iam::100000000001:user/person-${i}`,
    role: 'role/PipelineViewers',
    environment: 'env-002',
    accountId: '100000000002',
  }));
  expect(trustGraph(hubUsers)).toEqual([
    '```mermaid',
    'flowchart LR',
    '  p0("200 principals of 100000000001")',
    '  r1["env-002 (100000000002): role/PipelineViewers"]',
    '  p0 -->|"gains"| r1',
    '```',
  ]);
  const spokes = Array.from({ length: MAX_EDGES + 5 }, (_, i) => ({ ...hubUsers[0], environment: `env-${i}` }));
  const lines = trustGraph(spokes);
  expect(lines.filter((l) => l.includes('-->'))).toHaveLength(MAX_EDGES);
  expect(lines.at(-1)).toBe('5 more changed trust edges are not drawn; they are in the review files.');
});

test('Mermaid labels cannot end their quotes or open HTML', () => {
  expect(mermaidLabel('a "quoted" <b>#1</b> `x`')).toBe('"a #quot;quoted#quot; #lt;b#gt;#35;1#lt;/b#gt; #96;x#96;"');
});

test('GIVEN an environment unchanged against the base that has findings WHEN reported THEN its line says so instead of "no findings"', async () => {
  const result = await analyzeExample();
  const warning = {
    ruleId: 'CPA-TEST',
    severity: 'warning' as const,
    environment: 'dev',
    target: 'user/ana',
    detail: 'x',
    message: 'a finding the base has too',
  };
  const head: ReportSide = { result: { ...result, findings: [...result.findings, warning] }, planText: new Map() };
  const { summary } = renderReport(head, head, new Set(['dev', 'staging', 'prod']));
  expect(summary).toContain(
    "Unchanged, with the same findings as the base (listed in the run's output): `dev` (0 errors, 1 warning, 0 suppressed).",
  );
  expect(summary).not.toMatch(/Unchanged: [^\n]*`dev`/);
});
