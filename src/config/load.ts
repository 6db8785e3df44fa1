/**
 * Loading the access config: parse, schema, references, resolution, AWS limits. Every phase that can run
 * runs, and all problems come back in one ConfigError; a model is returned only when there are none.
 */
import { dirname } from 'node:path';
import type { z } from 'zod';
import { loadActionCatalog, type ActionCatalog } from '../iam/action-catalog';
import { checkAwsLimits } from '../model/limits';
import { resolveAccessModel } from '../model/resolve';
import type { AccessModel } from '../model/types';
import { readGuardrailFiles } from './guardrails';
import { ConfigError, problem, type ConfigPath, type ConfigProblem } from './problems';
import { checkReferences, type PartialConfig } from './references';
import { SECTION_NAMES, sectionSchemas, type AccessConfig } from './schema';
import { parseConfigSource, readConfigSource, valueAt, type ConfigSource } from './source';
import { tokenMarkerProblems } from './token-markers';
import { allowedKeysAt, unknownKeyProblems } from './unknown-keys';
import { configWarnings } from './warnings';

export const DEFAULT_CONFIG_FILE = 'config/access.yaml';

/** `ACCESS_CONFIG` selects another file. */
export function configFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ACCESS_CONFIG && env.ACCESS_CONFIG.length > 0 ? env.ACCESS_CONFIG : DEFAULT_CONFIG_FILE;
}

export interface LoadedConfig {
  readonly file: string;
  readonly config: AccessConfig;
  readonly model: AccessModel;
  /** Located notes on a usable config (`file:line:col path: message`), e.g. a person in no team; printed, never fatal. */
  readonly warnings: readonly string[];
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

function checkSections(data: unknown): { sections: PartialConfig; problems: ConfigProblem[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      sections: {},
      problems: [problem([], `the config must be a mapping with the keys ${SECTION_NAMES.join(', ')}`)],
    };
  }
  const raw = data as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !(SECTION_NAMES as string[]).includes(key));
  const problems = unknownKeyProblems(unknown, SECTION_NAMES, []);
  const sections: Record<string, unknown> = {};
  for (const name of SECTION_NAMES) {
    const schema: z.ZodType = sectionSchemas[name];
    const result = schema.safeParse(raw[name]);
    if (result.success) sections[name] = result.data;
    else problems.push(...zodProblems(name, schema, raw[name], result.error.issues));
  }
  return { sections: sections as PartialConfig, problems };
}

function isComplete(sections: PartialConfig): sections is AccessConfig {
  return SECTION_NAMES.every((name) => sections[name] !== undefined);
}

/** Validates parsed config data; throws ConfigError listing every problem. */
export function buildAccessModel(source: ConfigSource, catalog: ActionCatalog): LoadedConfig {
  const { sections, problems } = checkSections(source.data);
  const guardrails = readGuardrailFiles(sections, dirname(source.file));
  problems.push(...tokenMarkerProblems(source.data), ...checkReferences(sections, catalog), ...guardrails.problems);
  if (isComplete(sections)) {
    const found = problems.length;
    try {
      const { model, problems: resolutionProblems } = resolveAccessModel(sections, catalog, guardrails.byEnvironment);
      problems.push(...resolutionProblems);
      // Limits are measured on a model without skipped entries only; otherwise counts and sizes would be wrong.
      if (problems.length === 0) problems.push(...checkAwsLimits(model));
      if (problems.length === 0) {
        return { file: source.file, config: sections, model, warnings: configWarnings(sections).map(source.describe) };
      }
    } catch (error) {
      // Resolution skips what the checks above flagged; should it still trip over flagged data, those problems
      // are the answer. With none found, the error is a bug and surfaces as one.
      if (found === 0) throw error;
    }
  }
  throw new ConfigError(source.file, problems.map(source.describe));
}

export async function loadAccessConfig(file: string): Promise<LoadedConfig> {
  return buildAccessModel(readConfigSource(file), await loadActionCatalog());
}

/** For tests and tools that hold the config text in memory. */
export async function loadAccessConfigText(file: string, text: string): Promise<LoadedConfig> {
  return buildAccessModel(parseConfigSource(file, text), await loadActionCatalog());
}
