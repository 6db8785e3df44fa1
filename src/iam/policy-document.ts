/**
 * IAM policy documents as data, rendered deterministically.
 *
 * Terraform compares policy JSON semantically, but reviewers and our byte-identical synth guarantee
 * compare text: every list is sorted and de-duplicated, keys come in one fixed order, and two grants
 * that end up with the same effect, principal, condition and resources are merged into one statement.
 */

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  /** Statement id, letters and digits only (IAM rejects anything else). */
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  /**
   * Resource-policy principal: `'*'`, a list of AWS principal ARNs, or AWS service principals
   * (`cloudtrail.amazonaws.com`). @default - none (identity policy)
   */
  readonly principal?: '*' | { readonly AWS: readonly string[] } | { readonly Service: readonly string[] };
  readonly actions: readonly string[];
  readonly resources?: readonly string[];
  /** @default - unconditional */
  readonly condition?: ConditionBlock;
}

export interface PolicyDocument {
  /** @default - no Id element */
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

const POLICY_VERSION = '2012-10-17';

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function canonicalCondition(condition: ConditionBlock): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const operator of Object.keys(condition).sort()) {
    const keys: Record<string, string | string[]> = {};
    for (const key of Object.keys(condition[operator]).sort()) {
      const value = condition[operator][key];
      keys[key] = typeof value === 'string' ? value : sortedUnique(value);
    }
    out[operator] = keys;
  }
  return out;
}

/** The JSON-ready object, with the key order IAM's own console uses. */
export function policyJsonObject(document: PolicyDocument): Record<string, unknown> {
  const statements = document.statements.map((s) => {
    const statement: Record<string, unknown> = { Sid: s.sid, Effect: s.effect };
    if (s.principal !== undefined) {
      statement.Principal =
        s.principal === '*'
          ? '*'
          : 'AWS' in s.principal
            ? { AWS: sortedUnique(s.principal.AWS) }
            : { Service: sortedUnique(s.principal.Service) };
    }
    statement.Action = sortedUnique(s.actions);
    if (s.resources !== undefined) statement.Resource = sortedUnique(s.resources);
    if (s.condition !== undefined && Object.keys(s.condition).length > 0) {
      statement.Condition = canonicalCondition(s.condition);
    }
    return statement;
  });
  const json: Record<string, unknown> = { Version: POLICY_VERSION };
  if (document.id !== undefined) json.Id = document.id;
  json.Statement = statements;
  return json;
}

/** Compact, deterministic JSON: what Terraform sends to IAM. */
export function renderPolicy(document: PolicyDocument): string {
  return JSON.stringify(policyJsonObject(document));
}

/** Policy size as IAM counts it against its quotas: every character except white space. */
export function policySize(renderedJson: string): number {
  return renderedJson.replace(/\s/g, '').length;
}
