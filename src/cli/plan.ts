/**
 * `npm run plan [-- --env <name>]`: synthesize, then plan every environment offline with real Terraform and the
 * real AWS provider, and write tfplans/<env>.plan.json and tfplans/<env>.plan.txt.
 */
import { parseArgs } from 'node:util';
import { configFileFromEnv } from '../config/load';
import { ConfigError, oneOf } from '../config/problems';
import { PlanFailures, planEnvironments, planFileNames, settingsFromEnv, type ProgressEvent } from '../plan/planner';
import type { ChangeCounts } from '../plan/plan-json';
import { outdirFromEnv, synthesize } from '../synth/synthesize';

const USAGE = 'usage: npm run plan [-- --env <environment> ...] [--out <dir>]';

function describeCounts(c: ChangeCounts): string {
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`;
}

function report(event: ProgressEvent): void {
  switch (event.kind) {
    case 'started':
      console.log(`[${event.environment}] planning`);
      return;
    case 'planned':
      console.log(
        `[${event.plan.environment}] planned in ${event.plan.seconds.toFixed(1)} s${event.plan.initialised ? ' (with terraform init)' : ''}: ${describeCounts(event.plan.counts)}`,
      );
      return;
    case 'failed':
      console.error(`[${event.error.environment}] failed`);
      return;
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        env: { type: 'string', multiple: true },
        out: { type: 'string', default: 'tfplans' },
        help: { type: 'boolean' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const started = process.hrtime.bigint();
  const { model, stacksDir } = await synthesize(configFileFromEnv(), outdirFromEnv());
  const known = model.environments.map((e) => e.name);
  const unknown = (args.env ?? []).filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    console.error(`--env ${unknown.map((e) => `"${e}"`).join(', ')}: unknown environment; must be ${oneOf(known)}`);
    return 2;
  }
  const environments = args.env ? known.filter((e) => args.env?.includes(e)) : known;
  const plans = await planEnvironments({
    environments,
    stacksDir,
    outputDir: args.out,
    cacheDir: '.cache/terraform',
    terraform: settingsFromEnv(),
    onProgress: report,
  });
  const total = plans.reduce(
    (sum, p) => ({
      create: sum.create + p.counts.create,
      update: sum.update + p.counts.update,
      replace: sum.replace + p.counts.replace,
      delete: sum.delete + p.counts.delete,
      unchanged: sum.unchanged + p.counts.unchanged,
    }),
    { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 },
  );
  const files = plans.flatMap((p) => Object.values(planFileNames(p.environment)).map((f) => `${args.out}/${f}`));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `Planned ${plans.length} environment${plans.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s: ${describeCounts(total)}.`,
  );
  console.log(`Wrote ${files.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof PlanFailures) console.error(error.message);
    else console.error(`plan failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
