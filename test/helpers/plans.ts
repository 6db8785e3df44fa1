/**
 * The plans of the test fixtures, made once per test run by test/global-setup.ts with the real plan CLI
 * (real Terraform, real AWS provider) and read here by every plan-based test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateConfig, LARGE_TEST_CONFIG } from '../../src/fixtures/generate-config';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { PROJECT_ROOT } from './cli';

export const TEST_PLANS_DIR = join(PROJECT_ROOT, '.cache', 'test-plans');

export interface PlanFixture {
  readonly name: string;
  /** The config file the fixture's plans were made from. */
  readonly configFile: string;
  /** Writes the config file when it is generated; a no-op for checked-in configs. */
  readonly generatedText?: () => string;
}

export const PLAN_FIXTURES: readonly PlanFixture[] = [
  { name: 'example', configFile: join(PROJECT_ROOT, 'config', 'access.yaml') },
  {
    name: 'large',
    configFile: join(TEST_PLANS_DIR, 'large', 'access.yaml'),
    generatedText: () => generateConfig(LARGE_TEST_CONFIG),
  },
];

export const fixtureDir = (fixture: string) => join(TEST_PLANS_DIR, fixture);
export const fixtureOutdir = (fixture: string) => join(fixtureDir(fixture), 'cdktf.out');
export const fixturePlansDir = (fixture: string) => join(fixtureDir(fixture), 'tfplans');

export function readPlan(fixture: string, environment: string): PlanView {
  return new PlanView(
    JSON.parse(readFileSync(join(fixturePlansDir(fixture), `${environment}.plan.json`), 'utf8')) as PlanJson,
  );
}

/** What the plan CLI printed while the global setup ran it. */
export function planLog(fixture: string): string {
  return readFileSync(join(fixtureDir(fixture), 'plan.log'), 'utf8');
}
