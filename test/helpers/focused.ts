/** A focused fixture's plans (made by the global setup), analysed with its config's intent. */
import type { AnalysisResult } from '../../src/analysis/analyze';
import { analyzePlans } from '../../src/analysis/analyze';
import { loadAccessConfig } from '../../src/model/load-model';
import { accessIntent } from '../../src/model/intent';
import type { PlanView } from '../../src/plan/plan-json';
import { focusedConfigFile } from './fixture-files';
import { readPlan } from './plans';

/** `edit` may change a plan (a deliberate defect) before the analysis reads it. */
export async function analyzeFocused(
  name: string,
  edit: (environment: string, plan: PlanView) => PlanView = (_, plan) => plan,
  configFile: string = focusedConfigFile(name),
): Promise<AnalysisResult> {
  const { config, model } = await loadAccessConfig(configFile);
  const plans = model.environments.map((e) => ({ name: e.name, plan: edit(e.name, readPlan(name, e.name)) }));
  return analyzePlans(plans, config.suppressions, { intent: accessIntent(config, model) });
}
