/**
 * The config's intent against the plan, cell by cell (src/analysis/intent-check.ts): each defect the issue names,
 * planted in a real plan of the example, is caught as a cell the config does not give (CPA-INT1); the plans the
 * project renders have none (rules.test.ts: every rule is compliant on the example).
 */
import type { Finding } from '../../src/analysis/rules';
import { analyzeExample, PlanEdit } from '../helpers/plan-mutations';

const P = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const unintended = (findings: readonly Finding[]) =>
  findings.filter((f) => f.ruleId === 'CPA-INT1').map(({ target, detail }) => ({ target, detail }));

const TRUST = 'aws_iam_role.CrossAccountPipelineViewers';
const trust = (principal: string, condition?: object) =>
  doc({
    Sid: 'TrustAccount',
    Effect: 'Allow',
    Action: ['sts:AssumeRole'],
    Principal: { AWS: [principal] },
    ...(condition ? { Condition: condition } : {}),
  });

test('GIVEN the plans as rendered THEN no cell differs from the intent', async () => {
  const { findings } = await analyzeExample();
  expect(findings.filter((f) => f.ruleId.startsWith('CPA-INT'))).toEqual([]);
});

test('GIVEN a viewer statement widened to Resource "*" THEN the role may do what the config does not give', async () => {
  const edit = new PlanEdit('prod').setDocument(
    'aws_iam_policy.CrossAccountPipelineViewers-policy',
    'policy',
    doc({ Effect: 'Allow', Action: ['codepipeline:GetPipeline', 'codepipeline:ListWebhooks'], Resource: '*' }),
  );
  const { findings } = await analyzeExample([edit]);
  expect(unintended(findings)).toEqual([
    { target: 'role/CrossAccountPipelineViewers', detail: 'Cell::codepipeline-access-undeclared' },
    { target: 'role/CrossAccountPipelineViewers', detail: 'Cell::webhook:codepipeline-access-undeclared' },
  ]);
  // And what the narrower statements gave is now missing.
  expect(findings.filter((f) => f.ruleId === 'CPA-INT2').map((f) => f.target)).toContain(
    'role/CrossAccountPipelineViewers',
  );
});

test('GIVEN one viewer action widened to Resource "*" THEN a pipeline the config does not declare is flagged', async () => {
  const edit = new PlanEdit('prod').setDocument(
    'aws_iam_policy.CrossAccountPipelineViewers-policy',
    'policy',
    doc({ Effect: 'Allow', Action: ['codepipeline:GetPipeline'], Resource: '*' }),
  );
  const { findings } = await analyzeExample([edit]);
  expect(unintended(findings)).toEqual([
    { target: 'role/CrossAccountPipelineViewers', detail: 'Cell::codepipeline-access-undeclared' },
  ]);
});

test('GIVEN a trust that lost its MFA condition THEN assuming without MFA is flagged', async () => {
  const { findings } = await analyzeExample([
    new PlanEdit('prod').setDocument(TRUST, 'assume_role_policy', trust('arn:aws:iam::111111111111:root')),
  ]);
  expect(unintended(findings)).toEqual([
    { target: 'arn:aws:iam::111111111111:user/ana', detail: 'Cell::role/CrossAccountPipelineViewers' },
  ]);
  const [finding] = findings.filter((f) => f.ruleId === 'CPA-INT1');
  expect(finding.message).toContain('sts:AssumeRole (any context)');
});

test('GIVEN a role assumable from an account the config does not name THEN that account is flagged', async () => {
  const { findings } = await analyzeExample([
    new PlanEdit('prod').setDocument(
      TRUST,
      'assume_role_policy',
      trust('arn:aws:iam::999988887777:root', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
    ),
  ]);
  expect(unintended(findings)).toEqual([
    { target: 'arn:aws:iam::999988887777:root', detail: 'Cell::role/CrossAccountPipelineViewers' },
  ]);
  // ana, whom the config means to let in, no longer can.
  expect(findings.filter((f) => f.ruleId === 'CPA-INT2').map((f) => f.target)).toEqual([
    'arn:aws:iam::111111111111:user/ana',
  ]);
});

test('GIVEN a webhook grant widened to every webhook of the account THEN the undeclared webhook is flagged', async () => {
  const edit = new PlanEdit('prod')
    .policy(
      'hooks',
      doc({
        Effect: 'Allow',
        Action: ['codepipeline:DeleteWebhook'],
        Resource: 'arn:aws:codepipeline:us-east-2:111222333444:webhook:*',
      }),
    )
    .attachToGroup('helprr-backend-developer-group', 'hooks');
  const { findings } = await analyzeExample([edit]);
  expect(unintended(findings)).toEqual([
    { target: 'user/jin', detail: 'Cell::webhook:codepipeline-access-undeclared' },
  ]);
});

test('GIVEN an approver grant on <pipeline>/* THEN approving an undeclared approval action is flagged', async () => {
  const edit = new PlanEdit('prod').setDocument(
    'aws_iam_policy.release-approvers-approver',
    'policy',
    doc(
      { Effect: 'Allow', Action: ['codepipeline:ListPipelines'], Resource: ['*'] },
      {
        Effect: 'Allow',
        Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineExecution', 'codepipeline:GetPipelineState'],
        Resource: [P],
      },
      { Effect: 'Allow', Action: ['codepipeline:PutApprovalResult'], Resource: [`${P}/*`] },
    ),
  );
  const { findings } = await analyzeExample([edit]);
  expect(unintended(findings)).toEqual([
    { target: 'user/mina', detail: 'Cell::MyFirstPipeline/MyApprovalStage/codepipeline-access-undeclared' },
    {
      target: 'user/mina',
      detail: 'Cell::MyFirstPipeline/codepipeline-access-undeclared/codepipeline-access-undeclared',
    },
  ]);
  expect(findings.filter((f) => f.ruleId === 'CPA-INT2')).toEqual([]);
});
