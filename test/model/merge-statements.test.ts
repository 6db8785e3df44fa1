/**
 * A permission set's statements merged across the accounts it is assigned to (src/model/identity-center.ts): the
 * same statement of two accounts becomes one listing both accounts' resources; different statements keep Sids
 * that stay unique, as IAM requires.
 */
import { mergeStatements } from '../../src/model/identity-center';
import type { PolicyStatement } from '../../src/iam/policy-document';

const view = (sid: string, action: string, resource: string): PolicyStatement => ({
  sid,
  effect: 'Allow',
  actions: [action],
  resources: [resource],
});

test('the same statement of two accounts is one, with both resources', () => {
  expect(
    mergeStatements([
      view('View', 'codepipeline:GetPipeline', 'arn:b'),
      view('View', 'codepipeline:GetPipeline', 'arn:a'),
    ]),
  ).toEqual([{ ...view('View', 'codepipeline:GetPipeline', 'arn:b'), resources: ['arn:a', 'arn:b'] }]);
});

test('different statements under one Sid are numbered past every Sid already taken', () => {
  const merged = mergeStatements([
    view('View', 'codepipeline:GetPipeline', 'arn:a'),
    view('View2', 'codepipeline:ListPipelines', '*'),
    view('View', 'codepipeline:GetPipelineState', 'arn:a'),
  ]);
  expect(merged.map((s) => s.sid)).toEqual(['View', 'View2', 'View3']);
});
