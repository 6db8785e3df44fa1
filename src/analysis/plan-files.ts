/** Reading the plan files `npm run plan` wrote (tfplans/<env>.plan.json and .plan.txt), and naming its outputs. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanView, type PlanJson } from '../plan/plan-json';
import { planFileNames } from '../plan/plan-source';

export interface PlanFile {
  readonly name: string;
  readonly plan: PlanView;
  readonly text: string;
}

/** A plan file that cannot be read as one: the message names it and says what to do. */
export class PlanFileError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a plan file npm run plan wrote (${reason}); run npm run plan again`);
    this.name = 'PlanFileError';
  }
}

function readPlanJson(file: string): PlanJson {
  let plan: PlanJson;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
  } catch (error) {
    throw new PlanFileError(file, (error as Error).message);
  }
  if (typeof plan?.configuration?.root_module !== 'object') throw new PlanFileError(file, 'it has no configuration');
  return plan;
}

/** The environments' plans that exist in `dir`, in the order given. */
export function readPlanFiles(dir: string, environments: readonly string[]): PlanFile[] {
  return environments.flatMap((name) => {
    const files = planFileNames(name);
    const jsonFile = join(dir, files.json);
    if (!existsSync(jsonFile)) return [];
    const textFile = join(dir, files.text);
    return [
      {
        name,
        plan: new PlanView(readPlanJson(jsonFile)),
        text: existsSync(textFile) ? readFileSync(textFile, 'utf8') : '',
      },
    ];
  });
}

export const accessFileName = (environment: string) => `${environment}.access.json`;
export const SUMMARY_FILE = 'SUMMARY.md';
/** `npm run drift`'s report of an environment. */
export const driftReportName = (environment: string) => `${environment}.drift.md`;
/** `npm run adopt`'s proposal for an environment. */
export const proposalFileName = (environment: string) => `${environment}.adopt.yaml`;

/**
 * The per-environment files of `npm run plan` (plan, plan text, plan source, access file, review), `npm run drift`
 * and `npm run adopt` in `dir` that belong to no environment of `environments`: what an environment removed from the
 * config left behind, to be removed with the run's other writes.
 */
export function filesOfOtherEnvironments(dir: string, environments: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  const suffixes = [
    ...Object.values(planFileNames('')),
    accessFileName(''),
    '.review.md',
    driftReportName(''),
    proposalFileName(''),
  ];
  return readdirSync(dir)
    .filter((name) => {
      const suffix = suffixes.find((s) => name.endsWith(s));
      const environment = suffix === undefined ? '' : name.slice(0, -suffix.length);
      return environment !== '' && !environments.includes(environment);
    })
    .sort();
}
