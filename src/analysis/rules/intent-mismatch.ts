import { RULE_IDS } from '../../config/rule-ids';
import { describeContext, type EnvironmentAccess } from '../environment-access';
import { checkIntent, type IntentMismatch } from '../intent-check';
import { findingsOf, type Rule, type RuleContext } from './rule';

/** Both rules read the same comparison: made once per environment's access. */
const mismatchesOf = new WeakMap<EnvironmentAccess, readonly IntentMismatch[]>();

function mismatches(context: RuleContext): readonly IntentMismatch[] {
  if (!context.intent) return [];
  let found = mismatchesOf.get(context.access);
  if (!found) {
    found = checkIntent(context.intent, context.env, context.access, context.catalog);
    mismatchesOf.set(context.access, found);
  }
  return found;
}

/** One finding per principal and resource: a widened statement would otherwise make one per action. */
function grouped(list: readonly IntentMismatch[]): IntentMismatch[][] {
  const groups = new Map<string, IntentMismatch[]>();
  for (const m of list) {
    const key = JSON.stringify([m.principal, m.resource]);
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}

const cells = (group: readonly IntentMismatch[]) =>
  group
    .map(
      (m) =>
        `${m.action} (${m.contexts.map(describeContext).join(', or ')}${m.deniedBy ? `; denied by ${m.deniedBy}` : ''})`,
    )
    .join('; ');

/** One finding per principal and resource of the mismatches of one kind, worded by `message`. */
function findingsOfKind(
  rule: Pick<Rule, 'id' | 'severity'>,
  context: RuleContext,
  kind: IntentMismatch['kind'],
  message: (principal: string, resource: string, cells: string) => string,
) {
  const finding = findingsOf(rule, context);
  return grouped(mismatches(context).filter((m) => m.kind === kind)).map(([first, ...rest]) =>
    finding(
      first.principal,
      `Cell::${first.resource}`,
      message(first.principal, first.resource, cells([first, ...rest])),
    ),
  );
}

export const unintendedAccess: Rule = {
  id: RULE_IDS.unintendedAccess,
  severity: 'error',
  summary: 'The plan allows a cell the config does not give (or in a wider context than it says)',
  explanation:
    'The config says, for every principal, which actions on which pipelines, stages, approval actions, webhooks, roles and buckets it should have, and under which conditions (MFA and the external id of a trust, TLS and the KMS key of a bucket). The analysis works that out from the config alone and compares it with what the simulated plan allows, cell by cell. A cell the plan allows beyond that is access nobody asked for: a widened statement, a dropped condition, a hand-edited policy. Fix the rendering or the config; do not suppress unless the plan is right and the config cannot say it.',
  check(context) {
    return findingsOfKind(
      this,
      context,
      'unintended',
      (principal, resource, what) => `${principal} may do what the config does not give on ${resource}: ${what}`,
    );
  },
};

export const missingAccess: Rule = {
  id: RULE_IDS.missingAccess,
  severity: 'warning',
  summary: 'The config gives a cell the plan denies',
  explanation:
    'A grant the config makes that the simulated plan does not deliver: a profile rendered narrower than it says, a guardrail (SCP, RCP, permissions boundary) that denies it, a trust or a bucket policy that does not let it through. The access will not work after deploy.',
  check(context) {
    return findingsOfKind(
      this,
      context,
      'missing',
      (principal, resource, what) => `the config gives ${principal} on ${resource} what the plan denies: ${what}`,
    );
  },
};
