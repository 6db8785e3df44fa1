import { policySize, renderPolicy } from '../../src/iam/policy-document';

test('rendering sorts and de-duplicates every list and orders keys, so equal policies render equal', () => {
  const a = renderPolicy({
    statements: [
      {
        sid: 'S',
        effect: 'Allow',
        actions: ['b:Y', 'a:X', 'b:Y'],
        resources: ['r2', 'r1'],
        condition: { StringEquals: { k: ['2', '1'] } },
      },
    ],
  });
  const b = renderPolicy({
    statements: [
      {
        condition: { StringEquals: { k: ['1', '2', '1'] } },
        resources: ['r1', 'r2'],
        actions: ['a:X', 'b:Y'],
        effect: 'Allow',
        sid: 'S',
      },
    ],
  });
  expect(a).toBe(b);
  expect(a).toBe(
    '{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["a:X","b:Y"],"Resource":["r1","r2"],"Condition":{"StringEquals":{"k":["1","2"]}}}]}',
  );
});

test('policy size counts characters except white space, as IAM quotas do', () => {
  expect(policySize('{ "a" :\n "b c" }')).toBe(10);
});
