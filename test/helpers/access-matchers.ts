/**
 * `await expect(access).toAllow(principal, action, resource, context?)` and `toDeny` / `toExplicitlyDeny`,
 * evaluated by the simulator over the planned environments. A failure shows the decision and the statements
 * that decided it.
 */
import type { AccessAnalysis } from '../../src/analysis/access-analysis';
import type { Decision } from '../../src/analysis/simulator';

type Context = Record<string, string | string[]>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toAllow(principal: string, action: string, resource: string, context?: Context): Promise<R>;
      toDeny(principal: string, action: string, resource: string, context?: Context): Promise<R>;
      toExplicitlyDeny(principal: string, action: string, resource: string, context?: Context): Promise<R>;
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
): Promise<jest.CustomMatcherResult> {
  const outcome = await analysis.evaluate({ principal, action, resource, context });
  const pass = wanted(outcome.decision);
  const statements =
    outcome.decidingStatements.length > 0 ? outcome.decidingStatements.join(', ') : 'no statement matched';
  const request = `${principal} ${action} on ${resource}${context ? ` with ${JSON.stringify(context)}` : ''}`;
  return {
    pass,
    message: () =>
      `expected ${request} ${pass ? 'not ' : ''}to be ${wantedText}, but it was ${outcome.decision}` +
      `\n  deciding statements: ${statements}${outcome.error ? `\n  simulator error: ${outcome.error}` : ''}`,
  };
}

expect.extend({
  toAllow(analysis: AccessAnalysis, principal: string, action: string, resource: string, context?: Context) {
    return decide(analysis, (d) => d === 'Allowed', 'allowed', principal, action, resource, context);
  },
  toDeny(analysis: AccessAnalysis, principal: string, action: string, resource: string, context?: Context) {
    return decide(analysis, (d) => d !== 'Allowed', 'denied', principal, action, resource, context);
  },
  toExplicitlyDeny(analysis: AccessAnalysis, principal: string, action: string, resource: string, context?: Context) {
    return decide(analysis, (d) => d === 'ExplicitlyDenied', 'explicitly denied', principal, action, resource, context);
  },
});
