/**
 * Seed 002's expectations of jin, the backend developer with the operator profile, as tests: the same whether he
 * is an IAM user in a group (test/analysis/seed-expectations.test.ts) or signs in through Identity Center
 * (test/analysis/identity-center-access.test.ts).
 */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import './access-matchers';

/** `jin` may view, start, stop and retry `pipeline` (an ARN), list pipelines, and nothing more on it or elsewhere. */
export function seed002OperatorTests(access: () => AccessAnalysis, jin: string, pipeline: string): void {
  const otherPipeline = pipeline.replace(/[^:]+$/, 'AnyOtherPipeline');
  test.each([
    'codepipeline:GetPipeline',
    'codepipeline:GetPipelineState',
    'codepipeline:GetPipelineExecution',
    'codepipeline:ListPipelineExecutions',
    'codepipeline:ListActionExecutions',
    'codepipeline:StartPipelineExecution',
    'codepipeline:StopPipelineExecution',
  ])('may %s on MyFirstPipeline', async (action) => {
    await expect(access()).toAllow(jin, action, pipeline);
  });

  test('may retry a failed stage and list pipelines', async () => {
    await expect(access()).toAllow(jin, 'codepipeline:RetryStageExecution', `${pipeline}/MyApprovalStage`);
    await expect(access()).toAllow(jin, 'codepipeline:ListPipelines', '*');
  });

  test.each([
    ['codepipeline:CreatePipeline', pipeline.replace(/[^:]+$/, 'SomeNewPipeline')],
    ['codepipeline:UpdatePipeline', pipeline],
    ['codepipeline:DeletePipeline', pipeline],
    ['codepipeline:UpdatePipeline', otherPipeline],
    ['codepipeline:StartPipelineExecution', otherPipeline],
    ['codepipeline:PutApprovalResult', `${pipeline}/MyApprovalStage/MyApprovalAction`],
  ])('may not %s (%s)', async (action, resource) => {
    await expect(access()).toDeny(jin, action, resource);
  });
}
