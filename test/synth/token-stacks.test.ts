/** Token creation stacks are skipped while stacks are built; real errors keep theirs; nothing leaks out. */
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { App, TerraformStack, Tokenization } from 'cdktf';
import { withoutTokenCreationStacks } from '../../src/synth/token-stacks';

function nameToken(): { creationStack: string[] } {
  const stack = new TerraformStack(new App({ stackTraces: false }), 'stack');
  const token = new IamUser(stack, 'user', { name: 'jin' }).name;
  return Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] };
}

test('tokens made inside record no creation stack; outside they do', () => {
  expect(withoutTokenCreationStacks(nameToken).creationStack).toEqual([]);
  expect(nameToken().creationStack.length).toBeGreaterThan(3);
});

test('an error thrown inside keeps its message and stack, and the previous formatter comes back', () => {
  const before = Error.prepareStackTrace;
  let caught: Error | undefined;
  try {
    withoutTokenCreationStacks(() => {
      throw new Error('boom');
    });
  } catch (error) {
    caught = error as Error;
  }
  expect(Error.prepareStackTrace).toBe(before);
  expect(caught?.stack).toMatch(/^Error: boom\n {4}at .*token-stacks/);
  // An error whose stack is read while the override is in place is formatted the same way.
  const inside = withoutTokenCreationStacks(() => new Error('inside').stack);
  expect(inside).toMatch(/^Error: inside\n {4}at /);
});

test("with no formatter installed before, errors get V8's default format", () => {
  const saved = Error.prepareStackTrace;
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  try {
    const make = () => new Error('same');
    const outside = make().stack ?? '';
    const inside = withoutTokenCreationStacks(() => make().stack) ?? '';
    expect(outside).toMatch(/^Error: same\n {4}at make \(.*token-stacks\.test\.ts:\d+:\d+\)\n/);
    expect(inside.split('\n').slice(0, 2)).toEqual(outside.split('\n').slice(0, 2));
    expect(Error.prepareStackTrace).toBeUndefined();
  } finally {
    Error.prepareStackTrace = saved;
  }
});
