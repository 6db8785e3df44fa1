/**
 * What a trust statement's condition really requires of whoever assumes the role. A key merely named is no guard:
 * `BoolIfExists` lets in a request without MFA at all, `StringNotEquals` and `ArnNotEquals` let in everyone else,
 * `ForAllValues:` is true when the key is absent, and a wildcard in `ArnLike`/`StringLike` matches more than it
 * names. One reading for the analysis (which sessions a role's trust leaves) and the rules (CPA-IAM8, CPA-ROLE1).
 */
import { asList, type PolicyStatementJson } from './plan-principals';

/** Operators that require the key to be present and equal to one of the values (`ForAnyValue:` keeps that). */
const EXACT = new Set(['stringequals', 'stringequalsignorecase', 'arnequals', 'bool']);
/** Operators that do the same when no value has a wildcard. */
const PATTERN = new Set(['stringlike', 'arnlike']);

/**
 * The values a statement's condition requires `key` to have, or undefined when it does not restrict the key to
 * named values (not there, negated, IfExists, ForAllValues:, or a pattern with a wildcard).
 */
export function requiredValues(statement: PolicyStatementJson, key: string): string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    const op = operator.toLowerCase().replace(/^foranyvalue:/, '');
    for (const [k, value] of Object.entries(block ?? {})) {
      if (k.toLowerCase() !== wanted) continue;
      const values = asList(value as string | string[]).map(String);
      if (values.length === 0) continue;
      if (EXACT.has(op) || (PATTERN.has(op) && values.every((v) => !/[*?]/.test(v)))) return values;
    }
  }
  return undefined;
}

/** Whether the statement lets in only sessions with MFA: `Bool` true, or a maximum `aws:MultiFactorAuthAge`. */
export function requiresMfa(statement: PolicyStatementJson): boolean {
  const present = requiredValues(statement, 'aws:MultiFactorAuthPresent');
  if (present !== undefined && present.every((v) => v === 'true')) return true;
  return Object.entries(statement.Condition ?? {}).some(
    ([operator, block]) =>
      /^numericlessthan(equals)?$/i.test(operator) &&
      Object.keys(block ?? {}).some((k) => k.toLowerCase() === 'aws:multifactorauthage'),
  );
}

/** Whether the statement names who may assume (an exact aws:PrincipalArn), or asks a third party's external id. */
export function namesWhoAssumes(statement: PolicyStatementJson): { principals: boolean; externalId: boolean } {
  return {
    principals: requiredValues(statement, 'aws:PrincipalArn') !== undefined,
    externalId: requiredValues(statement, 'sts:ExternalId') !== undefined,
  };
}
