const fs = require('fs');
const { PlanView } = require('./dist/src/plan/plan-json');
const { AccessAnalysis } = require('./dist/src/analysis/access-analysis');
const { environmentAccess } = require('./dist/src/analysis/access-matrix');
const { runRules } = require('./dist/src/analysis/rules');
const { loadActionCatalog } = require('./dist/src/iam/action-catalog');
(async () => {
  const dir = process.argv[2],
    envs = process.argv.slice(3);
  const a = new AccessAnalysis(
    envs.map((name) => ({ name, plan: new PlanView(JSON.parse(fs.readFileSync(`${dir}/${name}.plan.json`))) })),
  );
  const catalog = await loadActionCatalog();
  for (const e of envs) {
    const access = await environmentAccess(a, e, catalog);
    const t = Date.now();
    const f = await runRules({ analysis: a, env: a.environment(e), access, catalog });
    console.log(e, Date.now() - t, 'ms', JSON.stringify(f, null, 1));
    console.log(JSON.stringify(access.assumeRole), JSON.stringify(access.artifactBuckets));
  }
})();
