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
