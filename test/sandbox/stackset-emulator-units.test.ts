/** The StackSets emulator's pure modules: awsQuery codec, S3 URLs, targets, schedule, templates. */
import { describe, expect, it } from 'vitest';
import { errorXml, parseQuery, responseXml, toXml } from '../../src/sandbox/stackset-emulator/query.js';
import { parseTemplateUrl } from '../../src/sandbox/stackset-emulator/s3-url.js';
import { scheduleOperation, type Preferences } from '../../src/sandbox/stackset-emulator/schedule.js';
import { expandTargets, type OrganizationSnapshot } from '../../src/sandbox/stackset-emulator/targets.js';
import { interpretTemplate } from '../../src/sandbox/stackset-emulator/template.js';

describe('awsQuery codec', () => {
  it('nests dotted fields and turns member.N into ordered lists', () => {
    const body =
      'Action=CreateStackInstances&Version=2010-05-15&StackSetName=s&Regions.member.2=eu-west-1&Regions.member.1=us-east-1' +
      '&DeploymentTargets.OrganizationalUnitIds.member.1=ou-ab12-abcdefgh&DeploymentTargets.AccountFilterType=NONE' +
      '&ParameterOverrides.member.1.ParameterKey=K&ParameterOverrides.member.1.ParameterValue=a%20b' +
      '&Regions.member.10=ap-south-1';
    expect(parseQuery(body)).toEqual({
      Action: 'CreateStackInstances',
      Version: '2010-05-15',
      StackSetName: 's',
      Regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
      DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-abcdefgh'], AccountFilterType: 'NONE' },
      ParameterOverrides: [{ ParameterKey: 'K', ParameterValue: 'a b' }],
    });
  });

  it('writes lists as member elements, escapes text, leaves out undefined fields', () => {
    expect(toXml({ A: ['x', 'y'], B: undefined, C: { D: 'a<b&"' }, E: new Date(0), F: 3, G: false })).toBe(
      '<A><member>x</member><member>y</member></A><C><D>a&lt;b&amp;&quot;</D></C><E>1970-01-01T00:00:00.000Z</E><F>3</F><G>false</G>',
    );
    expect(responseXml('DeleteStackSet', {}, 'r-1')).toContain(
      '<DeleteStackSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DeleteStackSetResult></DeleteStackSetResult>',
    );
    expect(errorXml('ValidationError', 'bad <x>', 'r-2', 'Sender')).toContain(
      '<Error><Type>Sender</Type><Code>ValidationError</Code><Message>bad &lt;x&gt;</Message></Error><RequestId>r-2</RequestId>',
    );
  });
});

describe('TemplateURL', () => {
  it('reads virtual-hosted, path-style, s3:// and loopback URLs; refuses others', () => {
    const loc = { bucket: 'b.with.dots', key: 'k/t.yaml' };
    expect(parseTemplateUrl('https://b.with.dots.s3.amazonaws.com/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://b.with.dots.s3.eu-west-1.amazonaws.com/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://b.with.dots.s3-eu-west-1.amazonaws.com/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://s3.amazonaws.com/b.with.dots/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://s3.eu-west-1.amazonaws.com/b.with.dots/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('http://127.0.0.1:5000/b.with.dots/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('s3://b.with.dots/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://b.with.dots.s3.cn-north-1.amazonaws.com.cn/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://b.with.dots.s3.us-gov-west-1.amazonaws.com/k/t.yaml')).toEqual(loc);
    expect(parseTemplateUrl('https://example.com/b/k')).toBeUndefined();
    expect(parseTemplateUrl('https://s3.amazonaws.com/only-bucket')).toBeUndefined();
    expect(parseTemplateUrl('not a url')).toBeUndefined();
  });
});

describe('deployment targets', () => {
  const org: OrganizationSnapshot = {
    rootId: 'r-root',
    managementAccountId: '000000000000',
    ous: [
      { id: 'ou-root-aaaaaaaa', parentId: 'r-root' },
      { id: 'ou-root-bbbbbbbb', parentId: 'ou-root-aaaaaaaa' },
      { id: 'ou-root-cccccccc', parentId: 'ou-root-bbbbbbbb' },
    ],
    accounts: [
      { id: '000000000000', status: 'ACTIVE', parentId: 'r-root' },
      { id: '111111111111', status: 'ACTIVE', parentId: 'ou-root-aaaaaaaa' },
      { id: '222222222222', status: 'SUSPENDED', parentId: 'ou-root-bbbbbbbb' },
      { id: '333333333333', status: 'ACTIVE', parentId: 'ou-root-cccccccc' },
    ],
  };
  const ids = (t: Parameters<typeof expandTargets>[1]): string[] =>
    expandTargets(org, t).map((a) => a.account.id);

  it('an OU reaches every level below it; the root reaches all but the management account', () => {
    expect(ids({ organizationalUnitIds: ['ou-root-bbbbbbbb'], accounts: [] })).toEqual([
      '222222222222',
      '333333333333',
    ]);
    expect(ids({ organizationalUnitIds: ['r-root'], accounts: [] })).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
    ]);
    expect(
      ids({ organizationalUnitIds: ['r-root'], accounts: ['000000000000'], accountFilterType: 'UNION' }),
    ).not.toContain('000000000000');
  });

  it('refuses an unknown OU, a malformed id, NONE with accounts and INTERSECTION without', () => {
    expect(() => ids({ organizationalUnitIds: ['ou-root-zzzzzzzz'], accounts: [] })).toThrow(
      /not in the organization/,
    );
    expect(() => ids({ organizationalUnitIds: ['ou-1'], accounts: [] })).toThrow(/regular expression/);
    expect(() => ids({ organizationalUnitIds: ['r-root'], accounts: ['111111111111'] })).toThrow(/NONE/);
    expect(() =>
      ids({ organizationalUnitIds: ['r-root'], accounts: [], accountFilterType: 'INTERSECTION' }),
    ).toThrow(/needs Accounts/);
  });
});

describe('operation schedule', () => {
  const base: Preferences = {
    regionConcurrencyType: 'SEQUENTIAL',
    regionOrder: [],
    concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
  };
  const plan = (n: number, failing: number[], region = 'us-east-1') =>
    Array.from({ length: n }, (_, i) => ({
      account: String(100000000000 + i),
      region,
      outcome: failing.includes(i)
        ? { kind: 'fail' as const, reason: `f${i}` }
        : { kind: 'succeed' as const },
    }));

  it('STRICT lowers the batch size as failures accumulate', () => {
    const s = scheduleOperation(
      0,
      plan(10, [0, 3]),
      { ...base, maxConcurrentCount: 4, failureToleranceCount: 2 },
      () => 10,
    );
    // Batches: 3 (min(4, 2+1)), then 2 (one failure), then 1 per batch (two failures).
    expect(s.instances.map((i) => i.start)).toEqual([0, 0, 0, 10, 10, 20, 30, 40, 50, 60]);
    expect(s.status).toBe('SUCCEEDED');
    expect(s.end).toBe(70);
  });

  it('PARALLEL Regions start together; a Region past its tolerance does not stop the other', () => {
    const s = scheduleOperation(
      5,
      [...plan(3, [0], 'us-east-1'), ...plan(3, [], 'eu-west-1')],
      { ...base, regionConcurrencyType: 'PARALLEL' },
      () => 10,
    );
    const eu = s.instances.filter((i) => i.region === 'eu-west-1');
    expect(eu.map((i) => [i.start, i.status])).toEqual([
      [5, 'SUCCEEDED'],
      [15, 'SUCCEEDED'],
      [25, 'SUCCEEDED'],
    ]);
    expect(s.instances.filter((i) => i.region === 'us-east-1').map((i) => i.status)).toEqual([
      'FAILED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(s).toMatchObject({ status: 'FAILED', failedRegions: ['us-east-1'], end: 35 });
  });
});

describe('template interpretation', () => {
  const ctx = { account: '111111111111', region: 'eu-west-1', stackName: 'StackSet-x', stackId: 'arn:stack' };

  it('resolves Ref, Sub and Join against the parameters, overrides first', () => {
    const body = `Parameters:
  A: { Type: String, Default: a }
  B: { Type: String }
Resources:
  P:
    Type: AWS::Config::ConformancePack
    Properties:
      ConformancePackName: !Sub '\${A}-\${AWS::Region}'
      TemplateBody: !Join ['-', [!Ref B, !Ref AWS::AccountId]]
`;
    const r = interpretTemplate(
      body,
      [{ ParameterKey: 'B', ParameterValue: 'set' }],
      [{ ParameterKey: 'A', ParameterValue: 'over' }],
      ctx,
    );
    expect(r).toMatchObject({
      ok: true,
      resources: {
        conformancePacks: [{ name: 'over-eu-west-1', templateBody: 'set-111111111111' }],
        parameters: { A: 'over', B: 'set' },
      },
    });
    expect(interpretTemplate(body, [], [], ctx)).toEqual({
      ok: false,
      reason: 'Parameters: [B] must have values',
    });
  });

  it('AWS::Partition follows the Region', () => {
    const body = `Resources:
  P:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      Name: !Sub 'r-\${AWS::Partition}'
      RoleARN: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/x'
`;
    const gov = interpretTemplate(body, [], [], { ...ctx, region: 'us-gov-west-1' });
    expect(gov).toMatchObject({ ok: true, resources: { recorders: [{ name: 'r-aws-us-gov' }] } });
    expect(interpretTemplate(body, [], [], ctx)).toMatchObject({
      ok: true,
      resources: { recorders: [{ name: 'r-aws' }] },
    });
  });

  it('fails other types and intrinsics as emulator limits', () => {
    const gat = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !GetAtt X.Arn
`;
    expect(interpretTemplate(gat, [], [], ctx)).toEqual({
      ok: false,
      reason: 'Intrinsic Fn::GetAtt is not supported by the StackSets emulator (emulator limit)',
    });
  });
});
