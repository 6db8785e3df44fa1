/**
 * The guardrail files an environment names (`guardrails:` in the config), read and checked: service and resource
 * control policies as `aws organizations describe-policy --policy-id p-... --output json` prints them (or plain
 * policy documents, named after the file), and the permissions boundary's document (plain, or
 * `aws iam get-policy-version` output). Paths are relative to the config file's directory. Each bad file is one
 * problem located at its config entry, naming the file and what is wrong; every file is read, so all problems show
 * at once. The loader calls `readGuardrailFiles` beside the other checks and hands the result to resolution.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { partitionOf } from '../iam/arns';
import { problem, type ConfigPath, type ConfigProblem } from './problems';
import { duplicates, type PartialConfig } from './references';
import type { EnvironmentConfig } from './schema';

/** A policy document as the organisation wrote it (any IAM policy grammar: NotAction, NotResource, ...). */
export type GuardrailDocument = Readonly<Record<string, unknown>>;

export interface GuardrailPolicy {
  /** PolicySummary.Name of an Organizations policy; a plain document's file name without its extension. */
  readonly name: string;
  readonly document: GuardrailDocument;
  /** The document as one line of JSON: what the plan output carries. */
  readonly json: string;
  /** The file as the config names it. */
  readonly file: string;
  readonly origin: ConfigPath;
}

export interface PermissionsBoundaryPolicy extends GuardrailPolicy {
  /** The IAM policy ARN set as `permissions_boundary` on every user and role of the stack. */
  readonly arn: string;
}

export interface EnvironmentGuardrails {
  /** In effect for the principals of the account, all treated as one level of the organisation. */
  readonly serviceControlPolicies: readonly GuardrailPolicy[];
  /** In effect for the resources of the account, one level as well. */
  readonly resourceControlPolicies: readonly GuardrailPolicy[];
  /** @default - no boundary: users and roles are created without one */
  readonly permissionsBoundary?: PermissionsBoundaryPolicy;
}

export const NO_GUARDRAILS: EnvironmentGuardrails = { serviceControlPolicies: [], resourceControlPolicies: [] };

export interface GuardrailFiles {
  /** By environment name; an environment without `guardrails:` is absent. */
  readonly byEnvironment: ReadonlyMap<string, EnvironmentGuardrails>;
  readonly problems: readonly ConfigProblem[];
}

const ORGANIZATIONS_TYPES = {
  serviceControlPolicies: 'SERVICE_CONTROL_POLICY',
  resourceControlPolicies: 'RESOURCE_CONTROL_POLICY',
} as const;
type ControlPolicyList = keyof typeof ORGANIZATIONS_TYPES;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Why `value` is not an IAM policy document, or undefined when it is one with at least one statement. */
export function policyDocumentProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'a policy document must be a JSON object with Version and Statement';
  if (!('Statement' in value)) return 'a policy document needs a Statement (a statement or a list of them)';
  const statements: unknown[] = Array.isArray(value.Statement) ? value.Statement : [value.Statement];
  if (statements.length === 0) return 'the policy document has no statements';
  for (const [i, statement] of statements.entries()) {
    if (!isObject(statement)) return `Statement[${i}] must be an object`;
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      return `Statement[${i}].Effect must be "Allow" or "Deny"; got ${JSON.stringify(statement.Effect)}`;
    if (!('Action' in statement) && !('NotAction' in statement))
      return `Statement[${i}] needs an Action or a NotAction`;
  }
  return undefined;
}

type Parsed = { readonly name: string; readonly document: GuardrailDocument } | { readonly why: string };

function parseJson(text: string): { value: unknown } | { why: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { why: (error as Error).message };
  }
}

function asDocument(value: unknown, name: string, what: string): Parsed {
  const why = policyDocumentProblem(value);
  return why === undefined ? { name, document: value as GuardrailDocument } : { why: `${what}: ${why}` };
}

/** `aws organizations describe-policy` output of the expected type, or a plain policy document. */
function controlPolicy(data: unknown, list: ControlPolicyList, fileName: string): Parsed {
  if (!isObject(data)) return { why: 'must be a JSON object' };
  if (!('Policy' in data)) return asDocument(data, fileName, 'not a policy document');
  const policy = data.Policy;
  const summary = isObject(policy) ? policy.PolicySummary : undefined;
  if (!isObject(policy) || !isObject(summary))
    return {
      why: 'Policy.PolicySummary is missing: give the output of aws organizations describe-policy --output json',
    };
  const expected = ORGANIZATIONS_TYPES[list];
  if (summary.Type !== expected) {
    const other = (Object.keys(ORGANIZATIONS_TYPES) as ControlPolicyList[]).find(
      (key) => ORGANIZATIONS_TYPES[key] === summary.Type,
    );
    const where = other ? `; list it under ${other}` : '';
    return { why: `PolicySummary.Type is ${JSON.stringify(summary.Type)}, but ${list} takes ${expected}${where}` };
  }
  if (typeof summary.Name !== 'string' || summary.Name === '') return { why: 'PolicySummary.Name is missing' };
  if (typeof policy.Content !== 'string') return { why: 'Policy.Content must be the policy document as a JSON string' };
  const content = parseJson(policy.Content);
  if ('why' in content) return { why: `Policy.Content is not JSON: ${content.why}` };
  return asDocument(content.value, summary.Name, 'Policy.Content is not a policy document');
}

/** A plain policy document, or `aws iam get-policy-version` output (Document as JSON, or URL-encoded as IAM keeps it). */
function boundaryPolicy(data: unknown, name: string): Parsed {
  if (!isObject(data)) return { why: 'must be a JSON object' };
  if ('Policy' in data)
    return {
      why: 'this is an AWS Organizations policy; a permissions boundary is an IAM managed policy: give its document or aws iam get-policy-version output',
    };
  if (!('PolicyVersion' in data)) return asDocument(data, name, 'not a policy document');
  const document = isObject(data.PolicyVersion) ? data.PolicyVersion.Document : undefined;
  if (typeof document === 'string') {
    let text = document;
    try {
      text = decodeURIComponent(document);
    } catch {
      // Not URL-encoded: read as it is.
    }
    const parsed = parseJson(text);
    if ('why' in parsed) return { why: `PolicyVersion.Document is not JSON: ${parsed.why}` };
    return asDocument(parsed.value, name, 'PolicyVersion.Document is not a policy document');
  }
  return asDocument(document, name, 'PolicyVersion.Document is not a policy document');
}

const hasAllow = (document: GuardrailDocument) =>
  (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).some(
    (s) => isObject(s) && s.Effect === 'Allow',
  );

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
};

class GuardrailReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly configDir: string) {}

  /** The file's parsed content, or undefined after recording why it cannot be used. */
  private policy(
    file: string,
    at: ConfigPath,
    what: string,
    parse: (data: unknown, fileName: string) => Parsed,
  ): GuardrailPolicy | undefined {
    const path = resolve(this.configDir, file);
    const shown = isAbsolute(file) ? file : relative(process.cwd(), path) || path;
    const fail = (why: string) => {
      this.problems.push(problem(at, `${what} file ${shown}: ${why}`));
      return undefined;
    };
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      return fail(`cannot read it: ${READ_ERRORS[code] ?? (error as Error).message}`);
    }
    const data = parseJson(text);
    if ('why' in data) return fail(`not valid JSON: ${data.why}`);
    const parsed = parse(data.value, basename(file, extname(file)));
    if ('why' in parsed) return fail(parsed.why);
    return { ...parsed, json: JSON.stringify(parsed.document), file, origin: at };
  }

  environment(env: EnvironmentConfig, e: number): EnvironmentGuardrails | undefined {
    const config = env.guardrails;
    if (!config) return undefined;
    const at = (...rest: (string | number)[]): ConfigPath => ['environments', e, 'guardrails', ...rest];
    const controlPolicies = (list: ControlPolicyList, what: string) => {
      const read = config[list].map((file, i) =>
        this.policy(file, at(list, i), what, (data, fileName) => controlPolicy(data, list, fileName)),
      );
      const policies = read.filter((p): p is GuardrailPolicy => p !== undefined);
      if (policies.length === read.length) {
        // decidedBy names a guardrail by its name, so two of one kind may not share one.
        this.problems.push(
          ...duplicates(
            policies,
            (p) => p.name,
            (i) => at(list, i),
            `${what} name`,
          ),
        );
      }
      return { policies, complete: policies.length === read.length };
    };
    const scps = controlPolicies('serviceControlPolicies', 'SCP');
    const rcps = controlPolicies('resourceControlPolicies', 'RCP');
    if (scps.complete && scps.policies.length > 0 && !scps.policies.some((p) => hasAllow(p.document))) {
      // AWS needs an Allow from the SCPs of every level; the default FullAWSAccess gives it, and describe-policy
      // of a deny-list SCP does not include it. Assuming it would be a guess; an allow-list would be ignored.
      this.problems.push(
        problem(
          at('serviceControlPolicies'),
          'no listed SCP allows anything, so every request would be denied: AWS requires an Allow from the SCPs of the account; add the file of FullAWSAccess (aws organizations describe-policy --policy-id p-FullAWSAccess --output json) or of your allow-list SCPs',
        ),
      );
    }
    let permissionsBoundary: PermissionsBoundaryPolicy | undefined;
    if (config.permissionsBoundary) {
      const { arn, file } = config.permissionsBoundary;
      const account = arn.split(':')[4];
      const partition = arn.split(':')[1];
      if (account !== 'aws' && account !== env.accountId) {
        this.problems.push(
          problem(
            at('permissionsBoundary', 'arn'),
            `a permissions boundary must be a policy of this environment's account ${env.accountId} or an AWS managed policy (arn:aws:iam::aws:policy/...)`,
          ),
        );
      } else if (partition !== partitionOf(env.region)) {
        this.problems.push(
          problem(
            at('permissionsBoundary', 'arn'),
            `the ARN's partition must be the environment's, ${partitionOf(env.region)} (region ${env.region})`,
          ),
        );
      }
      const name = arn.slice(arn.lastIndexOf('/') + 1);
      const policy = this.policy(file, at('permissionsBoundary', 'file'), 'permissions boundary', (data) =>
        boundaryPolicy(data, name),
      );
      if (policy) permissionsBoundary = { ...policy, arn };
    }
    return { serviceControlPolicies: scps.policies, resourceControlPolicies: rcps.policies, permissionsBoundary };
  }
}

/** Reads every guardrail file of every environment that passed the schema; `configDir` anchors relative paths. */
export function readGuardrailFiles(config: PartialConfig, configDir: string): GuardrailFiles {
  const reader = new GuardrailReader(configDir);
  const byEnvironment = new Map<string, EnvironmentGuardrails>();
  (config.environments ?? []).forEach((env, e) => {
    const guardrails = reader.environment(env, e);
    if (guardrails) byEnvironment.set(env.name, guardrails);
  });
  return { byEnvironment, problems: reader.problems };
}
