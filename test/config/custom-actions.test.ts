/** Custom profiles take exactly the CodePipeline actions of the service reference, spelled as it spells them. */
import { loadActionCatalog, type ActionCatalog } from '../../src/iam/action-catalog';
import { CUSTOM_ACTIONS_ALLOWED, customActionProblem } from '../../src/config/custom-actions';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

test('every action of the catalog is accepted as spelled, and refused in any other case with its spelling', () => {
  expect(catalog.actions).toHaveLength(44);
  for (const { action } of catalog.actions) {
    expect([action, customActionProblem(action, catalog)]).toEqual([action, undefined]);
    for (const miscased of [action.toLowerCase(), action.toUpperCase()]) {
      expect(customActionProblem(miscased, catalog)).toBe(
        `wrong case: action names must be spelled exactly as in the service reference; did you mean "${action}"? ${CUSTOM_ACTIONS_ALLOWED}`,
      );
    }
  }
});

test.each([
  ['*', 'wildcards are not allowed'],
  ['codepipeline:*', 'wildcards are not allowed'],
  ['codepipeline:List*', 'wildcards are not allowed'],
  ['iam:Pass?ole', 'wildcards are not allowed'],
  ['iam:PassRole', 'not a CodePipeline action'],
  ['sts:AssumeRole', 'not a CodePipeline action'],
  ['s3:GetObject', 'not a CodePipeline action'],
  ['codebuild:StartBuild', 'not a CodePipeline action'],
  ['PutApprovalResult', 'missing the service prefix "codepipeline:"; did you mean "codepipeline:PutApprovalResult"?'],
  ['codepipeline:PutAprovalResult', 'unknown action: not a CodePipeline action of the service reference'],
  ['codepipeline:Nonsense', 'unknown action'],
])('%s is refused: %s', (action, message) => {
  const problem = customActionProblem(action, catalog);
  expect(problem).toContain(message);
  expect(problem).toContain(CUSTOM_ACTIONS_ALLOWED);
});
