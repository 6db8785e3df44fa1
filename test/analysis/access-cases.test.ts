/** The product's who-can-do-what cases (fixtures/access-cases.json), each simulated on the real example plans. */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import { readAccessCases, testAccessCases } from '../helpers/access-cases';
import { EXAMPLE_ACCESS_CASES_FILE } from '../helpers/fixture-files';
import { analyzeExample } from '../helpers/plan-mutations';

let access: AccessAnalysis;
beforeAll(async () => {
  access = (await analyzeExample()).analysis;
});

testAccessCases(readAccessCases(EXAMPLE_ACCESS_CASES_FILE), () => access);
