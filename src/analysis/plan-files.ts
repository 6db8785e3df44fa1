/** Reading the plan files `npm run plan` wrote (tfplans/<env>.plan.json and .plan.txt). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanView, type PlanJson } from '../plan/plan-json';
import { planFileNames } from '../plan/planner';

export interface PlanFile {
  readonly name: string;
  readonly plan: PlanView;
  readonly text: string;
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
        plan: new PlanView(JSON.parse(readFileSync(jsonFile, 'utf8')) as PlanJson),
        text: existsSync(textFile) ? readFileSync(textFile, 'utf8') : '',
      },
    ];
  });
}

export const accessFileName = (environment: string) => `${environment}.access.json`;
export const SUMMARY_FILE = 'SUMMARY.md';
