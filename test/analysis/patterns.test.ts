import { actionMatches, resourceMatches } from '../../src/iam/action-patterns';

test('action patterns: case-insensitive, * and ?', () => {
  expect(actionMatches('codepipeline:Get*', 'codepipeline:GetPipeline')).toBe(true);
  expect(actionMatches('CODEPIPELINE:getpipeline', 'codepipeline:GetPipeline')).toBe(true);
  expect(actionMatches('codepipeline:List?ipelines', 'codepipeline:ListPipelines')).toBe(true);
  expect(actionMatches('codepipeline:Get*', 'codepipeline:ListPipelines')).toBe(false);
  expect(actionMatches('*', 'sts:AssumeRole')).toBe(true);
});

test('resource patterns: case-sensitive, * spans / and :, policy variables match anything', () => {
  const p = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
  expect(resourceMatches(`${p}/*`, `${p}/Stage/Action`)).toBe(true);
  expect(resourceMatches(p, `${p}/Stage`)).toBe(false);
  expect(resourceMatches(p.toLowerCase(), p)).toBe(false);
  expect(resourceMatches('arn:aws:codepipeline:us-east-2:111222333444:*', `${p}/Stage`)).toBe(true);
  expect(resourceMatches('arn:aws:iam::111222333444:user/${aws:username}', 'arn:aws:iam::111222333444:user/jin')).toBe(
    true,
  );
  expect(resourceMatches('arn:aws:s3:::bucket.name/*', 'arn:aws:s3:::bucketxname/a')).toBe(false);
});
