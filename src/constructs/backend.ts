import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { BackendConfig } from '../config/schema';

/**
 * Where local state lives by default: `state/<environment>.tfstate` in the project root (the directory `npm` and
 * `cdktf` run in). Never inside cdktf.out/: every synth replaces that directory whole, and the state went with it.
 */
export const LOCAL_STATE_DIR = 'state';

/** The absolute path of an environment's local state file: the configured path or the default, from the project root. */
export function localStateFile(
  projectRoot: string,
  environmentName: string,
  configuredPath: string | undefined,
): string {
  return resolve(projectRoot, configuredPath ?? join(LOCAL_STATE_DIR, `${environmentName}.tfstate`));
}

/**
 * The local backend's `path` as Terraform reads it: relative to the stack's directory `<outdir>/stacks/<env>`, where
 * cdktf runs Terraform. Relative, so the synthesized JSON is the same on every machine and checkout (with the
 * default outdir: `../../../state/<env>.tfstate`); an absolute configured path stays as it is.
 */
export function localStatePath(
  stack: TerraformStack,
  projectRoot: string,
  configuredPath: string | undefined,
  /** The output directory the stack is deployed from. @default the app's outdir */
  deployedFrom: string = App.of(stack).outdir,
): string {
  if (configuredPath !== undefined && isAbsolute(configuredPath)) return configuredPath;
  const stackDir = resolve(deployedFrom, 'stacks', stack.node.id);
  return relative(stackDir, localStateFile(projectRoot, stack.node.id, configuredPath))
    .split(sep)
    .join('/');
}

/**
 * Where the environment's state lives: a local file (default, under `projectRoot`), S3, or a Terraform Cloud
 * workspace.
 */
export function configureBackend(
  stack: TerraformStack,
  environmentName: string,
  backend: BackendConfig,
  projectRoot: string,
  /** The output directory the stack is deployed from. @default the app's outdir */
  deployedFrom?: string,
): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: localStatePath(stack, projectRoot, backend.path, deployedFrom) });
      return;
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.key ?? `codepipeline-access/${environmentName}.tfstate`,
        region: backend.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
        assumeRole: backend.roleArn === undefined ? undefined : { roleArn: backend.roleArn },
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21 predates the option, hence the override.
      if (backend.dynamodbTable === undefined) s3.addOverride('use_lockfile', true);
      return;
    }
    case 'cloud':
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace),
        hostname: backend.hostname,
      });
      return;
  }
}
