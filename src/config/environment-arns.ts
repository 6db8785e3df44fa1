/**
 * ARNs an environment names must point where they can work: the deployment role into the environment's own
 * account (the provider assumes it to deploy there), a pipeline's service role too (a pipeline can only use a role
 * of its own account, and admins may pass exactly the declared ones), an artifact bucket's KMS key into the bucket's region (S3
 * uses only SSE-KMS keys of its own region; the buckets are in the environment's region), and both into the
 * partition of that region. The schema already checked their form.
 */
import { parseArn, partitionOf } from '../iam/arns';
import { problem, type ConfigPath, type ConfigProblem } from './problems';
import type { PartialConfig } from './references';

export function checkEnvironmentArns({ environments }: PartialConfig): ConfigProblem[] {
  if (!environments) return [];
  const problems: ConfigProblem[] = [];
  environments.forEach((env, e) => {
    const partition = partitionOf(env.region);
    const wrongPartition = (arnPartition: string) =>
      arnPartition === partition
        ? []
        : [`is in partition "${arnPartition}", but region ${env.region} is in partition "${partition}"`];

    /** A role ARN that must be in the environment's own account and partition. */
    const ownRole = (arn: string | undefined, path: ConfigPath, what: string, why: string) => {
      const role = arn === undefined ? undefined : parseArn(arn);
      if (!role) return;
      const wrong = [
        ...(role.accountId === env.accountId
          ? []
          : [`is in account ${role.accountId}, but environment "${env.name}" is account ${env.accountId}`]),
        ...wrongPartition(role.partition),
      ];
      if (wrong.length > 0) {
        problems.push(
          problem(path, `${what} ${wrong.join(' and ')}; ${why}: arn:${partition}:iam::${env.accountId}:role/<name>`),
        );
      }
    };
    ownRole(
      env.deploymentRoleArn,
      ['environments', e, 'deploymentRoleArn'],
      'the deployment role',
      "it must be a role of the environment's own account, which the provider assumes to deploy there",
    );
    env.pipelines.forEach((pipeline, p) =>
      ownRole(
        pipeline.serviceRoleArn,
        ['environments', e, 'pipelines', p, 'serviceRoleArn'],
        'the service role',
        "a pipeline's service role must be a role of the environment's own account",
      ),
    );

    env.artifactBuckets.forEach((bucket, b) => {
      const key = bucket.kmsKeyArn === undefined ? undefined : parseArn(bucket.kmsKeyArn);
      if (!key) return;
      const wrong = [
        ...(key.region === env.region
          ? []
          : [`is in region ${key.region}, but the bucket's environment "${env.name}" is in ${env.region}`]),
        ...wrongPartition(key.partition),
      ];
      if (wrong.length > 0) {
        problems.push(
          problem(
            ['environments', e, 'artifactBuckets', b, 'kmsKeyArn'],
            `the KMS key ${wrong.join(' and ')}; S3 can only encrypt with a key of the bucket's own region: arn:${partition}:kms:${env.region}:<account>:key/<key id>`,
          ),
        );
      }
    });
  });
  return problems;
}
