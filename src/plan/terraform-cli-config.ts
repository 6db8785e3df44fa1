/**
 * The Terraform CLI config this project owns. With a provider mirror (TF_PROVIDER_MIRROR, or the machine
 * image's /opt/tf-plugins when present) the AWS provider comes from it and never from the network;
 * without one, from the public registry through a plugin cache.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileWhole } from '../synth/whole-file';
import type { WriteTransaction } from '../synth/write-transaction';

export const IMAGE_PROVIDER_MIRROR = '/opt/tf-plugins';

export interface ProviderSource {
  /** The mirror directory. @default - the public registry */
  readonly mirror?: string;
}

/** TF_PROVIDER_MIRROR, else the image's mirror when present; a problem when the variable names no directory. */
export function providerSourceFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { readonly source: ProviderSource } | { readonly problem: string } {
  const configured = env.TF_PROVIDER_MIRROR;
  if (configured === undefined || configured === '')
    return { source: existsSync(IMAGE_PROVIDER_MIRROR) ? { mirror: IMAGE_PROVIDER_MIRROR } : {} };
  const stat = statSync(configured, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return { source: { mirror: resolve(configured) } };
  return {
    problem: `TF_PROVIDER_MIRROR: must be a provider mirror directory, or unset for ${existsSync(IMAGE_PROVIDER_MIRROR) ? IMAGE_PROVIDER_MIRROR : 'the public registry'}; got "${configured}", which ${stat ? 'is not a directory' : 'does not exist'}`,
  };
}

export function cliConfigText(source: ProviderSource, pluginCacheDir: string): string {
  if (source.mirror === undefined) {
    return `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}\n\nprovider_installation {\n  direct {}\n}\n`;
  }
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(source.mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

const pluginCacheOf = (cacheDir: string) => join(resolve(cacheDir), 'plugin-cache');
const cliConfigFileOf = (cacheDir: string) => join(resolve(cacheDir), 'terraform.rc');

/** Writes `<cacheDir>/terraform.rc` (whole: temp file and rename) and returns its path. */
export function writeCliConfig(source: ProviderSource, cacheDir: string): string {
  if (source.mirror === undefined) mkdirSync(pluginCacheOf(cacheDir), { recursive: true });
  mkdirSync(resolve(cacheDir), { recursive: true });
  const file = cliConfigFileOf(cacheDir);
  writeFileWhole(file, cliConfigText(source, pluginCacheOf(cacheDir)));
  return file;
}

/**
 * The CLI config of a plan run, written into `<cacheDir>/terraform.rc` when `tx` commits. Returns the file
 * Terraform reads until then, and its text (sandboxes key their `terraform init` on it).
 */
export function stageCliConfig(
  source: ProviderSource,
  cacheDir: string,
  tx: WriteTransaction,
): { readonly file: string; readonly text: string } {
  // Providers downloaded into the plugin cache stay there even when the run fails: it is Terraform's own
  // download cache, shared by concurrent runs, and only exists without a mirror.
  if (source.mirror === undefined) tx.ensureDirectory(pluginCacheOf(cacheDir));
  const text = cliConfigText(source, pluginCacheOf(cacheDir));
  return { file: tx.stageFile(cliConfigFileOf(cacheDir), text), text };
}
