/**
 * The Terraform CLI config this project owns. With a provider mirror (TF_PROVIDER_MIRROR, or the machine
 * image's /opt/tf-plugins when present) the AWS provider comes from it and never from the network;
 * without one, from the public registry through a plugin cache.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const IMAGE_PROVIDER_MIRROR = '/opt/tf-plugins';

export interface ProviderSource {
  /** The mirror directory, or undefined for the public registry. */
  readonly mirror?: string;
  /** Set when TF_PROVIDER_MIRROR names a directory that does not exist. */
  readonly problem?: string;
}

export function providerSourceFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const configured = env.TF_PROVIDER_MIRROR;
  if (configured !== undefined && configured !== '') {
    return existsSync(configured)
      ? { mirror: configured }
      : {
          problem: `TF_PROVIDER_MIRROR is "${configured}", which does not exist; set it to a provider mirror directory or unset it`,
        };
  }
  return existsSync(IMAGE_PROVIDER_MIRROR) ? { mirror: IMAGE_PROVIDER_MIRROR } : {};
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

/** Writes `<cacheDir>/terraform.rc` and returns its path. */
export function writeCliConfig(source: ProviderSource, cacheDir: string): string {
  const pluginCacheDir = join(cacheDir, 'plugin-cache');
  mkdirSync(pluginCacheDir, { recursive: true });
  const file = join(cacheDir, 'terraform.rc');
  writeFileSync(file, cliConfigText(source, pluginCacheDir));
  return file;
}
