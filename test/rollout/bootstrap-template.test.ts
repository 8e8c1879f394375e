/** Issue 16 (bootstrap): the remediation roles the packs reference, their template, PS553. */
import { describe, expect, it } from 'vitest';
import type { ComposedPack, ComposedRemediation } from '../../src/authoring/model.js';
import { deployChecks } from '../../src/checks/deploy.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { interpretTemplate } from '../../src/sandbox/stackset-emulator/template.js';
import {
  bootstrapRecorderTemplate,
  bootstrapRoleProblems,
  bootstrapRolesTemplate,
  referencedRoles,
  roleNameOfArn,
} from '../../src/rollout/bootstrap-template.js';

const remediation = (logicalId: string, value: ComposedRemediation['parameters'][number]['value']) =>
  ({
    logicalId,
    block: logicalId,
    ruleLogicalId: 'R',
    ruleName: 'r',
    targetId: 'AWS-DisableS3BucketPublicReadWrite',
    automatic: true,
    parameters: [
      { name: 'S3BucketName', value: { kind: 'resource-id' } },
      { name: 'AutomationAssumeRole', value },
    ],
    origins: {},
  }) as ComposedRemediation;

const pack = (
  name: string,
  remediations: ComposedRemediation[],
  parameters: ComposedPack['parameters'] = [],
) => ({ name, parameters, remediations }) as Pick<ComposedPack, 'name' | 'parameters' | 'remediations'>;

describe('[16] bootstrap: referenced roles', () => {
  it('reads the role name from a literal ARN, a cfn Fn::Sub ARN and a parameter (deployment value, else default)', () => {
    const packs = [
      pack('a', [
        remediation('Lit', {
          kind: 'static',
          values: ['arn:aws:iam::111111111111:role/ops/packsmith-remediation'],
        }),
        remediation('Sub', {
          kind: 'static',
          values: [
            {
              kind: 'cfn',
              value: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/SubRole' },
            },
          ],
        }),
        remediation('Unresolvable', {
          kind: 'static',
          values: [
            { kind: 'cfn', value: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${X}' } },
          ],
        }),
      ]),
      pack(
        'b',
        [
          remediation('Param', { kind: 'parameter', parameter: 'RoleArn' }),
          remediation('Given', { kind: 'parameter', parameter: 'Other' }),
        ],
        [
          {
            name: 'RoleArn',
            default: 'arn:aws:iam::222222222222:role/packsmith-remediation',
            constraints: {},
          },
          { name: 'Other', default: 'arn:aws:iam::222222222222:role/not-used', constraints: {} },
        ] as unknown as ComposedPack['parameters'],
      ),
    ];
    const roles = referencedRoles(packs, (p, name) =>
      p === 'b' && name === 'Other' ? 'arn:aws-cn:iam::222222222222:role/GivenRole' : undefined,
    );
    expect(roles.map((r) => [r.name, r.references.map((x) => `${x.pack}/${x.remediation}`)])).toEqual([
      ['GivenRole', ['b/Given']],
      ['SubRole', ['a/Sub']],
      ['packsmith-remediation', ['a/Lit', 'b/Param']],
    ]);
  });

  it('roleNameOfArn takes the last path segment of a role ARN only', () => {
    expect(roleNameOfArn('arn:aws-us-gov:iam::111111111111:role/a/b/name')).toBe('name');
    expect(roleNameOfArn('arn:aws:iam::111111111111:user/name')).toBeUndefined();
    expect(roleNameOfArn('not an arn')).toBeUndefined();
  });
});

describe('[16] bootstrap: PS553 (a referenced role without a policy)', () => {
  const roles = [
    { name: 'with-policy', references: [{ pack: 'a', remediation: 'X' }] },
    { name: 'listed-empty', references: [{ pack: 'a', remediation: 'Y' }] },
    { name: 'missing', references: [{ pack: 'b', remediation: 'Z' }] },
  ];
  it('names each role without managedPolicyArns or policyFile, located at its entry or at bootstrap.roles', () => {
    const text = `regions: [eu-west-1]
bootstrap:
  roles:
    with-policy:
      managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
    listed-empty: {}
`;
    const source = parseYamlSource('packsmith.deploy.yaml', text);
    const problems = bootstrapRoleProblems({ source, roles });
    expect(problems.map((p) => [p.checkId, p.location?.line])).toEqual([
      [deployChecks['bootstrap-role-policy'].id, 6],
      [deployChecks['bootstrap-role-policy'].id, 3],
    ]);
    expect(problems[1]!.message).toContain('remediation role missing (referenced by b Z)');
    expect(problems[1]!.message).toContain('cannot derive the permissions from the runbooks');
  });
  it('nothing when every role has a policy (policyFile counts)', () => {
    const source = parseYamlSource(
      'packsmith.deploy.yaml',
      `bootstrap:\n  roles:\n    r: { policyFile: policies/r.json }\n`,
    );
    expect(bootstrapRoleProblems({ source, roles: [{ name: 'r', references: [] }] })).toEqual([]);
  });
});

describe('[16] bootstrap: templates', () => {
  const roles = [
    { name: 'b-role', managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
    { name: 'a.role', policyDocument: { Version: '2012-10-17', Statement: [] } },
  ];
  it('one AWS::IAM::Role per name, sorted, trusting the partition SSM principal; deterministic', () => {
    const body = bootstrapRolesTemplate({ roles, region: 'eu-west-1' });
    expect(bootstrapRolesTemplate({ roles: [...roles].reverse(), region: 'eu-west-1' })).toBe(body);
    const t = JSON.parse(body) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const list = Object.values(t.Resources);
    expect(list.map((r) => [r.Type, r.Properties.RoleName])).toEqual([
      ['AWS::IAM::Role', 'a.role'],
      ['AWS::IAM::Role', 'b-role'],
    ]);
    expect(JSON.stringify(list[0]!.Properties.AssumeRolePolicyDocument)).toContain('"ssm.amazonaws.com"');
    expect(list[0]!.Properties.Policies).toEqual([
      { PolicyName: 'packsmith-bootstrap', PolicyDocument: { Version: '2012-10-17', Statement: [] } },
    ]);
    expect(list[1]!.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const cn = bootstrapRolesTemplate({ roles, region: 'cn-north-1' });
    expect(cn).toContain('"ssm.amazonaws.com.cn"');
  });
  it('the StackSets emulator deploys the roles and the recorder as written', () => {
    const context = { account: '111111111111', region: 'eu-west-1', stackName: 's', stackId: 'id' };
    const r = interpretTemplate(bootstrapRolesTemplate({ roles, region: 'eu-west-1' }), [], [], context);
    expect(r.ok && r.resources.roles.map((x) => x.roleName)).toEqual(['a.role', 'b-role']);
    const recorderBody = bootstrapRecorderTemplate({ deliveryBucket: 'logs' });
    // The channel after the recorder: PutDeliveryChannel needs a recorder.
    expect(
      (JSON.parse(recorderBody) as { Resources: Record<string, { DependsOn?: string }> }).Resources
        .DeliveryChannel!.DependsOn,
    ).toBe('ConfigurationRecorder');
    const c = interpretTemplate(recorderBody, [], [], context);
    expect(
      c.ok && [c.resources.recorders[0]!.roleArn, c.resources.deliveryChannels[0]!.s3BucketName],
    ).toEqual([
      'arn:aws:iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
      'logs',
    ]);
  });
});
