/**
 * The organisation-scale part of `npm run bench`: what a platform team with many accounts pays.
 *   - N environments x 100 people (each person in every environment), full `npm run plan`: cold (first run, with
 *     terraform init), warm (sandboxes initialised, decisions cached, but no stored plans or results: everything is
 *     planned and analysed), and again with nothing changed (everything reused).
 *   - A pull request that adds one person to one spoke: `npm run plan -- --base HEAD`, against planning that one
 *     environment alone (warm `terraform plan` + `show -json` of its stack, what any tool must pay at least).
 *   - A hub team trusted by 200 spokes: synth of the 201 stacks, and the hub's plan.
 *   - One account at IAM's user quota (5,000 users): `npm run plan`, and the size of its access file.
 * Each figure is one process timed from here, with its peak memory from GNU time. Figures only; nothing is asserted.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateConfig, type GeneratedConfigSize } from '../fixtures/generate-config';

export interface OrganisationFigure {
  readonly case: string;
  readonly seconds: number;
  readonly peakMiB?: number;
  readonly note?: string;
}

type Measure = (
  command: string,
  args: readonly string[],
  env?: Record<string, string>,
  cwd?: string,
) => { readonly seconds: number; readonly peakMiB?: number; readonly stdout: string };

const PEOPLE = 100;

/** A throwaway project: config/access.yaml committed in a git repository (for --base), run from its directory. */
function project(dir: string, config: string): { dir: string; commit: () => void } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'access.yaml'), config);
  cpSync(join(__dirname, '..', '..', '..', 'cdktf.json'), join(dir, 'cdktf.json'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: dir });
  git('init', '-q');
  const commit = () => {
    git('add', 'config/access.yaml');
    git('commit', '-q', '--allow-empty', '-m', 'base');
  };
  commit();
  return { dir, commit };
}

function environmentName(index: number): string {
  return `env-${String(index).padStart(2, '0')}`; // as generate-config names them, whatever the total
}

export function benchOrganisation(
  root: string,
  work: string,
  measure: Measure,
  environments: readonly number[],
  log: (figure: OrganisationFigure) => void,
  parts: { readonly hub: boolean; readonly bigAccount: boolean } = { hub: true, bigAccount: true },
): OrganisationFigure[] {
  const figures: OrganisationFigure[] = [];
  const record = (figure: OrganisationFigure) => {
    figures.push(figure);
    log(figure);
  };
  const planCli = join(root, 'dist', 'src', 'cli', 'plan.js');
  const run = (cwd: string, ...args: string[]) => measure(process.execPath, [planCli, ...args], {}, cwd);
  const dropStores = (dir: string) => {
    rmSync(join(dir, '.cache', 'plans'), { recursive: true, force: true });
    rmSync(join(dir, '.cache', 'analysis', 'environments'), { recursive: true, force: true });
  };

  for (const count of environments) {
    const size: GeneratedConfigSize = { environments: count, teams: 10, people: PEOPLE, pipelines: 10 };
    const config = generateConfig(size);
    const { dir } = project(join(work, `org-${count}`), config);
    const label = `${count} environments x ${PEOPLE} people`;
    const synth = measure(process.execPath, [join(root, 'dist', 'main.js')], {}, dir);
    const cold = run(dir);
    record({ case: `${label}: npm run plan, cold`, ...cold, note: 'first run: terraform init per environment' });
    dropStores(dir);
    const warm = run(dir);
    record({ case: `${label}: npm run plan, warm`, ...warm, note: 'every environment planned and analysed' });
    record({ case: `${label}: npm run synth`, ...synth, note: shareOf(synth, warm, 'the warm plan') });
    const again = run(dir);
    record({ case: `${label}: npm run plan, nothing changed`, ...again, note: 'every plan and result reused' });

    // A pull request: one more person, in one spoke only.
    const spoke = environmentName(Math.ceil(count / 2));
    const changed = `${config}  - name: newcomer\n    memberships:\n      ${spoke}:\n        - team-02\n`;
    writeFileSync(join(dir, 'config', 'access.yaml'), changed);
    const pr = run(dir, '--base', 'HEAD');
    // Planning that environment alone: warm Terraform on its sandbox, as the run left it.
    const sandbox = execFileSync(
      'find',
      [join(dir, '.cache', 'terraform', 'sandboxes'), '-path', `*/${spoke}/main.tf.json`],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')[0];
    const sandboxDir = join(sandbox, '..');
    const cliConfig = join(dir, '.cache', 'terraform', 'terraform.rc');
    const alone = measure(
      'sh',
      [
        '-c',
        'terraform plan -refresh=false -input=false -lock=false -no-color -out=tfplan >/dev/null && terraform show -json tfplan >/dev/null && rm -f tfplan terraform.tfstate',
      ],
      { TF_CLI_CONFIG_FILE: cliConfig },
      sandboxDir,
    );
    record({ case: `${label}: planning ${spoke} alone (warm terraform plan + show)`, ...alone });
    record({
      case: `${label}: one person added to ${spoke}, npm run plan -- --base HEAD`,
      ...pr,
      note: `${(pr.seconds / alone.seconds).toFixed(2)}x planning ${spoke} alone; ${summaryLine(pr.stdout)}`,
    });
  }

  if (parts.hub) benchHub(work, run, measure, root, record);
  if (parts.bigAccount) benchBigAccount(work, run, measure, root, record);
  return figures;
}

function benchHub(
  work: string,
  run: (cwd: string, ...args: string[]) => ReturnType<Measure>,
  measure: Measure,
  root: string,
  record: (figure: OrganisationFigure) => void,
): void {
  // A hub team trusted by 200 spokes.
  const hub = project(join(work, 'hub-200'), generateConfig({ environments: 201, teams: 2, people: 5, pipelines: 1 }));
  const synth = measure(process.execPath, [join(root, 'dist', 'main.js')], {}, hub.dir);
  const hubPlan = run(hub.dir, '--env', 'env-01', '--no-cache');
  record({
    case: '200 spokes trusting one hub team: synth of 201 stacks',
    ...synth,
    note: shareOf(synth, hubPlan, "the hub's synth + plan"),
  });
  const hubStack = readFileSync(join(hub.dir, 'cdktf.out', 'stacks', 'env-01', 'cdk.tf.json'), 'utf8');
  const assumePolicies = (hubStack.match(/"name": "[^"]*-assume-roles(-\d+)?"/g) ?? []).length;
  record({
    case: '200 spokes trusting one hub team: synth + plan of the hub',
    ...hubPlan,
    note: `${assumePolicies} assume-role policies on the hub group`,
  });
}

function benchBigAccount(
  work: string,
  run: (cwd: string, ...args: string[]) => ReturnType<Measure>,
  measure: Measure,
  root: string,
  record: (figure: OrganisationFigure) => void,
): void {
  // One account at IAM's user quota.
  const big = project(
    join(work, 'users-5000'),
    generateConfig({ environments: 1, teams: 20, people: 5000, pipelines: 10 }),
  );
  const synth = measure(process.execPath, [join(root, 'dist', 'main.js')], {}, big.dir);
  const bigPlan = run(big.dir);
  const accessFile = join(big.dir, 'tfplans', 'env-01.access.json');
  record({
    case: '5,000 users in one account: npm run plan, cold',
    ...bigPlan,
    note: `access file ${(statSync(accessFile).size / 1024).toFixed(0)} KiB`,
  });
  record({ case: '5,000 users in one account: npm run synth', ...synth, note: shareOf(synth, bigPlan, 'the plan') });
}

/** "4.1% of the plan": synth's share of a plan run, which the issue wants well under a tenth at every size. */
function shareOf(part: { seconds: number }, whole: { seconds: number }, what: string): string {
  return `${((100 * part.seconds) / whole.seconds).toFixed(1)}% of ${what}`;
}

/** The run's closing "Planned ..." line, shortened: what it planned and reused. */
function summaryLine(stdout: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith('Planned ')) ?? '';
  return line.replace(/ \(against empty state:[^)]*\)/, '').replace(/\.$/, '');
}
