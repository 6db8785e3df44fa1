/** Notes on a usable config: nothing is wrong enough to refuse it, but the user likely meant something else. */
import { problem, type ConfigProblem } from './problems';
import type { AccessConfig } from './schema';

export function configWarnings(config: AccessConfig): ConfigProblem[] {
  return config.people.flatMap((person, p) =>
    Object.keys(person.memberships).length === 0
      ? [
          problem(
            ['people', p, 'memberships'],
            `person "${person.name}" has no memberships, so no IAM user is created for them in any environment; add { <environment>: [<team>, ...] } or remove the person`,
          ),
        ]
      : [],
  );
}
