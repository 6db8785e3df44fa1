/**
 * Loading the model reports what the checks found even when resolution trips over data they already flagged, and lets
 * an error surface as a bug when they found nothing.
 */
import { buildAccessModel } from '../../src/model/load-model';
import { ConfigError } from '../../src/config/problems';
import { parseConfigSource } from '../../src/config/source';
import { ActionCatalog, loadActionCatalog } from '../../src/iam/action-catalog';

/** A catalog whose resolution-time lookup fails, standing in for a resolver bug. */
class FailingCatalog extends ActionCatalog {
  override wildcardOnly(): string[] {
    throw new Error('resolver bug');
  }
}

const config = (teamOfJin: string) => `version: 1
environments: [{ name: prod, accountId: "111222333444", region: us-east-2 }]
profiles: [{ name: admin, kind: admin }]
teams: [{ name: admins, grants: [{ profile: admin, pipelines: all }] }]
people: [{ name: jin, memberships: { prod: [${teamOfJin}] } }, { name: kim, memberships: { prod: [admins] } }]
`;

let catalog: FailingCatalog;
beforeAll(async () => {
  catalog = new FailingCatalog((await loadActionCatalog()).actions);
});

test('a resolution error on a config with problems reports those problems', () => {
  // GIVEN a config whose only problem is an unknown team, and a resolver that throws
  const source = parseConfigSource('c.yaml', config('admns'));
  // WHEN the model is built
  // THEN the error is the config's problem, not the resolver's
  expect(() => buildAccessModel(source, catalog)).toThrow(ConfigError);
  expect(() => buildAccessModel(source, catalog)).toThrow(/people\[0\]\.memberships\.prod\[0\]: unknown team/);
});

test('a resolution error on a config without problems surfaces as the bug it is', () => {
  expect(() => buildAccessModel(parseConfigSource('c.yaml', config('admins')), catalog)).toThrow('resolver bug');
});
