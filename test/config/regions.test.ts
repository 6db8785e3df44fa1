/** The region list: each region in the partition its ARNs use, and unknown regions refused with a hint. */
import { partitionOf, type Partition } from '../../src/iam/arns';
import { KNOWN_REGIONS, REGIONS_BY_PARTITION } from '../../src/iam/regions';
import { sectionSchemas } from '../../src/config/schema';

test('every listed region belongs to the partition it is listed under', () => {
  for (const [partition, regions] of Object.entries(REGIONS_BY_PARTITION)) {
    for (const region of regions) expect([region, partitionOf(region)]).toEqual([region, partition as Partition]);
  }
  expect(KNOWN_REGIONS.size).toBe(Object.values(REGIONS_BY_PARTITION).flat().length);
});

test.each([
  ['us-east-9', 'did you mean "us-east-1" or "us-east-2"'],
  ['mars-1', 'unknown AWS region; must be one of'],
  ['EU-WEST-1', 'did you mean "eu-west-1"?'],
  ['us-iso-east-1', 'unknown AWS region'],
])('%s is refused: %s', (region, message) => {
  const result = sectionSchemas.environments.safeParse([{ name: 'e', accountId: '111111111111', region }]);
  expect(result.error?.issues.map((i) => i.message)).toEqual([expect.stringContaining(message)]);
});
