/**
 * An adoption proposal merged into the user's config, the rest of the file kept byte for byte: the new entries are
 * spliced in as text where `yaml`'s parsed document says the lists and maps end (new profiles, teams and people
 * after the last of theirs, the environment's `imports` after its last key), so every comment, quote and layout the
 * user wrote stays as it was. The spliced text is then held to the same merge made through `yaml`'s Document API
 * (which keeps comments, but re-renders the file): both must give the same data, or the Document API's text is
 * used. A JSON config stays JSON.
 *
 * What is merged: new profiles and teams appended; a person already in the config gets the environment's
 * memberships, a new one is appended; the environment's `imports` lists get the new names (sorted, each once).
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { loadYamlData } from '../config/source';
import type { AdoptProposal } from './proposal';

type Plain = Record<string, unknown>;

/** The entries the proposal adds, as config data (what the proposal file shows and the merge writes). */
export function proposalFragment(proposal: AdoptProposal): Plain {
  const fragment: Plain = {};
  if (proposal.profiles.length > 0) fragment.profiles = proposal.profiles.map((p) => ({ ...p }));
  if (proposal.teams.length > 0)
    fragment.teams = proposal.teams.map((t) => ({
      name: t.name,
      ...(t.groupName !== t.name ? { groupName: t.groupName } : {}),
      grants: t.grants.map((g) => ({
        profile: g.profile,
        pipelines: g.pipelines === 'all' ? 'all' : [...g.pipelines],
        ...(g.approvalActions ? { approvalActions: [...g.approvalActions] } : {}),
        policyName: g.policyName,
      })),
    }));
  if (proposal.people.length > 0)
    fragment.people = proposal.people.map((p) => ({
      name: p.name,
      ...(p.console ? {} : { console: { enabled: false } }),
      memberships: { [proposal.environment]: [...p.teams] },
    }));
  const imports = Object.fromEntries(
    Object.entries(proposal.imports).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v === true)),
  );
  if (Object.keys(imports).length > 0) fragment.environments = [{ name: proposal.environment, imports }];
  return fragment;
}

const MARK = ' adopted from the account by npm run adopt';

/** Names of a sequence node (`[a, b]` or a block list). */
function namesOf(node: unknown): string[] {
  return isSeq(node) ? node.items.map((i) => String(isScalar(i) ? i.value : i)) : [];
}

function named(seq: unknown, name: string): YAMLMap | undefined {
  return isSeq(seq) ? seq.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name) : undefined;
}

/** The people's memberships and the imports after the merge, as data (both merges write these). */
function mergedParts(doc: Document, proposal: AdoptProposal) {
  const memberships = new Map<string, Record<string, string[]>>();
  for (const person of proposal.people) {
    const existing = named(doc.get('people', true), person.name);
    if (!existing) continue;
    const current = existing.get('memberships', true);
    const all: Record<string, string[]> = {};
    if (isMap(current))
      for (const pair of current.items)
        all[String(isScalar(pair.key) ? pair.key.value : pair.key)] = namesOf(pair.value);
    all[proposal.environment] = [...new Set([...(all[proposal.environment] ?? []), ...person.teams])];
    memberships.set(person.name, all);
  }
  const env = named(doc.get('environments', true), proposal.environment);
  const current = env?.get('imports', true);
  const imports: Record<string, string[] | boolean> = {};
  if (isMap(current))
    for (const pair of current.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      imports[key] = isScalar(pair.value) ? Boolean(pair.value.value) : namesOf(pair.value);
    }
  for (const [key, value] of Object.entries(proposal.imports)) {
    if (value === true) imports[key] = true;
    else if (Array.isArray(value) && value.length > 0)
      imports[key] = [...new Set([...((imports[key] as string[] | undefined) ?? []), ...value])].sort();
  }
  return { memberships, imports, env };
}

/** The reference merge through the Document API: comments kept, the file re-rendered. */
function mergeWithDocument(text: string, proposal: AdoptProposal): string {
  const doc = parseDocument(text);
  const fragment = proposalFragment(proposal);
  const { memberships, imports, env } = mergedParts(doc, proposal);
  const seqAt = (key: string): YAMLSeq => {
    const found = doc.get(key, true);
    if (isSeq(found)) return found;
    const seq = new YAMLSeq();
    doc.set(key, seq);
    return seq;
  };
  for (const key of ['profiles', 'teams'])
    for (const entry of (fragment[key] as unknown[] | undefined) ?? []) seqAt(key).items.push(doc.createNode(entry));
  for (const entry of (fragment.people as Plain[] | undefined) ?? []) {
    const existing = named(doc.get('people', true), String(entry.name));
    if (existing) existing.set('memberships', doc.createNode(memberships.get(String(entry.name))));
    else seqAt('people').items.push(doc.createNode(entry));
  }
  if (env && Object.keys(imports).length > 0) env.set('imports', doc.createNode(imports));
  return doc.toString({ lineWidth: 0 });
}

/**
 * A scalar as the config's style writes it: plain when that reads back as the same string (in a flow collection, no
 * commas or brackets either), else single-quoted.
 */
function scalar(value: unknown, inFlow = false): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    /^[A-Za-z_][^:#\n"'{}[\]&*!|>%@`]*$/.test(value) &&
    !/\s$/.test(value) &&
    !(inFlow && /[,[\]{}]/.test(value)) &&
    !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : `'${value.replace(/'/g, "''")}'`;
}

const isScalarList = (v: unknown): v is unknown[] => Array.isArray(v) && v.every((i) => typeof i !== 'object');
const isFlat = (v: unknown): v is Plain =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((i) => typeof i !== 'object' || isScalarList(i));

/** One value in flow style: `[a, b]`, `{ prod: [a] }`. */
function flow(value: unknown): string {
  if (isScalarList(value)) return `[${value.map((v) => scalar(v, true)).join(', ')}]`;
  if (isFlat(value))
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${scalar(k, true)}: ${flow(v)}`)
      .join(', ')} }`;
  return scalar(value, true);
}

/** Block YAML of a map at `indent` columns: short lists and flat maps in flow style, as the example config has. */
function block(map: Plain, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return Object.entries(map).flatMap(([key, value]) => {
    const simple = typeof value !== 'object' || value === null;
    const line = `${pad}${scalar(key)}: ${simple ? scalar(value) : flow(value)}`;
    if (simple || ((isScalarList(value) || isFlat(value)) && line.length <= FLOW_WIDTH)) return [line];
    if (isScalarList(value)) return [`${pad}${scalar(key)}:`, ...value.map((v) => `${pad}  - ${scalar(v)}`)];
    if (Array.isArray(value)) return [`${pad}${scalar(key)}:`, ...items(value as Plain[], indent + 2)];
    return [`${pad}${scalar(key)}:`, ...block(value as Plain, indent + 2)];
  });
}

/** Lines longer than this are written as blocks (the project's Prettier width is 120). */
const FLOW_WIDTH = 100;

/** Config data as the config's own style writes it (the proposal file). */
export function renderConfigData(data: Plain): string {
  return `${block(data, 0).join('\n')}\n`;
}

/** List items (maps) at `indent`: `- first: ...`, the other keys under it. */
function items(list: readonly Plain[], indent: number): string[] {
  return list.flatMap((entry) => {
    const [first, ...rest] = block(entry, indent + 2);
    return [`${' '.repeat(indent)}- ${first.trimStart()}`, ...rest];
  });
}

const column = (text: string, offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);

interface Edit {
  readonly at: number;
  /** Replaced up to here. @default - nothing is replaced */
  readonly end?: number;
  readonly text: string;
}

/** The merge as text edits of the user's file; undefined where the file's shape asks for the Document API. */
function spliceEdits(text: string, proposal: AdoptProposal): Edit[] | undefined {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return undefined;
  const fragment = proposalFragment(proposal);
  const { memberships, imports, env } = mergedParts(doc, proposal);
  const edits: Edit[] = [];
  const documentEnd = text.endsWith('\n') ? text.length : -1;
  if (documentEnd < 0) return undefined;
  const appendItems = (key: string, entries: readonly Plain[]) => {
    if (entries.length === 0) return true;
    const seq = doc.get(key, true) as Node | undefined;
    if (seq === undefined) {
      edits.push({ at: documentEnd, text: [`${key}:`, `  #${MARK}`, ...items(entries, 2)].join('\n') + '\n' });
      return true;
    }
    if (!isSeq(seq) || seq.flow || !seq.range || seq.items.length === 0) return false;
    const indent = column(text, seq.range[0]);
    edits.push({
      at: seq.range[1],
      text: [`${' '.repeat(indent)}#${MARK}`, ...items(entries, indent)].join('\n') + '\n',
    });
    return true;
  };
  const newPeople = ((fragment.people as Plain[] | undefined) ?? []).filter(
    (p) => !named(doc.get('people', true), String(p.name)),
  );
  if (
    !appendItems('profiles', (fragment.profiles as Plain[] | undefined) ?? []) ||
    !appendItems('teams', (fragment.teams as Plain[] | undefined) ?? []) ||
    !appendItems('people', newPeople)
  )
    return undefined;
  for (const [name, all] of memberships) {
    const value = named(doc.get('people', true), name)?.get('memberships', true) as Node | undefined;
    if (!value?.range) return undefined;
    edits.push({
      at: value.range[0],
      end: value.range[1],
      text: flow(all) + (isMap(value) && !value.flow ? '\n' : ''),
    });
  }
  if (env && Object.keys(imports).length > 0) {
    if (!env.range || env.flow) return undefined;
    const existing = env.items.find((pair) => isScalar(pair.key) && pair.key.value === 'imports');
    const keyColumn = column(text, (env.items[0].key as Node).range?.[0] ?? env.range[0]);
    const rendered = [
      `${' '.repeat(keyColumn)}imports:`,
      `${' '.repeat(keyColumn + 2)}#${MARK}`,
      ...block(imports, keyColumn + 2),
    ];
    if (existing) {
      const start = (existing.key as Node).range?.[0];
      const end = (existing.value as Node | null)?.range?.[1];
      if (start === undefined || end === undefined) return undefined;
      edits.push({ at: start - keyColumn, end, text: `${rendered.join('\n')}\n` });
    } else edits.push({ at: env.range[1], text: `${rendered.join('\n')}\n` });
  }
  return edits;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  // From the end of the file back, so offsets stay true; edits at one place in the order given.
  const ordered = edits.map((edit, i) => ({ edit, i })).sort((a, b) => b.edit.at - a.edit.at || b.i - a.i);
  for (const { edit } of ordered) out = out.slice(0, edit.at) + edit.text + out.slice(edit.end ?? edit.at);
  return out;
}

/** The config text with the proposal merged in (JSON for a `.json` config, YAML with its comments otherwise). */
export function mergeProposal(file: string, text: string, proposal: AdoptProposal): string {
  const reference = mergeWithDocument(text, proposal);
  if (file.endsWith('.json')) return `${JSON.stringify(parseDocument(reference).toJS(), null, 2)}\n`;
  const edits = spliceEdits(text, proposal);
  if (!edits) return reference;
  const spliced = applyEdits(text, edits);
  try {
    if (isDeepStrictEqual(loadYamlData(spliced), loadYamlData(reference))) return spliced;
  } catch {
    // the spliced text does not parse: the reference merge it is
  }
  return reference;
}
