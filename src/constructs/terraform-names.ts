/** Helpers shared by the constructs: readable, stable Terraform addresses and literal strings. */
import { createHash } from 'node:crypto';

/**
 * A Terraform resource name from an IAM name. IAM allows `+=,.@` where Terraform does not; those become
 * `_`, and a short hash of the original keeps `a.b` and `a_b` apart.
 */
export function resourceName(...parts: string[]): string {
  const joined = parts.join('__');
  let name = joined.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
  if (name === joined) return name;
  return `${name}_${createHash('sha256').update(joined).digest('hex').slice(0, 6)}`;
}

/**
 * Terraform reads every JSON string as a template: `${aws:username}` in a policy would be taken for an
 * interpolation. Escaping keeps IAM policy variables literal.
 */
export function terraformLiteral(text: string): string {
  // A replacer function, since `$$` in a replacement string would itself collapse to `$`.
  return text.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}
