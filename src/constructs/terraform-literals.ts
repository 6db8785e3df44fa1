/**
 * Terraform reads every JSON string outside the `terraform` block as a template, object keys included: `${...}`
 * interpolates and `%{...}` runs directives, so a tag or description from the config could read files or variables
 * at plan time, and `${aws:username}` in a policy would be taken for an interpolation. The stack passes each
 * element's JSON through `literalTerraform` before cdktf resolves it, so every string reaches Terraform as the
 * literal text it was, whichever construct made it: no construct escapes anything itself.
 *
 * cdktf's own references are tokens in those strings (`${TfToken[TOKEN.12]}`, resolved later to `${aws_x.y.arn}`);
 * they are kept. The `terraform` block (backend, cloud, required providers) is left as it is: Terraform reads it
 * without templates, so an escape there would reach the backend doubled.
 */
import { Tokenization } from 'cdktf';

/** cdktf's encoded string, list and map tokens (cdktf/lib/tokens/private/encoding: BEGIN_*_TOKEN_MARKER). */
const TOKEN_MARKER = /([$#&]\{TfToken\[[a-zA-Z0-9:._-]+\]\})/;

/** `${` -> `$${` and `%{` -> `%%{`: Terraform's escapes for a literal `${` and `%{`. */
export function escapeTemplateSequences(text: string): string {
  // A replacer function, since `$$` in a replacement string would itself collapse to `$`.
  return text.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}

function literalString(text: string): string {
  const parts = text.split(TOKEN_MARKER); // odd indices are tokens
  if (parts.length === 1) return escapeTemplateSequences(text);
  const literals = parts.filter((_, i) => i % 2 === 0);
  if (literals.some((literal) => literal.includes('${'))) {
    // cdktf would read that `${` as an expression around the token; build such a string with Fn.join instead.
    throw new Error(`a string mixes a literal "\${" with a cdktf reference, which cdktf cannot keep literal: ${text}`);
  }
  return parts.map((part, i) => (i % 2 === 1 ? part : escapeTemplateSequences(part))).join('');
}

function literalValue(value: unknown): unknown {
  if (typeof value === 'string') return literalString(value);
  if (Array.isArray(value)) return value.map(literalValue);
  if (value !== null && typeof value === 'object' && !Tokenization.isResolvable(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [literalString(key), literalValue(inner)]));
  }
  return value;
}

/** A copy of one element's Terraform JSON (before cdktf resolves it) in which every string is literal. */
export function literalTerraform(fragment: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fragment).map(([block, body]) => [block, block === 'terraform' ? body : literalValue(body)]),
  );
}
