/**
 * The default time limit of terraform commands grows with the environment's stack (src/plan/plan-timeout.ts);
 * PLAN_TIMEOUT_SECONDS, when set, wins. Counted on real synthesized stacks: the example's and the large fixture's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAN_TIMEOUT_SECONDS } from '../../src/cli/environment';
import {
  BASE_TIMEOUT_SECONDS,
  countStackResources,
  settingsForStack,
  stackTimeoutSeconds,
  TIMEOUT_SECONDS_PER_RESOURCE,
} from '../../src/plan/plan-timeout';
import { fixtureOutdir } from '../helpers/plans';

const stackFile = (fixture: string, env: string) => join(fixtureOutdir(fixture), 'stacks', env, 'cdk.tf.json');
const settings = { binary: 'terraform', cliConfigFile: '/dev/null' };

test('GIVEN stacks of growing size THEN the limit is the base plus a share per resource, in whole seconds', () => {
  expect(stackTimeoutSeconds(0)).toBe(BASE_TIMEOUT_SECONDS);
  expect(stackTimeoutSeconds(15_065)).toBe(Math.ceil(BASE_TIMEOUT_SECONDS + 15_065 * TIMEOUT_SECONDS_PER_RESOURCE));
  // The measured 5,000-user account (init, plan and show together: 213.8 s) gets over three times that per command.
  expect(stackTimeoutSeconds(15_065)).toBeGreaterThan(3 * 213.8);
  expect(stackTimeoutSeconds(101)).toBeGreaterThan(stackTimeoutSeconds(100));
});

test('GIVEN a synthesized stack WHEN counted THEN every resource and data source of every type counts', () => {
  const stack = {
    resource: { aws_iam_user: { a: {}, b: {} }, aws_iam_group: { g: {} } },
    data: { aws_iam_policy_document: { d: {} } },
    output: { account_id: {} },
  };
  expect(countStackResources(stack)).toBe(4);
  expect(countStackResources({})).toBe(0);
});

test('GIVEN the example and the large fixture WHEN no limit is set THEN the larger stack gets the longer limit', () => {
  const example = settingsForStack(settings, stackFile('example', 'prod'));
  const large = settingsForStack(settings, stackFile('large', 'env-01'));
  const resources = countStackResources(JSON.parse(readFileSync(stackFile('large', 'env-01'), 'utf8')));
  expect(resources).toBeGreaterThan(100);
  expect(large.timeoutSeconds).toBe(stackTimeoutSeconds(resources));
  expect(example.timeoutSeconds).toBeLessThan(large.timeoutSeconds);
  expect(example.timeoutSeconds).toBeGreaterThanOrEqual(BASE_TIMEOUT_SECONDS);
});

test('GIVEN PLAN_TIMEOUT_SECONDS WHEN set THEN it wins for every stack, and unset leaves the limit to the stack', () => {
  const set = PLAN_TIMEOUT_SECONDS.parse('42');
  const unset = PLAN_TIMEOUT_SECONDS.parse(undefined);
  if (!('value' in set) || !('value' in unset)) throw new Error('PLAN_TIMEOUT_SECONDS did not parse');
  expect(
    settingsForStack({ ...settings, timeoutSeconds: set.value }, stackFile('large', 'env-01')).timeoutSeconds,
  ).toBe(42);
  expect(unset.value).toBeUndefined();
  expect(PLAN_TIMEOUT_SECONDS.defaultText).toContain(`${BASE_TIMEOUT_SECONDS} s + ${TIMEOUT_SECONDS_PER_RESOURCE} s`);
});
