/**
 * Raw CloudFormation values (`{ cfn: … }`), `{ parameter: NAME }` where a literal could be written,
 * a pack's `mappings:`, and the rule name forms (`ruleName: { parameter }`, `ruleName: false`): each
 * is written to the template verbatim; checks on raw values come from the template checks, reported
 * at the authoring line that wrote the value.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRepository } from '../../src/authoring/repository.js';
import { buildRepository } from '../../src/generator/build.js';
import { checkRepository } from '../../src/validation/check-built.js';
import { scratch } from '../import/support.js';
import { defaultTemplates } from '../support/templates.js';

let root: string;

/** A new repository of these files (lines joined), in a scratch folder removed after the tests. */
function write(files: Record<string, string[]>): void {
  root = scratch(
    Object.fromEntries(Object.entries(files).map(([path, lines]) => [path, [...lines, ''].join('\n')])),
  );
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string };
type Template = {
  Parameters?: Record<string, unknown>;
  Mappings?: unknown;
  Resources: Record<string, Resource>;
};

async function built(): Promise<{ template?: Template; page?: string; errors: string[] }> {
  const repo = await loadRepository(root);
  const result = buildRepository(repo, ['p'], defaultTemplates(), { readme: true });
  const text = result.built[0]?.template;
  return {
    ...(text === undefined ? {} : { template: parse(text) as Template, page: result.built[0]!.readme }),
    errors: result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.checkId} ${d.message}`),
  };
}

/** What `build` and `validate` report for pack `p`: authoring and template checks. */
async function checked() {
  return checkRepository(await loadRepository(root), ['p'], defaultTemplates()).diagnostics;
}

const inBlockAt = (line: number) => ({
  file: expect.stringMatching(/\/packs\/rules\/required-tags\.yaml$/) as unknown,
  line,
});

const tags = [
  'kind: rule',
  'name: required-tags',
  'source: { managed: REQUIRED_TAGS }',
  'parameters:',
  '  tag1Key:',
  '    cfn: { "Fn::FindInMap": [RequiredTags, tag1, key] }',
  '  tag2Key:',
  '    cfn: { Ref: "AWS::AccountId" }',
];

describe('raw CloudFormation values', () => {
  it('are written verbatim: inputs, runbook, static values, Lambda ARN, frequencies, debug log delivery', async () => {
    write({
      'packs/rules/required-tags.yaml': tags,
      'packs/rules/lambda.yaml': [
        'kind: rule',
        'name: lambda',
        'source:',
        '  lambda:',
        '    arn: { cfn: { "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f" } }',
        '    triggers:',
        '      - { messageType: ScheduledNotification, maximumExecutionFrequency: { parameter: Frequency } }',
        'maximumExecutionFrequency: { parameter: Frequency }',
      ],
      'packs/rules/guard.yaml': [
        'kind: rule',
        'name: guard',
        'source:',
        '  guard:',
        '    policy: "rule x { resourceType == \\"AWS::S3::Bucket\\" }"',
        '    debugLogDelivery: { cfn: "True" }',
        '    identifier: my-guard-rule',
      ],
      'packs/remediations/fix-tags.yaml': [
        'kind: remediation',
        'name: fix-tags',
        'rule: required-tags',
        'runbook: { cfn: { "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:111122223333:document/Tag" } }',
        'runbookVersion: { cfn: { "Fn::ImportValue": TagDocVersion } }',
        'parameters:',
        '  AutomationAssumeRole: arn:aws:iam::111122223333:role/fix',
        '  ResourceID: { resourceId: true }',
        '  Tags: { cfn: { "Fn::ImportValue": TagsExport } }',
        '  Accounts: { values: [one, { cfn: { Ref: "AWS::AccountId" } }] }',
      ],
      'packs/p.yaml': [
        'kind: pack',
        'name: p',
        'parameters:',
        '  Frequency: { default: TwentyFour_Hours }',
        'mappings:',
        '  RequiredTags:',
        '    tag1: { key: company, value: Example }',
        'rules: [required-tags, lambda, guard]',
        'remediations: [fix-tags]',
      ],
    });
    const { template, page, errors } = await built();
    expect(errors).toEqual([]);
    // The page shows raw values as JSON, never as "[object Object]".
    expect(page).not.toContain('[object Object]');
    expect(page).toContain('TagsExport');
    expect(template!.Mappings).toEqual({ RequiredTags: { tag1: { key: 'company', value: 'Example' } } });
    const r = template!.Resources;
    expect(r.RequiredTags!.Properties.InputParameters).toEqual({
      tag1Key: { 'Fn::FindInMap': ['RequiredTags', 'tag1', 'key'] },
      tag2Key: { Ref: 'AWS::AccountId' },
    });
    expect(r.Lambda!.Properties.Source).toEqual({
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: {
        'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f',
      },
      SourceDetails: [
        {
          EventSource: 'aws.config',
          MessageType: 'ScheduledNotification',
          MaximumExecutionFrequency: { Ref: 'Frequency' },
        },
      ],
    });
    expect(r.Lambda!.Properties.MaximumExecutionFrequency).toEqual({ Ref: 'Frequency' });
    expect(r.Guard!.Properties.Source).toMatchObject({
      Owner: 'CUSTOM_POLICY',
      SourceIdentifier: 'my-guard-rule',
      CustomPolicyDetails: { EnableDebugLogDelivery: 'True' },
    });
    const fix = r.RequiredTagsRemediation!.Properties;
    expect(fix.TargetId).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:111122223333:document/Tag',
    });
    expect(fix.TargetVersion).toEqual({ 'Fn::ImportValue': 'TagDocVersion' });
    expect(fix.Parameters).toMatchObject({
      Tags: { StaticValue: { Values: [{ 'Fn::ImportValue': 'TagsExport' }] } },
      Accounts: { StaticValue: { Values: ['one', { Ref: 'AWS::AccountId' }] } },
    });
  });

  it('a Ref to a name the pack does not define is an error at the line of the value in the block', async () => {
    write({
      'packs/rules/required-tags.yaml': [
        ...tags.slice(0, 6),
        '  tag2Key:',
        '    cfn: { Ref: NoSuchParameter }',
      ],
      'packs/p.yaml': [
        'kind: pack',
        'name: p',
        'mappings: { RequiredTags: { tag1: { key: company } } }',
        'rules: [required-tags]',
      ],
    });
    const undefinedRef = (await checked()).find((d) => /NoSuchParameter/.test(d.message));
    expect(undefinedRef?.severity).toBe('error');
    expect(undefinedRef?.location).toMatchObject(inBlockAt(8));
  });

  it('a Fn::FindInMap key the mappings lack is an error at the line of the value in the block', async () => {
    write({
      'packs/rules/required-tags.yaml': tags.slice(0, 6),
      'packs/p.yaml': [
        'kind: pack',
        'name: p',
        'mappings: { RequiredTags: { tag2: { key: company } } }',
        'rules: [required-tags]',
      ],
    });
    const lookup = (await checked()).find((d) => d.checkId === 'PS206');
    expect(lookup?.severity).toBe('error');
    expect(lookup?.location).toMatchObject(inBlockAt(6));
  });
});

describe('rule name forms', () => {
  const blocks = {
    'packs/rules/named-by-parameter.yaml': [
      'kind: rule',
      'name: named-by-parameter',
      'ruleName: { parameter: RuleName }',
      'source: { managed: S3_BUCKET_VERSIONING_ENABLED }',
    ],
    'packs/rules/generated.yaml': [
      'kind: rule',
      'name: generated',
      'ruleName: false',
      'source: { managed: ROOT_ACCOUNT_MFA_ENABLED }',
    ],
    'packs/remediations/a.yaml': [
      'kind: remediation',
      'name: a',
      'rule: named-by-parameter',
      'runbook: { parameter: Runbook }',
      'parameters: { AutomationAssumeRole: "arn:aws:iam::111122223333:role/r", BucketName: { resourceId: true } }',
    ],
    'packs/remediations/b.yaml': [
      'kind: remediation',
      'name: b',
      'rule: generated',
      'runbook: AWS-PublishSNSNotification',
      'parameters: { AutomationAssumeRole: "arn:aws:iam::111122223333:role/r", TopicArn: t, Message: m }',
    ],
  };

  it('ConfigRuleName is a Ref, or absent; each remediation names its rule the same way', async () => {
    write({
      ...blocks,
      'packs/p.yaml': [
        'kind: pack',
        'name: p',
        'parameters: { RuleName: { default: versioning }, Runbook: { default: AWS-ConfigureS3BucketVersioning } }',
        'rules: [named-by-parameter, generated]',
        'remediations: [a, b]',
      ],
    });
    const { template, page, errors } = await built();
    expect(errors).toEqual([]);
    // Pages show the parameter's default and the logical id for names not written literally.
    expect(page).toContain('| `versioning` |');
    expect(page).toContain('| `Generated` |');
    const r = template!.Resources;
    expect(r.NamedByParameter!.Properties.ConfigRuleName).toEqual({ Ref: 'RuleName' });
    expect(r.Generated!.Properties).not.toHaveProperty('ConfigRuleName');
    expect(r.NamedByParameterRemediation!.Properties).toMatchObject({
      ConfigRuleName: { Ref: 'RuleName' },
      TargetId: { Ref: 'Runbook' },
    });
    expect(r.GeneratedRemediation!.Properties.ConfigRuleName).toEqual({ Ref: 'Generated' });
    expect(r.GeneratedRemediation!.DependsOn).toBe('Generated');
  });

  it('a rule name taken from a parameter the pack does not declare is an error', async () => {
    write({
      'packs/rules/named-by-parameter.yaml': blocks['packs/rules/named-by-parameter.yaml'],
      'packs/p.yaml': ['kind: pack', 'name: p', 'rules: [named-by-parameter]'],
    });
    const { template, errors } = await built();
    expect(template).toBeUndefined();
    expect(errors).toEqual([expect.stringMatching(/^PS123 .*rule name from the parameter "RuleName"/)]);
  });
});
