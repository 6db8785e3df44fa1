/**
 * Per-environment analysis results of earlier runs, so an environment whose inputs did not change is neither
 * planned nor analysed again, and the report still says who can do what everywhere.
 *
 * An environment's result (its access and its rule findings before suppressions) is a function of: its own plan,
 * the plans of the environments its analysis reads (src/cli/review.ts analysisDependencies), its intent, and the code
 * that analyses. `resultKey` digests exactly those (the plans by what they were made from, plan-source.ts), so an
 * entry only ever stands for the result the analysis would compute. Entries live in
 * `.cache/analysis/environments/`, one file each, written whole; one that cannot be read is ignored.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileWhole } from '../synth/whole-file';
import type { EnvironmentResult } from './analyze';
import { rememberRendering, renderEnvironmentAccess } from './environment-access';
import { ANALYSIS_CACHE_DIR } from './decision-cache';
import { simulatorVersions } from './simulator';

export const RESULT_STORE_DIR = join(ANALYSIS_CACHE_DIR, 'environments');

/** Bump when the meaning of an entry changes in a way the code digest would not show. */
const FORMAT = 2;

/** What one environment's result depends on. */
export interface ResultInputs {
  readonly environment: string;
  /** What its plan was made from: configuration digest and Terraform version (plan-source.ts). */
  readonly plan: string;
  /** Environment name -> what its plan was made from, for every other environment its analysis reads. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Its intent (model/intent.ts), as JSON, for the intent check. */
  readonly intent: string;
}

export function resultKey(inputs: ResultInputs): string {
  const dependencies = Object.entries(inputs.dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, analysisCodeKey(), inputs.environment, inputs.plan, dependencies, inputs.intent]))
    .digest('hex');
}

export class ResultStore {
  private readonly memory = new Map<string, EnvironmentResult>();

  /** `dir`: where entries are read and written; undefined: this process only (`--no-cache`). */
  constructor(private readonly dir?: string) {}

  get(key: string): EnvironmentResult | undefined {
    const known = this.memory.get(key);
    if (known || !this.dir) return known;
    const file = join(this.dir, `${key}.json`);
    if (!existsSync(file)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as EnvironmentResult & {
        format?: number;
        accessFile?: string;
      };
      if (entry.format !== FORMAT || typeof entry.access?.environment !== 'string' || !Array.isArray(entry.findings))
        return undefined;
      const result = { access: entry.access, findings: entry.findings };
      if (typeof entry.accessFile === 'string') rememberRendering(result.access, entry.accessFile);
      this.memory.set(key, result);
      return result;
    } catch {
      return undefined;
    }
  }

  /** Keeps `result`; a store that cannot be written costs only time, so this warns instead of failing the run. */
  put(key: string, result: EnvironmentResult): void {
    this.memory.set(key, result);
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // With its access file as written, made from it once: the run that reuses the result writes that text again.
      const accessFile = renderEnvironmentAccess(result.access);
      writeFileWhole(join(this.dir, `${key}.json`), `${JSON.stringify({ format: FORMAT, ...result, accessFile })}\n`);
    } catch (error) {
      console.error(`note: could not keep an analysis result in ${this.dir}: ${(error as Error).message}`);
    }
  }
}

let codeKey: string | undefined;

/**
 * The simulator's and IAM data's versions and the source of every module of the analysis (this directory, its
 * rules, src/iam and src/plan, which reads plans): any change there and no stored result is used.
 */
function analysisCodeKey(): string {
  if (codeKey) return codeKey;
  const hash = createHash('sha256').update(simulatorVersions());
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(__dirname);
  walk(join(__dirname, '..', 'iam'));
  walk(join(__dirname, '..', 'plan'));
  codeKey = hash.digest('hex');
  return codeKey;
}
