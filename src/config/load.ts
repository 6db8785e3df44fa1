/**
 * Loading the access config: parse, schema, references, resolution, AWS limits. Every phase that can run
 * runs, and all problems come back in one ConfigError; a model is returned only when there are none.
 */
import type { z } from 'zod';
import { loadActionCatalog, type ActionCatalog } from '../iam/action-catalog';
import { checkAwsLimits } from '../model/limits';
import { resolveAccessModel } from '../model/resolve';
import type { AccessModel } from '../model/types';
import { ConfigError, problem, type ConfigPath, type ConfigProblem } from './problems';
import { checkReferences, type PartialConfig } from './references';
import { SECTION_NAMES, sectionSchemas, type AccessConfig } from './schema';
import { parseConfigSource, readConfigSource, valueAt, type ConfigSource } from './source';
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

/** zod's issues as problems: an unknown key or a bad record key is located at the key itself. */
function zodProblems(section: string, schema: z.ZodType, data: unknown, error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const path: ConfigPath = [section, ...(issue.path as (string | number)[])];
    switch (issue.code) {
      case 'unrecognized_keys':
        return unknownKeyProblems(issue.keys, allowedKeysAt(schema, data, issue.path as ConfigPath), path);
      case 'invalid_key':
        return issue.issues.map((inner) => problem(path, inner.message, { at: 'key' }));
      case 'invalid_type':
      case 'invalid_union':
        // zod says "received undefined" for a key that is not there; say which key is missing instead.
        if (valueAt(data, issue.path as ConfigPath) === undefined) {
          const key = `required key "${String(path[path.length - 1])}" is missing`;
          return [
            problem(
              path,
              issue.code === 'invalid_type' ? `${key} (expected ${issue.expected})` : `${key}: ${issue.message}`,
            ),
          ];
        }
        return [problem(path, issue.message)];
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
    else problems.push(...zodProblems(name, schema, raw[name], result.error));
  }
  return { sections: sections as PartialConfig, problems };
}

function isComplete(sections: PartialConfig): sections is AccessConfig {
  return SECTION_NAMES.every((name) => sections[name] !== undefined);
}

/** Validates parsed config data; throws ConfigError listing every problem. */
export function buildAccessModel(source: ConfigSource, catalog: ActionCatalog): LoadedConfig {
  const { sections, problems } = checkSections(source.data);
  problems.push(...checkReferences(sections, catalog));
  if (isComplete(sections)) {
    const found = problems.length;
    try {
      const { model, problems: resolutionProblems } = resolveAccessModel(sections, catalog);
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
