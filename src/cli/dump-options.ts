/**
 * The flags `npm run drift` and `npm run adopt` share: which environment an account dump is of, and where the dump
 * is (README "The account dump"), both required.
 */
import type { OptionSpec } from './command-line';

export const DUMP_OPTIONS = {
  env: { type: 'string', value: '<environment>', help: 'the environment (AWS account) the dump is of; required' },
  from: {
    type: 'string',
    value: '<file or dir>',
    help: 'the dump: a file, or a directory whose *.json files are read (pages concatenated in any order); required',
  },
} as const satisfies Record<string, OptionSpec>;

/** The problems of the shared flags: each missing one, as a usage problem. */
export function dumpOptionProblems(values: { readonly env?: string; readonly from?: string }): string[] {
  return [
    ...(values.env ? [] : ['--env <environment> is required: the environment the dump is of']),
    ...(values.from ? [] : ['--from <file or dir> is required: the account dump (see the README for the commands)']),
  ];
}
