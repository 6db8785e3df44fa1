/** IAM action patterns (`codepipeline:Get*`, `*`): case-insensitive, `*` and `?` wildcards. */

const cache = new Map<string, RegExp>();

export function actionPattern(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (!regex) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, 'i');
    cache.set(pattern, regex);
  }
  return regex;
}

export function actionMatches(pattern: string, action: string): boolean {
  return actionPattern(pattern).test(action);
}

const resourceCache = new Map<string, RegExp>();

/**
 * IAM resource patterns: case-sensitive, `*` and `?` wildcards (spanning `/` and `:`). A policy variable such as
 * `${aws:username}` could be anything, so it is read as `*`: the match is an upper bound, never a false "no".
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  let regex = resourceCache.get(pattern);
  if (!regex) {
    const body = pattern
      .split(/\$\{[^}]*\}/)
      .map((part) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.'),
      )
      .join('.*');
    regex = new RegExp(`^${body}$`);
    resourceCache.set(pattern, regex);
  }
  return regex.test(resource);
}
