/**
 * CloudTrail's rules for a trail name (CreateTrail, `Name`), which only apply fails on: ASCII letters, digits, '.',
 * '_' and '-'; starting and ending with a letter or digit; 3 to 128 characters; no two of '.', '_', '-' in a row;
 * not an IP address.
 */

/** Why `name` cannot name a trail, or undefined when it can. */
export function trailNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) return `trail name must be 3-128 characters; it has ${name.length}`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return 'trail name may only contain ASCII letters, digits, ".", "_" and "-"';
  if (!/^[A-Za-z0-9].*[A-Za-z0-9]$/.test(name)) return 'trail name must start and end with a letter or digit';
  if (/[._-]{2}/.test(name)) return 'trail name must not have two of ".", "_", "-" in a row (such as "my-_trail")';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'trail name must not be formatted as an IP address';
  return undefined;
}
