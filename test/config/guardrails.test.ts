/**
 * Guardrail files the loader accepts: the formats the AWS CLI prints (describe-policy, get-policy-version with the
 * document as JSON or URL-encoded) and plain documents, paths relative to the config file's directory, an AWS
 * managed boundary. The bad inputs are rows of test/fixtures/invalid-configs.yaml.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccessConfig } from '../../src/model/load-model';

const DOCUMENT = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'codepipeline:Get*', Resource: 'arn:aws:iam::111222333444:user/${aws:username}' },
  ],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guardrails-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, content: unknown): void {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 4));
}

const config = (guardrails: string) => `version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    guardrails: ${guardrails}
profiles: [{ name: viewer, kind: viewer }]
`;

test('GIVEN an AWS managed boundary as URL-encoded get-policy-version output THEN it is read with its name', async () => {
  // GIVEN the document as IAM stores it (URL-encoded), in a folder beside the config
  write('policies/power-user.json', {
    PolicyVersion: { Document: encodeURIComponent(JSON.stringify(DOCUMENT)), VersionId: 'v5', IsDefaultVersion: true },
  });
  write(
    'config/access.yaml',
    config(
      '{ permissionsBoundary: { arn: "arn:aws:iam::aws:policy/PowerUserAccess", file: ../policies/power-user.json } }',
    ),
  );
  // WHEN loaded
  const { model } = await loadAccessConfig(join(dir, 'config', 'access.yaml'));
  // THEN the boundary has the ARN, the name from the ARN and the decoded document
  expect(model.environments[0].guardrails.permissionsBoundary).toMatchObject({
    arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
    name: 'PowerUserAccess',
    document: DOCUMENT,
    json: JSON.stringify(DOCUMENT),
  });
});

test('GIVEN a plain SCP document and a describe-policy RCP THEN they are named after the file and the policy', async () => {
  write('config/guardrails/allow-all.json', {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: '*', Resource: '*' },
  });
  write('config/guardrails/rcp.json', {
    Policy: {
      PolicySummary: { Id: 'p-examplercp1', Name: 'EnforceTls', Type: 'RESOURCE_CONTROL_POLICY', AwsManaged: false },
      Content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
    },
  });
  write(
    'config/access.yaml',
    config('{ serviceControlPolicies: [guardrails/allow-all.json], resourceControlPolicies: [guardrails/rcp.json] }'),
  );
  const { model } = await loadAccessConfig(join(dir, 'config', 'access.yaml'));
  const { guardrails } = model.environments[0];
  expect(guardrails.serviceControlPolicies.map((p) => [p.name, p.file])).toEqual([
    ['allow-all', 'guardrails/allow-all.json'],
  ]);
  expect(guardrails.resourceControlPolicies.map((p) => p.name)).toEqual(['EnforceTls']);
  expect(guardrails.permissionsBoundary).toBeUndefined();
});

test('GIVEN no guardrails THEN the environment has none', async () => {
  write('config/access.yaml', config('{}'));
  const { model } = await loadAccessConfig(join(dir, 'config', 'access.yaml'));
  expect(model.environments[0].guardrails).toEqual({
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionsBoundary: undefined,
  });
});

test('GIVEN two SCP files with the same policy name THEN the second is refused, located, naming the first', async () => {
  // GIVEN the same FullAWSAccess listed twice under different file names (decidedBy names a guardrail by its name)
  const allowAll = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } };
  const describePolicy = {
    Policy: {
      PolicySummary: { Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY' },
      Content: JSON.stringify(allowAll),
    },
  };
  write('config/a.json', describePolicy);
  write('config/b.json', describePolicy);
  write('config/access.yaml', config('{ serviceControlPolicies: [a.json, b.json] }'));
  // WHEN loaded THEN one problem at the second entry
  await expect(loadAccessConfig(join(dir, 'config', 'access.yaml'))).rejects.toThrow(
    /1 problem[\s\S]*:6:\d+ environments\[0\]\.guardrails\.serviceControlPolicies\[1\]: duplicate SCP name "FullAWSAccess" \(first defined at index 0\)/,
  );
});
