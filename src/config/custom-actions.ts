/**
 * What a custom profile may list: exact CodePipeline action names of the service reference, nothing else.
 * Other services' actions (iam:PassRole, sts:AssumeRole, s3:*) and wildcards are how a "CodePipeline" profile
 * escalates to more, so they are refused outright (full CodePipeline access is kind admin, which scopes PassRole
 * to CodePipeline). IAM reads action names case-insensitively, but a miscased name is almost always a copy-paste
 * slip and the review reads better exact: it is refused with the exact spelling to use.
 */
import { SERVICE, type ActionCatalog } from '../iam/action-catalog';

export const CUSTOM_ACTIONS_ALLOWED =
  'custom profiles take exact CodePipeline action names of the service reference, such as "codepipeline:StartPipelineExecution"; for full CodePipeline access use kind admin';

const hint = (names: readonly string[]) =>
  names.length > 0 ? `did you mean ${names.map((n) => `"${n}"`).join(' or ')}? ` : '';

/** Why `action` may not be in a custom profile, or undefined if it may. */
export function customActionProblem(action: string, catalog: ActionCatalog): string | undefined {
  if (catalog.get(action)) return undefined;
  const colon = action.indexOf(':');
  const service = colon < 0 ? undefined : action.slice(0, colon);
  if (action.includes('*') || action.includes('?')) {
    return `wildcards are not allowed (they also grant actions AWS adds later); ${CUSTOM_ACTIONS_ALLOWED}`;
  }
  if (service !== undefined && service.toLowerCase() !== SERVICE) {
    return `not a CodePipeline action: a custom profile grants CodePipeline only (another service's actions, such as iam:PassRole or sts:AssumeRole, can escalate privileges); ${CUSTOM_ACTIONS_ALLOWED}`;
  }
  const suggestions = catalog.suggest(service === undefined ? `${SERVICE}:${action}` : action);
  const exactCase = suggestions.find((s) => s.toLowerCase() === `${SERVICE}:${action.slice(colon + 1)}`.toLowerCase());
  if (service === undefined) {
    return `missing the service prefix "codepipeline:"; ${hint(suggestions)}${CUSTOM_ACTIONS_ALLOWED}`;
  }
  if (exactCase !== undefined) {
    return `wrong case: action names must be spelled exactly as in the service reference; ${hint([exactCase])}${CUSTOM_ACTIONS_ALLOWED}`;
  }
  return `unknown action: not a CodePipeline action of the service reference (exact spelling required); ${hint(suggestions)}${CUSTOM_ACTIONS_ALLOWED}`;
}
