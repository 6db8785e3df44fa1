/**
 * Terraform evaluates `${...}` and `%{...}` in every JSON string outside the `terraform` block. Every string that
 * comes from the config must reach Terraform as literal text, through the one mechanism in
 * src/constructs/terraform-literals.ts, whichever construct carries it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing, TerraformOutput } from 'cdktf';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { escapeTemplateSequences, literalTerraform } from '../../src/constructs/terraform-literals';
import { loadAccessConfigText } from '../../src/model/load-model';
import { NO_GUARDRAILS } from '../../src/config/guardrails';
import { NO_IMPORTS } from '../../src/model/imports';
import type { EnvironmentModel } from '../../src/model/types';
import type { PlanJson } from '../../src/plan/plan-json';
import { PROJECT_ROOT, runPlanCli } from '../helpers/cli';

mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
const workdir = mkdtempSync(join(PROJECT_ROOT, '.cache', 'terraform-literals-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** Sequences Terraform would evaluate: a file read (the job token in .git/config), a variable, a directive. */
const TEMPLATES = '${file("${path.cwd}/../../.git/config")} %{ if true }x%{ endif } ${path.cwd}';
const ESCAPED = '$${file("$${path.cwd}/../../.git/config")} %%{ if true }x%%{ endif } $${path.cwd}';

describe('escapeTemplateSequences', () => {
  test('doubles the sigil of every ${ and %{, and nothing else', () => {
    expect(escapeTemplateSequences(TEMPLATES)).toBe(ESCAPED);
    expect(escapeTemplateSequences('$ {x} % {y} $x %d {z}')).toBe('$ {x} % {y} $x %d {z}');
  });
});

describe('literalTerraform', () => {
  test('escapes values and keys, keeps cdktf tokens, leaves the terraform block alone', () => {
    // GIVEN an element fragment with a literal, a key, a reference token and a backend
    const fragment = {
      resource: { aws_iam_user: { u: { name: '${TfToken[TOKEN.7]}', tags: { 'k${x}': 'v%{y}' }, n: 3 } } },
      terraform: { backend: { local: { path: 'state/${x}.tfstate' } } },
    };
    // WHEN it is made literal
    const literal = literalTerraform(fragment);
    // THEN only the literal text is escaped
    expect(literal).toEqual({
      resource: { aws_iam_user: { u: { name: '${TfToken[TOKEN.7]}', tags: { 'k$${x}': 'v%%{y}' }, n: 3 } } },
      terraform: { backend: { local: { path: 'state/${x}.tfstate' } } },
    });
  });

  test('refuses a string that mixes a literal ${ with a reference: cdktf would read it as an expression', () => {
    expect(() => literalTerraform({ output: { o: { value: 'a ${b} ${TfToken[TOKEN.1]}' } } })).toThrow(
      /mixes a literal "\$\{" with a cdktf reference/,
    );
  });
});

const CONFIG = `version: 1
environments:
  - name: dev
    accountId: "111111111111"
    region: us-east-2
    pipelines: [{ name: app }]
  - name: prod
    accountId: "222222222222"
    region: us-east-2
    pipelines:
      - name: app
        stages: [{ name: Release, approvals: [Approve] }]
    crossAccountRoles:
      - name: Viewers
        description: 'role ${TEMPLATES}'
        profile: viewer
        pipelines: all
        trust: { environment: dev, teams: [viewers] }
profiles:
  - { name: viewer, kind: viewer, description: 'viewer ${TEMPLATES}' }
  - { name: approver, kind: approver, description: 'approver ${TEMPLATES}' }
teams:
  - name: viewers
    description: 'team ${TEMPLATES}'
    grants: [{ profile: viewer, pipelines: all }]
  - name: approvers
    grants: [{ profile: approver, pipelines: [app] }]
people:
  - { name: ana, memberships: { dev: [viewers], prod: [approvers] } }
`;

/**
 * Every string of the model with the template sequences appended, tag keys included: what any field, present or
 * future, could carry. (Other keys are field names.)
 */
function withTemplatesEverywhere<T>(value: T, keysToo = false): T {
  if (typeof value === 'string') return `${value}${TEMPLATES}` as T;
  if (Array.isArray(value)) return value.map((v) => withTemplatesEverywhere(v)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        keysToo ? `${k}${TEMPLATES}` : k,
        withTemplatesEverywhere(v, k === 'tags' || k === 'defaultTags'),
      ]),
    ) as T;
  return value;
}

/** Every string and key of a JSON tree, with where it is. */
function strings(value: unknown, at = ''): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [{ at: `${at}{key}`, text: k }, ...strings(v, `${at}.${k}`)]);
  return [];
}

/** Template sequences Terraform would evaluate: what is left once its escapes (`$${`, `%%{`) are taken out. */
function evaluatedSequences(text: string): string[] {
  return [...text.replace(/\$\$\{|%%\{/g, '').matchAll(/[$%]\{[^}]*\}?/g)].map((m) => m[0]);
}

test('GIVEN template sequences in every string of the model WHEN synthesized THEN Terraform evaluates only references', async () => {
  const { model } = await loadAccessConfigText('templates.yaml', CONFIG);
  const outdir = join(workdir, 'every-string');
  const app = Testing.app({ outdir });
  for (const env of model.environments) {
    // The stack id stays: it names a directory, not something Terraform reads.
    const environment = { ...withTemplatesEverywhere(env), name: env.name } as EnvironmentModel;
    // Numbers and booleans stay as they were; the stack only reads strings from the model.
    const stack = JSON.parse(Testing.synth(new EnvironmentStack(app, { environment }))) as Record<string, unknown>;
    // Terraform reads the terraform block (backend) without templates: everything else is evaluated.
    const evaluated = Object.fromEntries(Object.entries(stack).filter(([block]) => block !== 'terraform'));
    const found = strings(evaluated).flatMap(({ at, text }) =>
      evaluatedSequences(text)
        .filter((seq) => !/^\$\{(aws_[a-z0-9_]+|data\.[a-z0-9_.]+)\.[\w.-]+\}$/.test(seq))
        .map((seq) => `${env.name} ${at}: ${seq}`),
    );
    expect(found).toEqual([]);
    // and the injected text is there, escaped
    expect(strings(evaluated).filter(({ text }) => text.includes(ESCAPED)).length).toBeGreaterThan(20);
  }
});

test('the stack refuses no element: a construct added anywhere gets literal strings too', () => {
  // GIVEN a stack with a resource and an output made outside the project's constructs
  const app = new App({ outdir: join(workdir, 'foreign') });
  const stack = new EnvironmentStack(app, {
    environment: {
      name: 'x',
      accountId: '111111111111',
      region: 'us-east-2',
      partition: 'aws',
      backend: { type: 'local' },
      defaultTags: {},
      groups: [],
      users: [],
      roles: [],
      bucketPolicies: [],
      passwordPolicy: {
        minimumLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        allowUsersToChangePassword: true,
        maxAgeDays: 90,
        reusePrevention: 24,
        hardExpiry: false,
      },
      pipelines: [],
      actionTypes: [],
      guardrails: NO_GUARDRAILS,
      imports: NO_IMPORTS,
      origin: [],
    },
  });
  const user = new IamUser(stack, 'later', { name: 'later', tags: { note: TEMPLATES } });
  new TerraformOutput(stack, 'later_name', { value: user.name, description: TEMPLATES });
  // WHEN synthesized
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: { aws_iam_user: { later: { tags: Record<string, string> } } };
    output: { later_name: { value: string; description: string } };
  };
  // THEN its literal text is escaped and its reference is kept
  expect(json.resource.aws_iam_user.later.tags.note).toBe(ESCAPED);
  expect(json.output.later_name).toEqual({ value: '${aws_iam_user.later.name}', description: ESCAPED });
});

test('descriptions with template sequences arrive literally in the real Terraform plan', async () => {
  // GIVEN a config whose free-text fields hold template sequences
  const configFile = join(workdir, 'plan', 'access.yaml');
  mkdirSync(join(workdir, 'plan'), { recursive: true });
  writeFileSync(configFile, CONFIG);
  // WHEN the plan CLI plans it with real Terraform
  const result = await runPlanCli(['--out', join(workdir, 'plan', 'tfplans')], {
    ACCESS_CONFIG: configFile,
    CDKTF_OUTDIR: join(workdir, 'plan', 'cdktf.out'),
  });
  expect(result.stderr).not.toMatch(/failed|Error/);
  // THEN Terraform plans the text as written, not as evaluated
  const plan = (env: string) =>
    JSON.parse(readFileSync(join(workdir, 'plan', 'tfplans', `${env}.plan.json`), 'utf8')) as PlanJson;
  const descriptions = ['dev', 'prod'].flatMap((env) =>
    (plan(env).resource_changes ?? [])
      .filter((rc) => rc.type === 'aws_iam_policy' || rc.type === 'aws_iam_role')
      .map((rc) => [rc.address, rc.change.after?.description] as const),
  );
  expect(Object.fromEntries(descriptions)).toMatchObject({
    'aws_iam_policy.viewers-viewer': `viewer ${TEMPLATES}`,
    'aws_iam_policy.approvers-approver': `approver ${TEMPLATES}`,
    'aws_iam_role.Viewers': `role ${TEMPLATES}`,
  });
  expect(JSON.stringify(descriptions)).not.toContain(PROJECT_ROOT);
}, 120_000);
