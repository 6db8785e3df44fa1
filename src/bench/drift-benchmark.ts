/**
 * The drift part of `npm run bench`: `npm run drift` on an account of 5,000 users and 500 managed policies (the
 * 5,000-user config the organisation benchmark plans, deployed, plus hand-made policies on users and an AWS managed
 * CodePipeline policy: src/fixtures/generate-dump.ts), once with no decision stored (a first daily run) and once
 * with the decisions of that run. The environment is planned once per machine (kept under .cache/bench/ while the
 * config is the same); the timed runs plan nothing (--plans). Each figure is one process timed from here, with its
 * peak memory from GNU time. Figures only; nothing is asserted.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessAnalysis } from '../analysis/access-analysis';
import { readPlanFiles } from '../analysis/plan-files';
import { BIG_ACCOUNT_CONFIG, generateConfig } from '../fixtures/generate-config';
import { generateDump } from '../fixtures/generate-dump';
import type { OrganisationFigure } from './organisation-benchmark';

type Measure = (
  command: string,
  args: readonly string[],
  env?: Record<string, string>,
  cwd?: string,
  okStatuses?: readonly number[],
) => { readonly seconds: number; readonly peakMiB?: number; readonly stdout: string };

export const DRIFT_DUMP = { policies: 500, fullAccessUsers: 5, pageSize: 1000 } as const;

export function benchDrift(
  root: string,
  measure: Measure,
  log: (figure: OrganisationFigure) => void,
): OrganisationFigure[] {
  const config = generateConfig(BIG_ACCOUNT_CONFIG);
  const key = createHash('sha256').update(config).digest('hex').slice(0, 10);
  const dir = join(root, '.cache', 'bench', `drift-${key}`);
  const planned = join(dir, 'planned');
  const figures: OrganisationFigure[] = [];
  const record = (figure: OrganisationFigure) => {
    figures.push(figure);
    log(figure);
  };
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'access.yaml'), config);
  cpSync(join(root, 'cdktf.json'), join(dir, 'cdktf.json'));
  if (!existsSync(join(planned, 'env-01.plan.json'))) {
    const plan = measure(
      process.execPath,
      [join(root, 'dist', 'src', 'cli', 'plan.js'), '--env', 'env-01', '--out', planned],
      {},
      dir,
    );
    record({ case: 'drift: the 5,000-user account planned once (kept for later runs)', ...plan });
  }
  const [file] = readPlanFiles(planned, ['env-01']);
  const env = AccessAnalysis.fromPlans([file]).environment('env-01');
  const dump = join(dir, 'dump');
  rmSync(dump, { recursive: true, force: true });
  mkdirSync(dump);
  for (const [name, text] of Object.entries(generateDump(env, DRIFT_DUMP))) writeFileSync(join(dump, name), text);
  const pages = readFileSync(join(dump, 'authorization-details.json'), 'utf8').split('\n{').length;
  const drift = () =>
    measure(
      process.execPath,
      [
        join(root, 'dist', 'src', 'cli', 'drift.js'),
        '--env',
        'env-01',
        '--from',
        dump,
        '--plans',
        planned,
        '--out',
        join(dir, 'out'),
      ],
      {},
      dir,
      [2],
    );
  const label = `drift of an account with ${env.users.length.toLocaleString('en')} users and ${DRIFT_DUMP.policies} policies`;
  rmSync(join(dir, '.cache', 'analysis'), { recursive: true, force: true });
  const cold = drift();
  const findings = cold.stdout.split('\n').filter((l) => l.startsWith('DRIFT ')).length;
  record({
    case: `${label}, no decision stored`,
    ...cold,
    note: `${findings} finding lines; the dump in ${pages} pages`,
  });
  const warm = drift();
  record({ case: `${label}, decisions of the first run stored`, ...warm, note: 'as a daily run finds them' });
  return figures;
}
