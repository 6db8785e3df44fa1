/**
 * An admin scoped to one of two pipelines (test/fixtures/scoped-admin, planned by real Terraform) passes only its
 * pipeline's declared service role, only to CodePipeline, and cannot change the other pipeline.
 */
import { join } from 'node:path';
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { PROJECT_ROOT } from '../helpers/cli';
import { readPlan } from '../helpers/plans';

let access: AccessAnalysis;
beforeAll(() => {
  access = AccessAnalysis.fromPlans([{ name: 'prod', plan: readPlan('scoped-admin', 'prod') }]);
});

test('the plan says which service roles and webhooks each pipeline declares', () => {
  const [env] = access.environments;
  expect(env.pipelines.map((p) => [p.name, p.service_roles, p.webhooks])).toEqual([
    [
      'api',
      ['arn:aws:iam::111222333444:role/api-pipeline-service-role'],
      [{ name: 'api-github', arn: 'arn:aws:codepipeline:us-east-2:111222333444:webhook:api-github' }],
    ],
    ['web', ['arn:aws:iam::111222333444:role/web-pipeline-service-role'], []],
  ]);
});

testAccessCases(
  readAccessCases(join(PROJECT_ROOT, 'test', 'fixtures', 'scoped-admin', 'access-cases.json')),
  () => access,
);
