/**
 * Where the configs the tests read live. The product's tests use only the product's fixtures; the user's own config
 * and what `npm run plan` committed for it are read by test/user-config alone, so editing them never breaks a
 * product test.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from './cli';

/** The seed example of the AWS docs, as config/access.yaml ships: the product's fixture. */
export const EXAMPLE_CONFIG_FILE = join(PROJECT_ROOT, 'test', 'fixtures', 'example', 'access.yaml');
/** The example delivered through IAM Identity Center (config/examples/: shipped for users to copy). */
export const IDENTITY_CENTER_EXAMPLE_FILE = join(PROJECT_ROOT, 'config', 'examples', 'identity-center.yaml');
/** The product's who-can-do-what cases on the example. */
export const EXAMPLE_ACCESS_CASES_FILE = join(PROJECT_ROOT, 'test', 'fixtures', 'access-cases.json');

/** The user's config (read by test/user-config only). */
export const USER_CONFIG_FILE = join(PROJECT_ROOT, 'config', 'access.yaml');
/** The user's own who-can-do-what cases, beside the config (optional). */
export const USER_ACCESS_CASES_FILE = join(PROJECT_ROOT, 'config', 'access-cases.json');
/** Where `npm run plan` writes, and the user commits, `<env>.access.json`. */
export const COMMITTED_PLANS_DIR = join(PROJECT_ROOT, 'tfplans');

/**
 * Focused fixtures: one feature each, under test/fixtures/<name>/ (access.yaml and access-cases.json), planned by
 * the global setup like the example. Add a fixture by adding its directory name here.
 */
export const FOCUSED_FIXTURES: readonly string[] = [
  'adopted',
  'audit-trail',
  'external-trust',
  'guardrails',
  'identity-center-migration',
  'kms-pin',
  'scoped-admin',
  'team-role',
  'webhooks',
];

export const focusedConfigFile = (name: string) => join(PROJECT_ROOT, 'test', 'fixtures', name, 'access.yaml');
export const focusedAccessCasesFile = (name: string) =>
  join(PROJECT_ROOT, 'test', 'fixtures', name, 'access-cases.json');
