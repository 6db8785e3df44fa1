/**
 * `await expect(access).toAllow(principal, action, resource, context?)` and `toDeny` / `toExplicitlyDeny`,
 * evaluated by the simulator over the planned environments. A failure shows the decision and the statements
 * that decided it.
 */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import type { Decision } from '../../src/analysis/simulator';

type Context = Record<string, string | string[]>;
/** `via`: the role ARN the principal assumes first (a team role): both steps must be allowed. */
type Options = { readonly via?: string };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toAllow(principal: string, action: string, resource: string, context?: Context, options?: Options): Promise<R>;
      toDeny(principal: string, action: string, resource: string, context?: Context, options?: Options): Promise<R>;
      toExplicitlyDeny(
        principal: string,
        action: string,
        resource: string,
        context?: Context,
        options?: Options,
      ): Promise<R>;
    }
  }
}

async function decide(
  analysis: AccessAnalysis,
  wanted: (d: Decision) => boolean,
  wantedText: string,
  principal: string,
  action: string,
  resource: string,
  context?: Context,
  options: Options = {},
): Promise<jest.CustomMatcherResult> {
  const request = { principal, action, resource, context };
  const outcome = options.via ? await analysis.evaluateThrough(request, options.via) : await analysis.evaluate(request);
  const pass = wanted(outcome.decision);
  const statements =
    outcome.decidingStatements.length > 0 ? outcome.decidingStatements.join(', ') : 'no statement matched';
  const asked = `${principal}${options.via ? ` through ${options.via}` : ''} ${action} on ${resource}${context ? ` with ${JSON.stringify(context)}` : ''}`;
  return {
    pass,
    message: () =>
      `expected ${asked} ${pass ? 'not ' : ''}to be ${wantedText}, but it was ${outcome.decision}` +
      `\n  deciding statements: ${statements}${outcome.error ? `\n  simulator error: ${outcome.error}` : ''}`,
  };
}

type Request = [principal: string, action: string, resource: string, context?: Context, options?: Options];

expect.extend({
  toAllow(analysis: AccessAnalysis, ...request: Request) {
    return decide(analysis, (d) => d === 'Allowed', 'allowed', ...request);
  },
  toDeny(analysis: AccessAnalysis, ...request: Request) {
    return decide(analysis, (d) => d !== 'Allowed', 'denied', ...request);
  },
  toExplicitlyDeny(analysis: AccessAnalysis, ...request: Request) {
    return decide(analysis, (d) => d === 'ExplicitlyDenied', 'explicitly denied', ...request);
  },
});
