import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { BackendConfig } from '../config/schema';

/** Where the environment's state lives: local file (default), S3, or a Terraform Cloud workspace. */
export function configureBackend(stack: TerraformStack, environmentName: string, backend: BackendConfig): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: backend.path ?? `terraform.${environmentName}.tfstate` });
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
