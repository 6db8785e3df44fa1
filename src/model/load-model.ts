/**
 * Loading the access config into the model: the config's own checks (src/config), then resolution and the AWS
 * limits (here). Every phase that can run runs, and all problems come back in one ConfigError; a model is returned
 * only when there are none. This is the one place that joins config and model: src/config never imports the model
 * (an ESLint rule holds it to that).
 */
import { checkConfig } from '../config/load';
import { ConfigError, type ConfigProblem } from '../config/problems';
import type { AccessConfig } from '../config/schema';
import { parseConfigSource, readConfigSource, type ConfigSource } from '../config/source';
import { configWarnings } from '../config/warnings';
import { loadActionCatalog, type ActionCatalog } from '../iam/action-catalog';
import { checkAwsLimits } from './limits';
import { resolveAccessModel } from './resolve';
import type { AccessModel } from './types';

export interface LoadedConfig {
  readonly file: string;
  readonly config: AccessConfig;
  readonly model: AccessModel;
  /**
   * Located notes on a usable config (`file:line:col path: message`), e.g. a person in no team or an admin without
   * a declared service role to pass; printed, never fatal.
   */
  readonly warnings: readonly string[];
}

/** Validates parsed config data and resolves it; throws ConfigError listing every problem. */
export function buildAccessModel(source: ConfigSource, catalog: ActionCatalog): LoadedConfig {
  const checked = checkConfig(source, catalog);
  const problems: ConfigProblem[] = [...checked.problems];
  if (checked.config) {
    const found = problems.length;
    try {
      const resolution = resolveAccessModel(checked.config, catalog);
      problems.push(...resolution.problems);
      // Limits are measured on a model without skipped entries only; otherwise counts and sizes would be wrong.
      if (problems.length === 0) problems.push(...checkAwsLimits(resolution.model));
      if (problems.length === 0) {
        const warnings = [...configWarnings(checked.config), ...resolution.warnings];
        return {
          file: source.file,
          config: checked.config,
          model: resolution.model,
          warnings: warnings.map(source.describe),
        };
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
