/**
 * What the stricter checks must keep accepting: template-like text in free-text fields (synthesis passes it to
 * Terraform literally), anchors and aliases, names that differ only in case in different accounts, every tag
 * character AWS allows, and the key, region and state-path forms that work.
 */
import { readFileSync } from 'node:fs';
import { loadAccessConfigText } from '../../src/model/load-model';
import { VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

const load = (text: string) => loadAccessConfigText('accepted.yaml', text);

test('template sequences in descriptions and suppression text are accepted as written', async () => {
  // GIVEN every free-text field holding ${...} and %{...}
  const text = `version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: us-east-2
    crossAccountRoles:
      - { name: R, description: 'role \${file("x")} %{ if true }y%{ endif }', profile: p, pipelines: all, trust: { accountId: "999988887777" } }
profiles: [{ name: p, kind: viewer, description: 'profile \${path.cwd} %{for x in y}' }]
teams: [{ name: t, description: 'team \${var.x}', grants: [{ profile: p, pipelines: all }] }]
people: [{ name: jin, memberships: { prod: [t] } }]
suppressions:
  - { rule: CPA-IAM8, target: 'aws_iam_role.\${x}', detail: '%{x}', reason: 'because \${reasons} %{ are } literal' }
`;
  // WHEN it is loaded
  const { config, model } = await load(text);
  // THEN the text arrives unchanged
  expect(model.environments[0].roles[0].description).toBe('role ${file("x")} %{ if true }y%{ endif }');
  expect(model.environments[0].groups[0].policies[0].description).toBe('profile ${path.cwd} %{for x in y}');
  expect(config.suppressions[0]).toMatchObject({ target: 'aws_iam_role.${x}', detail: '%{x}' });
});

test('anchors and aliases load to the same model as the text written out', async () => {
  // GIVEN one config with anchors and aliases, one with the same content written out
  const withAliases = `version: 1
environments:
  - { name: dev, accountId: "111111111111", region: us-east-2, pipelines: &pipelines [{ name: app, tags: { team: a } }] }
  - { name: prod, accountId: "111222333444", region: us-east-2, pipelines: *pipelines }
profiles: [{ name: viewer, kind: viewer }]
teams: [{ name: t, grants: &grants [{ profile: viewer, pipelines: { tags: { team: a } } }] }, { name: u, grants: *grants }]
people: [{ name: jin, memberships: &m { dev: [t, u], prod: [t] } }, { name: kim, memberships: *m }]
`;
  const written = withAliases
    .replace('&pipelines ', '')
    .replace('*pipelines', '[{ name: app, tags: { team: a } }]')
    .replace('&grants ', '')
    .replace('*grants', '[{ profile: viewer, pipelines: { tags: { team: a } } }]')
    .replace('&m ', '')
    .replace('*m', '{ dev: [t, u], prod: [t] }');
  // WHEN both are loaded
  // THEN they give the same model
  expect((await load(withAliases)).model).toEqual((await load(written)).model);
});

test('names that differ only in case are fine in different accounts', async () => {
  // GIVEN group Admins only in dev (account 1111...) and admins only in prod (account 1112...)
  const { model } = await load(`version: 1
environments:
  - { name: dev, accountId: "111111111111", region: us-east-2 }
  - { name: prod, accountId: "111222333444", region: us-east-2 }
profiles: [{ name: viewer, kind: viewer }]
teams:
  - { name: a, groupName: Admins, grants: [{ profile: viewer, pipelines: all }] }
  - { name: b, groupName: admins, grants: [{ profile: viewer, pipelines: all }] }
people:
  - { name: jin, memberships: { dev: [a] } }
  - { name: kim, memberships: { prod: [b] } }
`);
  // THEN each account has its own spelling
  expect(model.environments.map((e) => e.groups.map((g) => g.name))).toEqual([
    ['Admins', 'codepipeline-access-self-service'],
    ['admins', 'codepipeline-access-self-service'],
  ]);
});

test('tags with every character class AWS allows, and empty values', async () => {
  const { model } = await load(`version: 1
environments:
  - name: prod
    accountId: "111222333444"
    region: eu-central-1
    defaultTags: { "Équipe Ünïcode": "été 2026", "cost-center/a_b.c:d=e+f@g": "x y", "日本": "東京", Empty: "" }
profiles: [{ name: viewer, kind: viewer }]
`);
  expect(Object.keys(model.environments[0].defaultTags)).toHaveLength(4);
});

test('key forms, regions and state paths that work are accepted', async () => {
  const { model } = await load(`version: 1
environments:
  - name: a
    accountId: "111111111111"
    region: cn-northwest-1
    deploymentRoleArn: arn:aws-cn:iam::111111111111:role/path/deployer
    artifactBuckets: [{ name: artifacts-a, kmsKeyArn: "arn:aws-cn:kms:cn-northwest-1:999988887777:key/mrk-1234567890abcdef1234567890abcdef" }]
    backend: { type: local, path: state/a.tfstate }
  - name: b
    accountId: "222222222222"
    region: us-gov-east-1
    backend: { type: s3, bucket: tf-state, region: us-gov-west-1, key: "codepipeline-access/b.tfstate", dynamodbTable: tf.locks_1 }
  - name: c
    accountId: "333333333333"
    region: ap-southeast-7
    backend: { type: cloud, organization: my_org-1, workspace: c, hostname: "tfe.example.com:8443" }
  - name: d
    accountId: "444444444444"
    region: us-east-1
    backend: { type: local, path: ../shared-state/d.tfstate }
profiles: [{ name: viewer, kind: viewer }]
people:
  - { name: jin, console: { pgpKey: "keybase:jin_kim" }, memberships: {} }
`);
  expect(model.environments.map((e) => e.partition)).toEqual(['aws-cn', 'aws-us-gov', 'aws', 'aws']);
});

test('the minimal valid config of the CLI fault table is valid', async () => {
  const { model, warnings } = await load(readFileSync(VALID_MINIMAL_CONFIG, 'utf8'));
  expect(model.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
  expect(model.environments[1].roles.map((r) => r.name)).toEqual(['PipelineViewers']);
  expect(model.environments.flatMap((e) => e.users.filter((u) => u.console?.pgpKey).map((u) => u.name))).toEqual([
    'jin',
    'jin',
  ]);
  expect(warnings).toEqual([]);
});
