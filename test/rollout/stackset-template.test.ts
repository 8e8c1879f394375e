/** Issue 16: the stack set template deploys the built pack; pack parameters become stack set parameters. */
import { interpretTemplate } from '../../src/sandbox/stackset-emulator/template.js';
import { describe, expect, it } from 'vitest';
import {
  inlinePackTemplateOf,
  parameterList,
  stackSetTemplate,
} from '../../src/rollout/stackset-template.js';

const pack = `Parameters:
  MaxAccessKeyAge:
    Type: String
    Default: '90'
  LogBucket:
    Type: String
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
      InputParameters:
        maxAccessKeyAge: !Ref MaxAccessKeyAge
`;
const parameters = [
  { name: 'MaxAccessKeyAge', default: '90' },
  { name: 'LogBucket', description: 'Where logs go' },
];

describe('[16] stack set template', () => {
  it('one ConformancePack resource, each pack parameter passed through by Ref, the pack inline', () => {
    const t = stackSetTemplate({ packName: 'baseline', packTemplate: pack, parameters });
    expect(t.packSource).toBe('inline');
    const doc = JSON.parse(t.body);
    expect(Object.keys(doc.Parameters)).toEqual(['LogBucket', 'MaxAccessKeyAge']);
    expect(doc.Parameters.MaxAccessKeyAge).toEqual({ Type: 'String', Default: '90' });
    expect(doc.Parameters.LogBucket).toEqual({ Type: 'String', Description: 'Where logs go' });
    const resources = Object.values(doc.Resources) as Array<{
      Type: string;
      Properties: Record<string, unknown>;
    }>;
    expect(resources).toHaveLength(1);
    expect(resources[0]!.Type).toBe('AWS::Config::ConformancePack');
    expect(resources[0]!.Properties.ConformancePackName).toBe('baseline');
    expect(resources[0]!.Properties.TemplateBody).toBe(pack);
    expect(resources[0]!.Properties.ConformancePackInputParameters).toEqual([
      { ParameterName: 'LogBucket', ParameterValue: { Ref: 'LogBucket' } },
      { ParameterName: 'MaxAccessKeyAge', ParameterValue: { Ref: 'MaxAccessKeyAge' } },
    ]);
    expect(inlinePackTemplateOf(t.body)).toBe(pack);
  });

  it('is deterministic: the parameter order of the pack does not matter', () => {
    const a = stackSetTemplate({ packName: 'baseline', packTemplate: pack, parameters });
    const b = stackSetTemplate({
      packName: 'baseline',
      packTemplate: pack,
      parameters: [...parameters].reverse(),
    });
    expect(a.body).toBe(b.body);
  });

  it('a pack over the TemplateBody limit goes by TemplateS3Uri, each Region its own copy; refused without one', () => {
    const big = `${pack}# ${'x'.repeat(52_000)}\n`;
    expect(() => stackSetTemplate({ packName: 'baseline', packTemplate: big, parameters })).toThrow(
      /51200-byte TemplateBody limit/,
    );
    const uris = {
      'us-east-1': 's3://bucket-use1/packsmith/baseline/templates/abc.yaml',
      'eu-west-1': 's3://bucket-euw1/packsmith/baseline/templates/abc.yaml',
    };
    const t = stackSetTemplate({ packName: 'baseline', packTemplate: big, parameters, templateS3Uris: uris });
    expect(t.packSource).toBe('s3');
    expect(inlinePackTemplateOf(t.body)).toBeUndefined();
    // PutConformancePack reads only from a bucket in the pack's Region: each instance resolves its
    // Region's URI (interpreted as CloudFormation would, by the StackSets emulator).
    for (const [region, uri] of Object.entries(uris)) {
      const deployed = interpretTemplate(
        t.body,
        [{ ParameterKey: 'LogBucket', ParameterValue: 'logs' }],
        [],
        {
          account: '111111111111',
          region,
          stackName: 'StackSet-x',
          stackId: 'id',
        },
      );
      expect(deployed.ok && deployed.resources.conformancePacks[0]?.templateS3Uri).toBe(uri);
    }
    const other = interpretTemplate(t.body, [{ ParameterKey: 'LogBucket', ParameterValue: 'logs' }], [], {
      account: '111111111111',
      region: 'ap-south-1',
      stackName: 'StackSet-x',
      stackId: 'id',
    });
    expect(other.ok ? '' : other.reason).toMatch(
      /Unable to get mapping for PackTemplateByRegion::ap-south-1::Uri/,
    );
  });

  it('overrides are strings, sorted: the values each stage gives its accounts', () => {
    expect(parameterList({ MaxAccessKeyAge: 30, Enabled: true })).toEqual([
      { ParameterKey: 'Enabled', ParameterValue: 'true' },
      { ParameterKey: 'MaxAccessKeyAge', ParameterValue: '30' },
    ]);
  });
});
