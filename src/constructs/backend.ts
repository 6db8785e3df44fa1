import { isAbsolute, posix } from 'node:path';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { BackendConfig } from '../config/schema';

/**
 * Where local state lives by default: `state/<environment>.tfstate` in the project root, beside cdktf.out/. Never
 * inside cdktf.out/: every synth replaces that directory whole, and the state went with it.
 */
export const LOCAL_STATE_DIR = 'state';

/**
 * The local backend's `path` as Terraform reads it: relative to the stack's directory `<outdir>/stacks/<env>`, where
 * cdktf runs Terraform, and pointing at a file relative to the project root, the directory holding the output
 * directory (where `npm` and `cdktf` run). Relative, so the synthesized JSON is the same on every machine, checkout
 * and output directory; an absolute configured path stays as it is.
 */
export function localStatePath(environmentName: string, configuredPath: string | undefined): string {
  const target = configuredPath ?? posix.join(LOCAL_STATE_DIR, `${environmentName}.tfstate`);
  return isAbsolute(target) ? target : posix.join('..', '..', '..', target.split('\\').join('/'));
}

/** Where the environment's state lives: a local file (default), S3, or a Terraform Cloud workspace. */
export function configureBackend(stack: TerraformStack, environmentName: string, backend: BackendConfig): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: localStatePath(environmentName, backend.path) });
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
