/**
 * One compliant and one non-compliant case per rule. Compliant: the real example plans (no finding of the rule).
 * Non-compliant: the same plans with one deliberate change; the finding must name exactly what is wrong.
 */
import { RULES } from '../../src/analysis/rules';
import type { Finding } from '../../src/analysis/rules';
import { analyzeExample, PlanEdit } from '../helpers/plan-mutations';

const P = 'arn:aws:codepipeline:us-east-2:111222333444:MyFirstPipeline';
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const of = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.ruleId === rule);

let compliant: readonly Finding[];
beforeAll(async () => {
  compliant = (await analyzeExample()).findings;
});

test('every rule has a stable id, a summary and an explanation; ids are unique', () => {
  expect(RULES.length).toBeGreaterThanOrEqual(11);
  expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  for (const rule of RULES) {
    expect(rule.id).toMatch(/^CPA-[A-Z0-9]+-?\d*$/);
    expect(rule.summary.length).toBeGreaterThan(10);
    expect(rule.explanation.length).toBeGreaterThan(40);
  }
});

test.each(RULES.map((r) => r.id))('%s: the example plans are compliant', (id) => {
  expect(of(compliant, id)).toEqual([]);
});

/** A policy with two escalation paths: unconstrained PassRole and AttachUserPolicy. */
const escalationPolicy = () =>
  new PlanEdit('prod').policy(
    'escalate',
    doc(
      { Sid: 'Pass', Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['arn:aws:iam::111222333444:role/*'] },
      {
        Sid: 'Attach',
        Effect: 'Allow',
        Action: ['iam:AttachUserPolicy'],
        Resource: ['arn:aws:iam::111222333444:user/*'],
      },
    ),
  );

interface NonCompliantCase {
  readonly rule: string;
  readonly edit: () => PlanEdit;
  readonly expected: Partial<Finding>[];
}

const cases: NonCompliantCase[] = [
  {
    rule: 'CPA-IAM1',
    edit: () =>
      new PlanEdit('prod')
        .policy('jin-extra', doc({ Effect: 'Allow', Action: ['codepipeline:GetPipeline'], Resource: [P] }))
        .attachToUser('jin', 'jin-extra'),
    expected: [{ target: 'user/jin', detail: 'Policy::jin-extra', severity: 'error' }],
  },
  {
    rule: 'CPA-IAM2',
    edit: () =>
      new PlanEdit('prod')
        .policy(
          'dev-edit',
          doc({ Sid: 'Edit', Effect: 'Allow', Action: ['codepipeline:UpdatePipeline'], Resource: [P] }),
          'profile:custom',
        )
        .attachToGroup('helprr-backend-developer-group', 'dev-edit'),
    expected: [{ target: 'user/jin', detail: 'Action::codepipeline:UpdatePipeline@MyFirstPipeline' }],
  },
  {
    rule: 'CPA-IAM3',
    edit: () => escalationPolicy(),
    expected: [
      { target: 'aws_iam_policy.escalate', detail: 'Statement[Pass].Action::iam:PassRole' },
      { target: 'aws_iam_policy.escalate', detail: 'Statement[Attach].Action::iam:AttachUserPolicy' },
    ],
  },
  {
    rule: 'CPA-IAM4',
    edit: () =>
      new PlanEdit('prod').policy(
        'broad',
        doc({ Sid: 'Broad', Effect: 'Allow', Action: ['codepipeline:StartPipelineExecution'], Resource: '*' }),
        'profile:custom',
      ),
    expected: [
      { target: 'aws_iam_policy.broad', detail: 'Statement[Broad].Action::codepipeline:StartPipelineExecution' },
    ],
  },
  {
    rule: 'CPA-IAM5',
    edit: () =>
      new PlanEdit('prod').policy(
        'star',
        doc({ Sid: 'All', Effect: 'Allow', Action: ['codepipeline:*'], Resource: [P] }),
        'profile:operator',
      ),
    expected: [{ target: 'aws_iam_policy.star', detail: 'Statement[All].Action::codepipeline:*' }],
  },
  {
    rule: 'CPA-IAM6',
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_policy.helprr-backend-developer-policy',
        'policy',
        doc({
          Sid: 'Typo',
          Effect: 'Allow',
          Action: ['codepipeline:GetPipline', 'codepipline:GetPipeline'],
          Resource: [P],
        }),
      ),
    expected: [
      {
        target: 'aws_iam_policy.helprr-backend-developer-policy',
        detail: 'Statement[Typo].Action::codepipeline:GetPipline',
      },
      {
        target: 'aws_iam_policy.helprr-backend-developer-policy',
        detail: 'Statement[Typo].Action::codepipline:GetPipeline',
      },
    ],
  },
  {
    rule: 'CPA-IAM7',
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_policy.release-approvers-approver',
        'policy',
        doc({ Sid: 'ApproveOrReject', Effect: 'Allow', Action: ['codepipeline:PutApprovalResult'], Resource: [P] }),
      ),
    expected: [
      {
        target: 'aws_iam_policy.release-approvers-approver',
        detail: 'Statement[ApproveOrReject].Action::codepipeline:PutApprovalResult',
      },
    ],
  },
  {
    rule: 'CPA-IAM8',
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_role.CrossAccountPipelineViewers',
        'assume_role_policy',
        doc({
          Sid: 'TrustAccount',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
          Action: ['sts:AssumeRole'],
        }),
      ),
    expected: [
      {
        target: 'aws_iam_role.CrossAccountPipelineViewers',
        detail: 'Statement[TrustAccount].Principal::arn:aws:iam::111111111111:root',
        severity: 'warning',
      },
    ],
  },
  {
    // Conditions that name a guard's key without requiring it: no MFA needed (IfExists), everyone but one
    // (StringNotEquals), a wildcard for the principal. Each statement still trusts the whole account.
    rule: 'CPA-IAM8',
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_role.CrossAccountPipelineViewers',
        'assume_role_policy',
        doc(
          {
            Sid: 'MfaIfExists',
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
            Action: ['sts:AssumeRole'],
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
          {
            Sid: 'NotThisExternalId',
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
            Action: ['sts:AssumeRole'],
            Condition: { StringNotEquals: { 'sts:ExternalId': 'revoked-id' } },
          },
          {
            Sid: 'AnyoneThere',
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
            Action: ['sts:AssumeRole'],
            Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:*' } },
          },
        ),
      ),
    expected: ['MfaIfExists', 'NotThisExternalId', 'AnyoneThere'].map((sid) => ({
      target: 'aws_iam_role.CrossAccountPipelineViewers',
      detail: `Statement[${sid}].Principal::arn:aws:iam::111111111111:root`,
      severity: 'warning',
    })),
  },
  {
    rule: 'CPA-LIM1',
    edit: () => {
      const edit = new PlanEdit('prod');
      for (let i = 1; i <= 10; i++)
        edit
          .policy(`extra-${i}`, doc({ Effect: 'Allow', Action: ['codepipeline:GetPipeline'], Resource: [P] }))
          .attachToGroup('release-managers', `extra-${i}`);
      return edit;
    },
    expected: [{ target: 'aws_iam_group.release-managers', detail: 'Attachments' }],
  },
  {
    rule: 'CPA-PWD1',
    edit: () => {
      const edit = new PlanEdit('prod');
      Object.assign(edit.after('aws_iam_account_password_policy.account'), {
        minimum_password_length: 8,
        require_symbols: false,
      });
      return edit;
    },
    expected: [
      { target: 'aws_iam_account_password_policy.account', detail: 'minimum_password_length', severity: 'warning' },
      { target: 'aws_iam_account_password_policy.account', detail: 'require_symbols', severity: 'warning' },
    ],
  },
  {
    rule: 'CPA-S3-1',
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890',
        'policy',
        // The seed's own example: only StringNotEquals on objects, TLS denied on objects only.
        doc(
          {
            Sid: 'DenyUnEncryptedObjectUploads',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::codepipeline-us-east-2-1234567890/*',
            Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
          },
          {
            Sid: 'DenyInsecureConnections',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: 'arn:aws:s3:::codepipeline-us-east-2-1234567890/*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ),
      ),
    expected: [
      { target: 'aws_s3_bucket_policy.codepipeline-us-east-2-1234567890', detail: 'Probe::ListBucket over plain HTTP' },
    ],
  },
  {
    rule: 'CPA-INT1',
    // The approver's grant rendered on <pipeline>/* instead of the exact approval action.
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_policy.release-approvers-approver',
        'policy',
        doc({
          Sid: 'ApproveOrReject',
          Effect: 'Allow',
          Action: ['codepipeline:PutApprovalResult'],
          Resource: [`${P}/*`],
        }),
      ),
    expected: [
      { target: 'user/mina', detail: 'Cell::MyFirstPipeline/MyApprovalStage/codepipeline-access-undeclared' },
      {
        target: 'user/mina',
        detail: 'Cell::MyFirstPipeline/codepipeline-access-undeclared/codepipeline-access-undeclared',
      },
    ],
  },
  {
    rule: 'CPA-INT2',
    // The approver's reads dropped: the config still gives them.
    edit: () =>
      new PlanEdit('prod').setDocument(
        'aws_iam_policy.release-approvers-approver',
        'policy',
        doc(
          { Effect: 'Allow', Action: ['codepipeline:ListPipelines'], Resource: ['*'] },
          {
            Effect: 'Allow',
            Action: ['codepipeline:PutApprovalResult'],
            Resource: [`${P}/MyApprovalStage/MyApprovalAction`],
          },
        ),
      ),
    expected: [{ target: 'user/mina', detail: 'Cell::MyFirstPipeline', severity: 'warning' }],
  },
  {
    rule: 'CPA-IC1',
    // The backend developers delivered through Identity Center too, while jin keeps his IAM user.
    edit: () =>
      new PlanEdit('prod').identityCenterAssignment({
        permissionSet: 'helprr-backend-developer',
        document: doc({ Effect: 'Allow', Action: ['codepipeline:GetPipeline'], Resource: [P] }),
        members: ['jin'],
        accountId: '111222333444',
        alsoIamGroup: 'helprr-backend-developer-group',
      }),
    expected: [{ target: 'user/jin', detail: 'Group::helprr-backend-developer-group', severity: 'warning' }],
  },
  {
    rule: 'CPA-ROLE1',
    // The release operators' role trusts the account without naming its members.
    edit: () => {
      const edit = new PlanEdit('prod');
      const role = edit.after('aws_iam_role.release-operators');
      const trust = JSON.parse(String(role.assume_role_policy)) as {
        Statement: { Condition: Record<string, unknown> }[];
      };
      delete trust.Statement[0].Condition.ArnEquals;
      role.assume_role_policy = JSON.stringify(trust);
      return edit;
    },
    expected: [
      {
        target: 'aws_iam_role.release-operators',
        detail: 'Statement[TeamMembers].Principal::arn:aws:iam::111222333444:root',
      },
    ],
  },
  {
    rule: 'CPA-ROLE2',
    // kai, a release operator, also joins the backend developers: start and stop without the role or its MFA.
    edit: () =>
      new PlanEdit('prod').membership('kai', [
        'codepipeline-access-self-service',
        'helprr-backend-developer-group',
        'release-operators',
      ]),
    expected: [{ target: 'user/kai', detail: 'Role::release-operators', severity: 'warning' }],
  },
  {
    rule: 'CPA-SOD1',
    edit: () =>
      new PlanEdit('prod')
        .policy('edit-pipeline', doc({ Effect: 'Allow', Action: ['codepipeline:UpdatePipeline'], Resource: [P] }))
        .attachToGroup('release-approvers', 'edit-pipeline'),
    expected: [{ target: 'user/mina', detail: 'Pipeline::MyFirstPipeline' }],
  },
];

test('every rule has a non-compliant case', () => {
  expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(RULES.map((r) => r.id)));
});

test.each(cases)('$rule: a non-compliant plan is flagged precisely', async ({ rule, edit, expected }) => {
  const { findings } = await analyzeExample([edit()]);
  const flagged = of(findings, rule).map(({ target, detail, severity }) => ({ target, detail, severity }));
  expect(flagged).toEqual(expected.map((e) => ({ severity: e.severity ?? 'error', ...e })));
  for (const f of of(findings, rule)) expect(f.message.length).toBeGreaterThan(10);
});

test('a suppression with a reason silences exactly one finding; an unused one is reported', async () => {
  const result = await analyzeExample([escalationPolicy()], undefined, [
    {
      rule: 'CPA-IAM3',
      target: 'aws_iam_policy.escalate',
      detail: 'Statement[Pass].Action::iam:PassRole',
      reason: 'break-glass role, reviewed quarterly',
    },
    { rule: 'CPA-IAM5', target: 'aws_iam_policy.gone', reason: 'left over from an old grant' },
  ]);
  expect(of(result.findings, 'CPA-IAM3').map((f) => f.detail)).toEqual([
    'Statement[Attach].Action::iam:AttachUserPolicy',
  ]);
  expect(result.suppressed).toEqual([
    expect.objectContaining({
      detail: 'Statement[Pass].Action::iam:PassRole',
      reason: 'break-glass role, reviewed quarterly',
    }),
  ]);
  expect(of(result.findings, 'CPA-SUP1')).toEqual([
    expect.objectContaining({ target: 'aws_iam_policy.gone', severity: 'warning' }),
  ]);
});
