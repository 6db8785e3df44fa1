/**
 * Loading the access config: parse, schema, references, resolution, AWS limits. Every phase that can run
 * runs, and all problems come back in one ConfigError; a model is returned only when there are none.
 */
import type { z } from 'zod';
import { loadActionCatalog, type ActionCatalog } from '../iam/action-catalog';
import { checkAwsLimits } from '../model/limits';
import { resolveAccessModel } from '../model/resolve';
import type { AccessModel } from '../model/types';
import { ConfigError, problem, type ConfigProblem } from './problems';
import { checkReferences, type PartialConfig } from './references';
import { SECTION_NAMES, sectionSchemas, type AccessConfig } from './schema';
import { parseConfigSource, readConfigSource, type ConfigSource } from './source';

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

function zodProblems(section: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => problem([section, ...(issue.path as (string | number)[])], issue.message));
}

function checkSections(data: unknown): { sections: PartialConfig; problems: ConfigProblem[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      sections: {},
      problems: [problem([], `the config must be a mapping with the keys ${SECTION_NAMES.join(', ')}`)],
    };
  }
  const raw = data as Record<string, unknown>;
  const problems: ConfigProblem[] = Object.keys(raw)
    .filter((key) => !(SECTION_NAMES as string[]).includes(key))
    .map((key) => problem([key], `unknown top-level key; allowed keys are ${SECTION_NAMES.join(', ')}`));
  const sections: Record<string, unknown> = {};
  for (const name of SECTION_NAMES) {
    const result = sectionSchemas[name].safeParse(raw[name]);
    if (result.success) sections[name] = result.data;
    else problems.push(...zodProblems(name, result.error));
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
    const { model, problems: resolutionProblems } = resolveAccessModel(sections, catalog);
    problems.push(...resolutionProblems);
    // Limits are measured on a model without skipped entries only; otherwise counts and sizes would be wrong.
    if (problems.length === 0) problems.push(...checkAwsLimits(model));
    if (problems.length === 0) return { file: source.file, config: sections, model, warnings: [] };
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
