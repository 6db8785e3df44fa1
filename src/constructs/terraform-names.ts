/** Readable, stable Terraform addresses for the constructs' resources. */
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
