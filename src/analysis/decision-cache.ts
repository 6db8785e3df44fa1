/**
 * Decisions of earlier runs, kept on disk so that planning again after a small config change simulates only the
 * requests it has not seen (`npm run plan` keeps them in .cache/analysis; `--no-cache` ignores them).
 *
 * An entry is keyed by a digest of SharedDecisions' request key (everything that can bear on the decision), so it
 * only ever answers a request that would get the same answer. The file name carries the versions of the simulator
 * and its IAM data and a digest of the code that builds and evaluates requests: any change there starts afresh.
 * Permission sets the simulator accepted are kept too, so a set's first request need not be simulated to learn it.
 * A file that cannot be read is ignored (it is only a cache); what a run used is written back whole.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileWhole } from '../synth/whole-file';
import { simulatorVersions, type Decision } from './simulator';

/** Where the CLIs keep it, relative to the project. */
export const ANALYSIS_CACHE_DIR = join('.cache', 'analysis');

/** Bump when the meaning of a key or of the file changes in a way the code digest would not show. */
const FORMAT = 1;
const DECISIONS: readonly Decision[] = ['Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied'];

interface CacheFile {
  readonly format: number;
  /** Request key digest -> index into DECISIONS. */
  readonly decisions: Record<string, number>;
  readonly acceptedSets: readonly string[];
}

export class DecisionCache {
  private readonly previous = new Map<string, Decision>();
  private readonly previousSets = new Set<string>();
  private readonly used = new Map<string, Decision>();
  private readonly usedSets = new Set<string>();

  private constructor(private readonly file: string) {}

  /** Opens the cache for this version of the code and the simulator under `dir` (nothing is read if absent). */
  static open(dir: string): DecisionCache {
    const cache = new DecisionCache(join(dir, `decisions-${versionKey()}.json`));
    cache.read();
    return cache;
  }

  get(requestKey: string): Decision | undefined {
    const key = digest(requestKey);
    const decision = this.used.get(key) ?? this.previous.get(key);
    if (decision !== undefined) this.used.set(key, decision);
    return decision;
  }

  set(requestKey: string, decision: Decision): void {
    this.used.set(digest(requestKey), decision);
  }

  isAccepted(setKey: string): boolean {
    const known = this.usedSets.has(setKey) || this.previousSets.has(setKey);
    if (known) this.usedSets.add(setKey);
    return known;
  }

  accept(setKey: string): void {
    this.usedSets.add(setKey);
  }

  /**
   * Keeps what this run used, for the next run; a cache that cannot be written costs only time, so this warns
   * on standard error instead of failing the command.
   */
  saveOrWarn(): void {
    try {
      this.save();
    } catch (error) {
      console.error(`note: could not keep the analysis decisions in ${this.file}: ${(error as Error).message}`);
    }
  }

  /** Writes what this run used, whole (temp file + rename), and removes files of other versions. */
  save(): void {
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true });
    const content: CacheFile = {
      format: FORMAT,
      decisions: Object.fromEntries(
        [...this.used.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, d]) => [k, DECISIONS.indexOf(d)]),
      ),
      acceptedSets: [...this.usedSets].sort(),
    };
    writeFileWhole(this.file, `${JSON.stringify(content)}\n`);
    for (const name of readdirSync(dir))
      if (/^decisions-.*\.json$/.test(name) && join(dir, name) !== this.file) rmSync(join(dir, name), { force: true });
  }

  private read(): void {
    if (!existsSync(this.file)) return;
    try {
      const content = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      if (content.format !== FORMAT) return;
      for (const [key, index] of Object.entries(content.decisions)) {
        const decision = DECISIONS[index];
        if (decision !== undefined) this.previous.set(key, decision);
      }
      for (const set of content.acceptedSets) this.previousSets.add(set);
    } catch {
      this.previous.clear();
      this.previousSets.clear();
    }
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** The simulator's identity (its packages' versions) and the source of the modules that make and evaluate requests. */
function versionKey(): string {
  const hash = createHash('sha256').update(String(FORMAT)).update(simulatorVersions());
  for (const module of ['./simulator', './access-analysis', './decisions', './context-variants'])
    hash.update(readFileSync(require.resolve(module)));
  return hash.digest('hex').slice(0, 16);
}
