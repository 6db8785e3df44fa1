/**
 * The plans of the test fixtures, made once per test run by test/global-setup.ts with the real plan CLI
 * (real Terraform, real AWS provider) and read here by every plan-based test.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateConfig, LARGE_TEST_CONFIG } from '../../src/fixtures/generate-config';
import { PlanView, type PlanJson } from '../../src/plan/plan-json';
import { PROJECT_ROOT } from './cli';
import {
  EXAMPLE_CONFIG_FILE,
  FOCUSED_FIXTURES,
  focusedConfigFile,
  IDENTITY_CENTER_EXAMPLE_FILE,
  USER_CONFIG_FILE,
} from './fixture-files';

export const TEST_PLANS_DIR = join(PROJECT_ROOT, '.cache', 'test-plans');

export interface PlanFixture {
  readonly name: string;
  /** The config file the fixture's plans were made from. */
  readonly configFile: string;
  /** Writes the config file when it is generated; a no-op for checked-in configs. */
  readonly generatedText?: () => string;
}

/** The product's fixtures: every product test that needs a plan reads one of these. */
export const PLAN_FIXTURES: readonly PlanFixture[] = [
  { name: 'example', configFile: EXAMPLE_CONFIG_FILE },
  {
    name: 'large',
    configFile: join(TEST_PLANS_DIR, 'large', 'access.yaml'),
    generatedText: () => generateConfig(LARGE_TEST_CONFIG),
  },
  { name: 'identity-center', configFile: IDENTITY_CENTER_EXAMPLE_FILE },
  ...FOCUSED_FIXTURES.map((name) => ({ name, configFile: focusedConfigFile(name) })),
];

/**
 * The user's config/access.yaml, planned for test/user-config only. When its config is the example's, the global
 * setup copies the example's plans instead of planning the same config twice.
 */
export const USER_FIXTURE: PlanFixture = { name: 'user', configFile: USER_CONFIG_FILE };

export const fixtureDir = (fixture: string) => join(TEST_PLANS_DIR, fixture);
export const fixtureOutdir = (fixture: string) => join(fixtureDir(fixture), 'cdktf.out');
export const fixturePlansDir = (fixture: string) => join(fixtureDir(fixture), 'tfplans');

/** What the global setup recorded about the plan CLI's run on a fixture. */
export interface PlanRun {
  /** sha256 of the config text planned: JEST_REUSE_PLANS=1 reuses plans only of the same text. */
  readonly configDigest: string;
  readonly exitCode: number;
  /** What the plan CLI printed to stderr (config problems, plan failures, rule errors, warnings). */
  readonly stderr: string;
  /** Set when the plans are a copy of this fixture's, whose config is the same. */
  readonly reusedFrom?: string;
}

export function configDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const planRunFile = (fixture: string) => join(fixtureDir(fixture), 'plan-run.json');

/** The record of the fixture's plan run, or undefined when it was never planned. */
export function readPlanRun(fixture: string): PlanRun | undefined {
  const file = planRunFile(fixture);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PlanRun) : undefined;
}

export function readPlan(fixture: string, environment: string): PlanView {
  return new PlanView(
    JSON.parse(readFileSync(join(fixturePlansDir(fixture), `${environment}.plan.json`), 'utf8')) as PlanJson,
  );
}

/** What the plan CLI printed while the global setup ran it. */
export function planLog(fixture: string): string {
  return readFileSync(join(fixtureDir(fixture), 'plan.log'), 'utf8');
}
