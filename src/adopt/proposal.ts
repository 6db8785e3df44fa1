/**
 * `npm run adopt`'s proposal: for the groups, users and policies of an account that touch CodePipeline, the config
 * entries that give the same access (teams with the profile kind whose simulated matrix is equal, a custom profile
 * where none is, people with their memberships) and the imports that make the first deploy take the existing
 * resources over instead of failing on them (EntityAlreadyExists) or replacing them.
 *
 * A live policy becomes one grant named after it (so the import takes the policy over), its description the
 * profile's (a policy whose description changes is replaced). The entries are merged into the config
 * (config-edit.ts) and the merged config is loaded like any other: the imports are then everything its stack would
 * create that exists live (groups, policies and attachments, users, login profiles, memberships, the password
 * policy), for adopted and already managed entries alike, and each adopted user's access under it is compared with
 * the live access. What would still differ (access the config cannot say) is part of the proposal, so it promises
 * nothing the round trip through npm run drift would not show.
 */
import { AccessAnalysis } from '../analysis/access-analysis';
import type { AccessChange } from '../analysis/access-diff';
import type { PlannedPolicy } from '../analysis/plan-principals';
import type { ImportsConfig, ProfileKind } from '../config/schema';
import type { ActionCatalog } from '../iam/action-catalog';
import { arns, identityCenterNames } from '../iam/arns';
import type { AccountDump } from '../live/account-dump';
import {
  readLiveEnvironment,
  type LiveEnvironment,
  type LiveGroup,
  type LivePolicy,
  type LiveRole,
} from '../live/live-environment';
import { loadAccessConfigText, type LoadedConfig } from '../model/load-model';
import type { EnvironmentModel } from '../model/types';
import { mergeProposal } from './config-edit';
import { modelDeclarations } from './model-declarations';
import { ProfileMatcher, type GrantShape } from './profile-match';

export interface ProposedProfile {
  readonly name: string;
  readonly kind: ProfileKind;
  readonly description: string;
  /** Custom profiles: `codepipeline:<Action>`. @default - none */
  readonly actions?: readonly string[];
}

export interface ProposedGrant extends GrantShape {
  readonly profile: string;
  readonly policyName: string;
}

export interface ProposedTeam {
  readonly name: string;
  readonly groupName: string;
  readonly grants: readonly ProposedGrant[];
}

export interface ProposedPerson {
  readonly name: string;
  /** Teams in the environment (added to a person the config has already). */
  readonly teams: readonly string[];
  /** Console access: a password live (or not known, without a credential report). */
  readonly console: boolean;
}

export type ImportLists = Required<ImportsConfig>;

export interface AdoptProposal {
  readonly environment: string;
  readonly profiles: readonly ProposedProfile[];
  readonly teams: readonly ProposedTeam[];
  readonly people: readonly ProposedPerson[];
  /** What the environment's `imports` gain. */
  readonly imports: ImportLists;
  /** What is not adopted and why, what to clean up after the first deploy. */
  readonly notes: readonly string[];
  /** Access that would still differ after adopting ('-': live only, '+': the config only), per user. */
  readonly residual: readonly AccessChange[];
  /** The config text with the proposal merged in (what --write writes). */
  readonly mergedConfig: string;
}

/** A team name from a group name: `helprr-backend-developer-group` -> `helprr-backend-developer`. */
function teamNameOf(group: string, taken: ReadonlySet<string>): string {
  const base =
    group
      .replace(/[-_.]?group$/i, '')
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 100) || 'team';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

const describeSource = (p: LivePolicy) =>
  `${p.source.kind} policy ${p.source.name}${p.source.kind === 'inline' ? ` of ${p.source.holder}` : ''}`;

/** The default description resolve.ts gives a grant's policy when its profile has none. */
const defaultDescription = (kind: ProfileKind, team: string) =>
  `CodePipeline ${kind} access for team ${team} (codepipeline-access)`;

/** Import lists with nothing in them yet. */
const noImports = (): ImportLists => ({
  groups: [],
  policies: [],
  groupPolicyAttachments: [],
  roles: [],
  rolePolicyAttachments: [],
  users: [],
  loginProfiles: [],
  groupMemberships: [],
  passwordPolicy: false,
});

const hasCodePipeline = (allowed: Readonly<Record<string, readonly string[]>>) =>
  Object.values(allowed).some((actions) => actions.some((a) => !a.includes(':')));

/**
 * Everything the environment's stack creates that exists live, by the names `imports` takes, less what the config
 * lists already; the notes say what exists but cannot be taken over as it is.
 */
function importsOf(env: EnvironmentModel, live: LiveEnvironment, notes: string[]): ImportLists {
  const already = env.imports;
  const policyArn = (name: string) => arns.iamPolicy(env, name);
  const groups = new Map(live.groups.map((g) => [g.name, g]));
  const users = new Map(live.users.map((u) => [u.name, u]));
  const lists: ImportLists = {
    ...noImports(),
    passwordPolicy: live.dump.passwordPolicy !== undefined && already.passwordPolicy === undefined,
  };
  const add = (list: Exclude<keyof ImportLists, 'passwordPolicy'>, name: string, known: object) => {
    if (!(name in known) && !lists[list].includes(name)) lists[list].push(name);
  };
  /** A group or role the stack creates at "/": taken over where it exists there, with its policies and attachments. */
  const takeOver = (
    kind: 'group' | 'role',
    planned: { readonly name: string; readonly policies: readonly { readonly name: string }[] },
    found: LiveGroup | LiveRole | undefined,
  ) => {
    const [list, attachments] =
      kind === 'group'
        ? (['groups', 'groupPolicyAttachments'] as const)
        : (['roles', 'rolePolicyAttachments'] as const);
    if (found?.path === '/') add(list, planned.name, already[list]);
    else if (found)
      notes.push(`${kind} ${planned.name} exists at path ${found.path}; the stack creates it at /: not taken over`);
    for (const policy of planned.policies) {
      const arn = policyArn(policy.name);
      if (live.dump.policies.has(arn)) add('policies', policy.name, already.policies);
      if (found?.policies.some((p) => p.source.arn === arn))
        add(attachments, `${planned.name}/${policy.name}`, already[attachments]);
    }
  };
  for (const group of env.groups) takeOver('group', group, groups.get(group.name));
  const roles = new Map(live.roles.map((r) => [r.name, r]));
  for (const role of env.roles) takeOver('role', role, roles.get(role.name));
  for (const user of env.users) {
    const found = users.get(user.name);
    if (!found) continue;
    add('users', user.name, already.users);
    add('groupMemberships', user.name, already.groupMemberships);
    if (user.console && found.loginProfile === true) add('loginProfiles', user.name, already.loginProfiles);
    if (user.console && found.loginProfile === undefined)
      notes.push(
        `user ${user.name}: the dump has no credential report, so whether it has a console password is not known; add aws iam get-credential-report output, or list it under imports.loginProfiles if it has one`,
      );
  }
  for (const list of Object.values(lists)) if (Array.isArray(list)) list.sort();
  return lists;
}

export async function proposeAdoption(
  loaded: LoadedConfig,
  configText: string,
  environment: string,
  dump: AccountDump,
  catalog: ActionCatalog,
): Promise<AdoptProposal> {
  const { config } = loaded;
  const envIndex = config.environments.findIndex((e) => e.name === environment);
  const envConfig = config.environments[envIndex];
  const envModel = loaded.model.environments[envIndex];
  const live = readLiveEnvironment(dump, modelDeclarations(envModel));
  const matcher = new ProfileMatcher(new AccessAnalysis([live]), live, envConfig, catalog);
  const notes: string[] = [];
  const managedGroups = new Set(envModel.groups.map((g) => g.name));
  const teamOfGroup = new Map(
    config.teams.map((t) => [t.groupName ?? t.name, t.name] as const).filter(([group]) => managedGroups.has(group)),
  );
  const customerPolicies = new Set(
    [...dump.policies.values()].filter((p) => !p.arn.includes('::aws:')).map((p) => p.name),
  );

  const profiles: ProposedProfile[] = [];
  const teams: ProposedTeam[] = [];
  const takenTeams = new Set(config.teams.map((t) => t.name));
  // Policy names are one per account: the roles' policies are taken as much as the groups'.
  const takenPolicies = new Set(
    [...envModel.groups, ...envModel.roles].flatMap((holder) => holder.policies.map((p) => p.name)),
  );
  const profileFor = (kind: ProfileKind, team: string, description: string, actions?: readonly string[]) => {
    const known = [...config.profiles, ...profiles];
    const existing = known.find(
      (p) => p.kind === kind && kind !== 'custom' && (p.description ?? defaultDescription(kind, team)) === description,
    );
    if (existing) return existing.name;
    let name = `${team}-${kind}`;
    for (let i = 2; known.some((p) => p.name === name); i++) name = `${team}-${kind}-${i}`;
    profiles.push({ name, kind, description, ...(actions ? { actions } : {}) });
    return name;
  };

  const adoptGroup = async (group: LiveGroup) => {
    const matched: { policy: LivePolicy; grant: GrantShape; differs: boolean; leftOut: readonly string[] }[] = [];
    for (const policy of group.policies) {
      const match = await matcher.match(policy);
      if (match) matched.push({ policy, ...match, differs: match.differences.length > 0 });
    }
    if (matched.length === 0) return;
    const team = teamNameOf(group.name, takenTeams);
    takenTeams.add(team);
    const grants: ProposedGrant[] = [];
    for (const { policy, grant, differs, leftOut } of matched) {
      const { kind, name } = policy.source;
      const description =
        kind === 'customer managed'
          ? (dump.policies.get(policy.source.arn ?? '')?.description ?? '')
          : defaultDescription(grant.kind, team);
      // A customer managed policy keeps its name (it is taken over); an inline one gives its name to a new policy.
      let policyName = kind === 'inline' && customerPolicies.has(name) ? `${team}-${name}` : name;
      if (kind === 'AWS managed' || takenPolicies.has(policyName)) policyName = `${team}-${grant.kind}`;
      takenPolicies.add(policyName);
      grants.push({ ...grant, profile: profileFor(grant.kind, team, description, grant.actions), policyName });
      if (kind !== 'customer managed')
        notes.push(
          `${describeSource(policy)}: the config gives its access as policy ${policyName} of team ${team}; after the first deploy, ${kind === 'inline' ? 'delete the inline policy' : `detach ${name} from group ${group.name}`}`,
        );
      if (differs)
        notes.push(
          `${describeSource(policy)}: no profile kind gives exactly its access; proposed as ${grant.kind === 'custom' ? 'a custom profile' : grant.kind} (what still differs is listed as residual)`,
        );
      if (leftOut.length > 0)
        notes.push(
          `${describeSource(policy)}: ${leftOut.join(', ')} left out: they need a webhook or action type the environment does not declare`,
        );
    }
    for (const policy of group.policies.filter((p) => !matched.some((m) => m.policy === p)))
      notes.push(`${describeSource(policy)} of group ${group.name} gives nothing in CodePipeline: left as it is`);
    teams.push({ name: team, groupName: group.name, grants });
    teamOfGroup.set(group.name, team);
  };
  for (const group of live.groups) if (!managedGroups.has(group.name)) await adoptGroup(group);

  const people: ProposedPerson[] = [];
  for (const user of live.users) {
    const teamsOfUser = user.groups.flatMap((g) => teamOfGroup.get(g) ?? []);
    const person = config.people.find((p) => p.name === user.name);
    const added = teamsOfUser.filter((t) => !(person?.memberships[environment] ?? []).includes(t));
    if (added.length > 0)
      people.push({
        name: user.name,
        teams: added,
        console: person ? person.console.enabled : user.loginProfile !== false,
      });
    else if (!person && hasCodePipeline((await matcher.accessOf(user.directPolicies)).allowed))
      notes.push(
        `user ${user.name}: CodePipeline access through policies attached to the user alone (${user.directPolicies.map(describeSource).join(', ')}): the project grants through teams; give the user a team`,
      );
    if (person || added.length > 0)
      for (const policy of user.directPolicies)
        notes.push(
          `${describeSource(policy)} attached to user ${user.name}: the project attaches nothing to users; ${policy.source.name === 'IAMUserChangePassword' ? 'the self-service group gives the same: detach it after the first deploy' : 'left as it is'}`,
        );
  }
  const serviceRoles = new Set(live.pipelines.flatMap((p) => p.service_roles ?? []));
  const assignedSets = new Set(
    (loaded.model.identityCenter?.assignments ?? [])
      .filter((a) => a.environment === environment)
      .map((a) => a.permissionSet),
  );
  for (const role of live.roles) {
    if (envModel.roles.some((r) => r.name === role.name) || serviceRoles.has(role.arn)) continue;
    const provisioned = identityCenterNames.provisioned(role.arn);
    if (provisioned && assignedSets.has(provisioned.permissionSet)) continue; // the config's, through Identity Center
    if (!hasCodePipeline((await matcher.accessOf(role.policies)).allowed)) continue;
    if (provisioned)
      notes.push(
        `role ${role.name} is IAM Identity Center's, provisioned for permission set ${provisioned.permissionSet}, and can do things in CodePipeline: it cannot be declared or imported as a role; deliver its team through Identity Center (delivery: identity-center) to manage that access`,
      );
    else if (role.path.startsWith('/aws-service-role/'))
      notes.push(`role ${role.name} is a service-linked role (${role.path}): AWS manages it; left as it is`);
    else
      notes.push(
        `role ${role.name} can do things in CodePipeline and the config does not declare it; roles are not proposed: declare it under the environment's crossAccountRoles (or as a team's role), and adopt then imports it`,
      );
  }

  // The entries merged, then the imports of everything the merged config creates that exists live.
  const entries = { environment, profiles, teams, people, notes: [], residual: [], mergedConfig: '' };
  const withEntries = await loadAccessConfigText(
    loaded.file,
    mergeProposal(loaded.file, configText, { ...entries, imports: noImports() }),
  );
  const imports = importsOf(withEntries.model.environments[envIndex], live, notes);
  const mergedConfig = mergeProposal(loaded.file, configText, { ...entries, imports });
  const adopted = await loadAccessConfigText(loaded.file, mergedConfig);
  const residual = await residualAccess(adopted.model.environments[envIndex], live, matcher);
  return { environment, profiles, teams, people, imports, notes: [...new Set(notes)].sort(), residual, mergedConfig };
}

/** Per user the merged config creates: its live access against the access the config gives it. */
async function residualAccess(
  env: EnvironmentModel,
  live: LiveEnvironment,
  matcher: ProfileMatcher,
): Promise<AccessChange[]> {
  const groups = new Map(env.groups.map((g) => [g.name, g]));
  const residual: AccessChange[] = [];
  for (const user of env.users) {
    const liveUser = live.users.find((u) => u.name === user.name);
    if (!liveUser) continue;
    const policies: PlannedPolicy[] = user.groups.flatMap((g) =>
      (groups.get(g)?.policies ?? []).map((p) => ({
        name: p.name,
        address: `aws_iam_policy.${p.name}`,
        document: JSON.parse(p.json),
        text: p.json,
      })),
    );
    const changes = await matcher.differences(await matcher.accessOf(liveUser.policies), policies);
    residual.push(...changes.map((c) => ({ ...c, principal: `user/${user.name}` })));
  }
  return residual;
}
