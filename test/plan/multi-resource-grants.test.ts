/**
 * Every CodePipeline action of the catalog that takes more than one resource type (PutWebhook needs its pipeline AND
 * its webhook; the tagging actions take a pipeline, a webhook or an action type) is granted by the focused fixture
 * test/fixtures/webhooks, planned by real Terraform. Each is simulated on every one of its resource types, on the
 * ARNs the plan declares (pipeline_inventory, action_types): the rendered grant must work on each, and reach no
 * webhook, action type or pipeline outside the grant.
 */
import { join } from 'node:path';
import { AccessAnalysis } from '../../src/analysis/access-analysis';
import { readActionTypes, type PipelineInventoryEntry } from '../../src/analysis/plan-principals';
import { loadActionCatalog, type CatalogAction } from '../../src/iam/action-catalog';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { PROJECT_ROOT } from '../helpers/cli';
import { readPlan } from '../helpers/plans';

const KIM = 'arn:aws:iam::111222333444:user/kim';
let access: AccessAnalysis;
let multiResource: CatalogAction[];
let granted: PipelineInventoryEntry;
let actionTypes: string[];

beforeAll(async () => {
  const plan = readPlan('webhooks', 'prod');
  access = AccessAnalysis.fromPlans([{ name: 'prod', plan }]);
  multiResource = (await loadActionCatalog()).multiResource();
  const [env] = access.environments;
  granted = env.pipelines.find((p) => p.name === 'api') as PipelineInventoryEntry;
  actionTypes = readActionTypes(plan);
});

/** The ARNs the plan declares for a resource type, within kim's grant (pipeline api, its webhooks, the action types). */
function declaredArns(type: string): string[] {
  switch (type) {
    case 'pipeline':
      return [granted.arn];
    case 'webhook':
      return (granted.webhooks ?? []).map((w) => w.arn);
    case 'actiontype':
      return actionTypes;
    default:
      throw new Error(`the fixture declares no resource of type ${type}`);
  }
}

test('the catalog has multi-resource actions, and the fixture declares a resource of each of their types', () => {
  expect(multiResource.map((a) => a.action).sort()).toEqual(
    expect.arrayContaining(['codepipeline:PutWebhook', 'codepipeline:TagResource']),
  );
  for (const action of multiResource)
    for (const type of action.resourceTypes) expect(declaredArns(type.name).length).toBeGreaterThan(0);
});

test('every multi-resource action of the catalog is allowed on each declared resource of each of its types', async () => {
  // GIVEN kim's custom grant on pipeline api, as Terraform planned it
  const outcomes: string[] = [];
  for (const { action, resourceTypes } of multiResource) {
    for (const type of resourceTypes) {
      for (const resource of declaredArns(type.name)) {
        // WHEN the request is simulated on that resource
        const outcome = await access.evaluate({ principal: KIM, action, resource });
        outcomes.push(`${action} on ${type.name} ${resource}: ${outcome.decision}${outcome.error ?? ''}`);
      }
    }
  }
  // THEN every one is allowed
  expect(outcomes.length).toBeGreaterThanOrEqual(multiResource.length * 2);
  expect(outcomes.filter((o) => !o.endsWith(': Allowed'))).toEqual([]);
});

test('no multi-resource action reaches the other pipeline, its webhook, or an undeclared webhook or action type', async () => {
  const [env] = access.environments;
  const web = env.pipelines.find((p) => p.name === 'web') as PipelineInventoryEntry;
  const outside = [
    web.arn,
    ...(web.webhooks ?? []).map((w) => w.arn),
    'arn:aws:codepipeline:us-east-2:111222333444:webhook:undeclared',
    'arn:aws:codepipeline:us-east-2:111222333444:actiontype:Custom/Build/Other/1',
  ];
  const allowed: string[] = [];
  for (const { action } of multiResource)
    for (const resource of outside)
      if ((await access.evaluate({ principal: KIM, action, resource })).decision === 'Allowed')
        allowed.push(`${action} on ${resource}`);
  expect(allowed).toEqual([]);
});

describe('access cases of the webhooks fixture', () => {
  testAccessCases(
    readAccessCases(join(PROJECT_ROOT, 'test', 'fixtures', 'webhooks', 'access-cases.json')),
    () => access,
  );
});
