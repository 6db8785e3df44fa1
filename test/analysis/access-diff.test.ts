/**
 * Who gains and who loses, on EnvironmentAccess values built by hand: every kind of cell (principal cells allowed
 * always or in some contexts, role assumption by people and by external accounts, bucket policy probes), and the
 * rule that a grant is new only when the other side had nothing as or less restrictive on the same cell.
 */
import {
  accessChanges,
  describeChangeContext,
  describeNewCell,
  gainedGrants,
  grantsOf,
  newCells,
} from '../../src/analysis/access-diff';
import type { EnvironmentAccess, PrincipalAccess } from '../../src/analysis/environment-access';

const MFA = { 'aws:MultiFactorAuthPresent': 'true' };
const VENDOR = 'arn:aws:iam::444455556666:root';
const ANA = 'arn:aws:iam::111111111111:user/ana';
const SERVICE_ROLE = 'arn:aws:iam::111222333444:role/app-service-role';
const PROBE = 'a principal of another account (999999999999) whose own policies allow s3:*';

function access(overrides: Partial<EnvironmentAccess> = {}): EnvironmentAccess {
  return {
    environment: 'prod',
    accountId: '111222333444',
    region: 'us-east-2',
    principals: {},
    assumeRole: {},
    artifactBuckets: {},
    ...overrides,
  };
}

function user(name: string, cells: Pick<PrincipalAccess, 'allowed' | 'conditional'>): Record<string, PrincipalAccess> {
  return { [`user/${name}`]: { arn: `arn:aws:iam::111222333444:user/${name}`, via: [], ...cells } };
}

const BASE = access({
  principals: {
    ...user('jin', {
      allowed: { MyFirstPipeline: ['GetPipeline', 'StartPipelineExecution'] },
      conditional: { [SERVICE_ROLE]: { 'iam:PassRole': [{ 'iam:PassedToService': 'codepipeline.amazonaws.com' }] } },
    }),
    ...user('mina', { allowed: { 'MyFirstPipeline/Release/Approve': ['PutApprovalResult'] } }),
  },
  assumeRole: { PipelineViewers: { [ANA]: [MFA] } },
  artifactBuckets: { artifacts: { [PROBE]: { 's3:GetObject': [] } } },
});

test('GIVEN the same access written in another order WHEN compared THEN nobody gains or loses anything', () => {
  const reordered = access({
    artifactBuckets: BASE.artifactBuckets,
    assumeRole: BASE.assumeRole,
    principals: {
      ...user('mina', { allowed: { 'MyFirstPipeline/Release/Approve': ['PutApprovalResult'] } }),
      ...user('jin', {
        conditional: { [SERVICE_ROLE]: { 'iam:PassRole': [{ 'iam:PassedToService': 'codepipeline.amazonaws.com' }] } },
        allowed: { MyFirstPipeline: ['StartPipelineExecution', 'GetPipeline'] },
      }),
    },
  });
  expect(accessChanges(BASE, reordered)).toEqual([]);
  expect(gainedGrants(BASE, reordered)).toEqual([]);
});

test('GIVEN a trust that drops its MFA condition WHEN compared THEN AssumeRole in any context is gained and nothing lost', () => {
  const head = access({ ...BASE, assumeRole: { PipelineViewers: { [ANA]: [{}] } } });
  const rows = accessChanges(BASE, head);
  expect(rows).toEqual([
    {
      change: '+',
      principal: ANA,
      resource: 'role/PipelineViewers',
      actions: ['sts:AssumeRole'],
      context: {},
      otherSide: [MFA],
    },
  ]);
  expect(describeChangeContext(rows[0])).toBe('any context (before: only with aws:MultiFactorAuthPresent=true)');
});

test('GIVEN a trust that gains an MFA condition WHEN compared THEN the unconditional grant is lost and nothing gained', () => {
  const base = access({ assumeRole: { PipelineViewers: { [ANA]: [{}] } } });
  const head = access({ assumeRole: { PipelineViewers: { [ANA]: [MFA] } } });
  const rows = accessChanges(base, head);
  expect(rows).toEqual([
    {
      change: '-',
      principal: ANA,
      resource: 'role/PipelineViewers',
      actions: ['sts:AssumeRole'],
      context: {},
      otherSide: [MFA],
    },
  ]);
  expect(describeChangeContext(rows[0])).toBe('any context (now: only with aws:MultiFactorAuthPresent=true)');
  expect(gainedGrants(base, head)).toEqual([]);
});

test('GIVEN an external account newly trusted with an external id WHEN compared THEN it gains AssumeRole in that context', () => {
  const context = { ...MFA, 'sts:ExternalId': 'vendor-1234' };
  const head = access({ ...BASE, assumeRole: { ...BASE.assumeRole, VendorDeploy: { [VENDOR]: [context] } } });
  expect(gainedGrants(BASE, head)).toEqual([
    { principal: VENDOR, resource: 'role/VendorDeploy', action: 'sts:AssumeRole', context },
  ]);
  expect(describeNewCell(newCells([BASE], [head])[0])).toBe(
    `[prod] ${VENDOR} sts:AssumeRole on role/VendorDeploy with aws:MultiFactorAuthPresent=true and sts:ExternalId=vendor-1234`,
  );
});

test('GIVEN PassRole widened from one service to any WHEN compared THEN PassRole in any context is the gain', () => {
  const head = access({
    ...BASE,
    principals: {
      ...BASE.principals,
      ...user('jin', {
        allowed: { MyFirstPipeline: ['GetPipeline', 'StartPipelineExecution'], [SERVICE_ROLE]: ['iam:PassRole'] },
      }),
    },
  });
  expect(gainedGrants(BASE, head)).toEqual([
    { principal: 'user/jin', resource: SERVICE_ROLE, action: 'iam:PassRole', context: {} },
  ]);
  expect(accessChanges(BASE, head).filter((r) => r.change === '-')).toEqual([]);
});

test('GIVEN a bucket policy that lets another account read over TLS WHEN compared THEN the probe gains GetObject with TLS', () => {
  const tls = { 'aws:SecureTransport': 'true' };
  const head = access({ ...BASE, artifactBuckets: { artifacts: { [PROBE]: { 's3:GetObject': [tls] } } } });
  expect(accessChanges(BASE, head)).toEqual([
    {
      change: '+',
      principal: PROBE,
      resource: 'bucket/artifacts',
      actions: ['s3:GetObject'],
      context: tls,
      otherSide: [],
    },
  ]);
});

test('GIVEN a principal losing actions and another gaining some WHEN compared THEN one row per principal, resource and context, actions sorted', () => {
  const head = access({
    ...BASE,
    principals: {
      ...user('jin', { allowed: {} }),
      ...user('mina', {
        allowed: {
          'MyFirstPipeline/Release/Approve': ['PutApprovalResult'],
          MyFirstPipeline: ['StartPipelineExecution', 'GetPipeline'],
        },
      }),
    },
  });
  expect(accessChanges(BASE, head)).toEqual([
    {
      change: '-',
      principal: 'user/jin',
      resource: 'MyFirstPipeline',
      actions: ['GetPipeline', 'StartPipelineExecution'],
      context: {},
      otherSide: [],
    },
    {
      change: '-',
      principal: 'user/jin',
      resource: SERVICE_ROLE,
      actions: ['iam:PassRole'],
      context: { 'iam:PassedToService': 'codepipeline.amazonaws.com' },
      otherSide: [],
    },
    {
      change: '+',
      principal: 'user/mina',
      resource: 'MyFirstPipeline',
      actions: ['GetPipeline', 'StartPipelineExecution'],
      context: {},
      otherSide: [],
    },
  ]);
});

test('GIVEN no base WHEN compared THEN every grant is gained, and an environment the base lacks gains all of its cells', () => {
  expect(gainedGrants(undefined, BASE)).toEqual(expect.arrayContaining(grantsOf(BASE)));
  expect(gainedGrants(undefined, BASE)).toHaveLength(grantsOf(BASE).length);
  // A cell allowed in no context is no grant.
  expect(grantsOf(BASE).some((g) => g.resource === 'bucket/artifacts')).toBe(false);
  const dev = access({ environment: 'dev', principals: user('ana', { allowed: { '*': ['ListPipelines'] } }) });
  expect(newCells([BASE], [BASE, dev]).map(describeNewCell)).toEqual([
    '[dev] user/ana ListPipelines on * in any context',
  ]);
});
