/**
 * Your own who-can-do-what cases, config/access-cases.json beside the config (optional; it starts as the example's
 * cases, as config/access.yaml starts as the example), each simulated on the plans of your config. Add a case by
 * adding an object: name, principal ARN, action, resource, optional context, expected decision.
 */
import { existsSync } from 'node:fs';
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { USER_ACCESS_CASES_FILE } from '../helpers/fixture-files';
import { analyzeUserPlans } from '../helpers/user-config';

const cases = existsSync(USER_ACCESS_CASES_FILE) ? readAccessCases(USER_ACCESS_CASES_FILE) : [];

if (cases.length === 0) {
  test.skip('config/access-cases.json holds no case (optional: your own who-can-do-what checks)', () => {});
} else {
  let access: AccessAnalysis;
  beforeAll(async () => {
    access = (await analyzeUserPlans()).analysis;
  });
  testAccessCases(cases, () => access);
}
