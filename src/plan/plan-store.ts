/**
 * Plans kept by what they were made from: the sha256 of the exact configuration Terraform planned (the sandbox copy
 * of a synthesized stack, see plan-source.ts) and the Terraform version. An offline plan against empty state is a
 * function of those two, so a stack planned once need not be planned again: not after a change to another
 * environment, not on the base side of a pull request, not in the report job of a fanned-out CI run that downloads
 * the plans its matrix jobs made (`ingest`).
 *
 * Entries live in `.cache/plans/` (regenerable, never user data) as one file each, written whole; a file that
 * cannot be read is ignored (it is only a cache). Without a directory the store keeps what it is given in memory.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileWhole } from '../synth/whole-file';
import type { PlanJson } from './plan-json';
import { planFileNames, readPlanSource, type PlanSource } from './plan-source';

/** Where the CLIs keep it, relative to the project. */
export const PLAN_STORE_DIR = join('.cache', 'plans');

/** Bump when the meaning of an entry changes. */
const FORMAT = 1;

/** A plan as the store keeps it: what `npm run plan` writes per environment, less the environment's name. */
export interface StoredPlan {
  readonly source: PlanSource;
  readonly json: PlanJson;
  readonly text: string;
}

interface StoreFile extends StoredPlan {
  readonly format: number;
}

export class PlanStore {
  private readonly memory = new Map<string, StoredPlan>();

  /** `dir`: where entries are read from and written to; undefined: this process only. */
  constructor(private readonly dir?: string) {}

  get(configuration: string, terraformVersion: string): StoredPlan | undefined {
    const key = storeKey(configuration, terraformVersion);
    const known = this.memory.get(key);
    if (known || !this.dir) return known;
    const file = join(this.dir, `${key}.json`);
    if (!existsSync(file)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as StoreFile;
      const fits =
        entry.format === FORMAT &&
        entry.source?.configuration === configuration &&
        entry.source.terraformVersion === terraformVersion &&
        typeof entry.text === 'string' &&
        typeof entry.json?.configuration === 'object';
      if (!fits) return undefined;
      const plan = { source: entry.source, json: entry.json, text: entry.text };
      this.memory.set(key, plan);
      return plan;
    } catch {
      return undefined;
    }
  }

  /** Keeps `plan`; a store that cannot be written costs only time, so this warns instead of failing the run. */
  put(plan: StoredPlan): void {
    const key = storeKey(plan.source.configuration, plan.source.terraformVersion);
    this.memory.set(key, plan);
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      const content: StoreFile = { format: FORMAT, ...plan };
      writeFileWhole(join(this.dir, `${key}.json`), `${JSON.stringify(content)}\n`);
    } catch (error) {
      console.error(`note: could not keep a plan in ${this.dir}: ${(error as Error).message}`);
    }
  }

  /**
   * Adds every plan `npm run plan` wrote under `dir`, in any subdirectory (a CI report job downloads one directory
   * per matrix job): `<env>.plan.json` with its `<env>.plan.source.json` and `<env>.plan.txt`. Returns the files
   * read; throws PlanArtifactError naming each plan that lacks what it needs (and adds none).
   */
  ingest(dir: string): string[] {
    const problems: string[] = [];
    const read: [string, StoredPlan][] = [];
    for (const file of planJsonFiles(dir)) {
      const folder = dirname(file);
      const environment = basename(file).slice(0, -planFileNames('').json.length);
      const names = planFileNames(environment);
      const source = readPlanSource(folder, environment);
      const missing = [
        ...(source ? [] : [names.source]),
        ...(existsSync(join(folder, names.text)) ? [] : [names.text]),
      ];
      let json: PlanJson | undefined;
      try {
        json = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
      } catch (error) {
        problems.push(`${file}: not JSON (${(error as Error).message})`);
        continue;
      }
      if (typeof json?.configuration?.root_module !== 'object') missing.push('a plan (it has no configuration)');
      if (missing.length > 0 || !source) {
        problems.push(`${file}: lacks ${missing.join(' and ')} beside it`);
        continue;
      }
      if (source.terraformVersion !== json.terraform_version)
        problems.push(
          `${file}: made with Terraform ${json.terraform_version}, but ${names.source} says ${source.terraformVersion}`,
        );
      else read.push([file, { source, json, text: readFileSync(join(folder, names.text), 'utf8') }]);
    }
    if (problems.length > 0) throw new PlanArtifactError(dir, problems);
    for (const [, plan] of read) this.put(plan);
    return read.map(([file]) => file);
  }
}

/** Plan artifacts that cannot be used: each problem names its file. */
export class PlanArtifactError extends Error {
  constructor(dir: string, problems: readonly string[]) {
    super(
      `${problems.length} plan file${problems.length === 1 ? '' : 's'} under ${dir} cannot be used (each must be written by npm run plan, with its .plan.source.json and .plan.txt):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'PlanArtifactError';
  }
}

function storeKey(configuration: string, terraformVersion: string): string {
  return createHash('sha256').update(`${FORMAT}\u0000${configuration}\u0000${terraformVersion}`).digest('hex');
}

/** Every `*.plan.json` under `dir`, sorted, so ingestion is deterministic. */
function planJsonFiles(dir: string): string[] {
  const suffix = planFileNames('').json;
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(suffix) && entry.name.length > suffix.length) found.push(path);
    }
  };
  walk(dir);
  return found;
}
