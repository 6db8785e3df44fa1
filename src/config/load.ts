/**
 * Checking the access config on its own: schema, references between entries, token markers. Config knows nothing
 * of the model: src/model/load-model.ts runs these checks, then resolution and the AWS limits, and reports every
 * problem of every phase in one ConfigError.
 */
import { dirname } from 'node:path';
import type { z } from 'zod';
import type { ActionCatalog } from '../iam/action-catalog';
import { problem, type ConfigPath, type ConfigProblem } from './problems';
import { readGuardrailFiles, type EnvironmentGuardrails } from './guardrails';
import { checkReferences, type PartialConfig } from './references';
import { SECTION_NAMES, sectionSchemas, type AccessConfig, type SectionName } from './schema';
import { valueAt, type ConfigSource } from './source';
import { tokenMarkerProblems } from './token-markers';
import { allowedKeysAt, unknownKeyProblems } from './unknown-keys';

export const DEFAULT_CONFIG_FILE = 'config/access.yaml';

/** `ACCESS_CONFIG` selects another file. */
export function configFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCESS_CONFIG && env.ACCESS_CONFIG.length > 0 ? env.ACCESS_CONFIG : DEFAULT_CONFIG_FILE;
}

/** Whether a union member's issues say the value is not of that member's type at all. */
const typeMismatch = (issues: readonly z.core.$ZodIssue[]) =>
  issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));

/**
 * zod's issues as problems: an unknown key or a bad record key is located at the key itself, a missing key is
 * named, and a union (`pipelines: all | [names] | { tags }`) whose value has the type of exactly one member
 * reports that member's own problems (an unknown key, a bad tag) instead of the union's summary.
 */
function zodProblems(
  section: string,
  schema: z.ZodType,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  prefix: ConfigPath = [],
): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    const at: ConfigPath = [...prefix, ...(issue.path as (string | number)[])];
    const path: ConfigPath = [section, ...at];
    const missing = valueAt(data, at) === undefined;
    switch (issue.code) {
      case 'unrecognized_keys':
        return unknownKeyProblems(issue.keys, allowedKeysAt(schema, data, at), path);
      case 'invalid_key':
        return issue.issues.map((inner) => problem(path, inner.message, { at: 'key' }));
      case 'invalid_type':
        // zod says "received undefined" for a key that is not there; say which key is missing instead.
        return [
          problem(
            path,
            missing
              ? `required key "${String(path[path.length - 1])}" is missing (expected ${issue.expected})`
              : issue.message,
          ),
        ];
      case 'invalid_union': {
        if (missing)
          return [problem(path, `required key "${String(path[path.length - 1])}" is missing: ${issue.message}`)];
        const matching = issue.errors.filter((member) => !typeMismatch(member));
        return matching.length === 1
          ? zodProblems(section, schema, data, matching[0], at)
          : [problem(path, issue.message)];
      }
      default:
        return [problem(path, issue.message)];
    }
  });
}

function checkSections(data: unknown): { sections: PartialConfig; problems: ConfigProblem[]; failed: SectionName[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      sections: {},
      problems: [problem([], `the config must be a mapping with the keys ${SECTION_NAMES.join(', ')}`)],
      failed: [...SECTION_NAMES],
    };
  }
  const raw = data as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !(SECTION_NAMES as string[]).includes(key));
  const problems = unknownKeyProblems(unknown, SECTION_NAMES, []);
  const sections: Record<string, unknown> = {};
  const failed: SectionName[] = [];
  for (const name of SECTION_NAMES) {
    const schema: z.ZodType = sectionSchemas[name];
    const result = schema.safeParse(raw[name]);
    if (result.success) sections[name] = result.data;
    else {
      failed.push(name);
      problems.push(...zodProblems(name, schema, raw[name], result.error.issues));
    }
  }
  return { sections: sections as PartialConfig, problems, failed };
}

/** What the config's own checks found. */
export interface CheckedConfig {
  /** Every section, when all passed the schema: what resolution may run on. @default - some section failed */
  readonly config?: AccessConfig;
  /** The SCPs, RCPs and permissions boundary each environment names, read from their files. */
  readonly guardrails: ReadonlyMap<string, EnvironmentGuardrails>;
  /** Schema, token-marker, reference and guardrail-file problems, in that order. */
  readonly problems: readonly ConfigProblem[];
}

/** Every section passed the schema (an optional one may be absent): resolution may run. */
function isComplete(sections: PartialConfig, failed: readonly SectionName[]): sections is AccessConfig {
  return failed.length === 0 && sections.version !== undefined;
}

/** Runs every check of the config on its own (no resolution); a section's problems never hide another's. */
export function checkConfig(source: ConfigSource, catalog: ActionCatalog): CheckedConfig {
  const { sections, problems, failed } = checkSections(source.data);
  const guardrails = readGuardrailFiles(sections, dirname(source.file));
  problems.push(
    ...tokenMarkerProblems(source.data),
    ...checkReferences(sections, catalog, failed),
    ...guardrails.problems,
  );
  return {
    config: isComplete(sections, failed) ? sections : undefined,
    guardrails: guardrails.byEnvironment,
    problems,
  };
}
