/**
 * CloudFormation features that packs people publish use (Mappings, Metadata, Fn::Sub, Fn::FindInMap,
 * pseudo parameters, InputParameters as a JSON string): accepted, and checked for correctness.
 */
import { describe, expect, it } from 'vitest';
import { lineOf, templateFindings as findings } from '../support/templates.js';

const summary = (text: string) => findings(text).map((d) => `${d.checkId} ${d.severity} ${d.location?.line}`);

const good = `AWSTemplateFormatVersion: '2010-09-09'
Description: Tagging pack
Metadata:
  cfn-lint: { config: { ignore_checks: [W1] } }
Parameters:
  PackName:
    Type: String
    Default: tagging
Mappings:
  RequiredTags:
    tag1:
      key: company-name
      value: CompanyXYZ
Resources:
  TagCheck:
    Type: AWS::Config::ConfigRule
    Metadata:
      note: reviewed
    Properties:
      ConfigRuleName: required-tags
      Source:
        Owner: AWS
        SourceIdentifier: REQUIRED_TAGS
      InputParameters:
        tag1Key: !FindInMap [RequiredTags, tag1, key]
        tag1Value: !FindInMap [RequiredTags, tag1, value]
  AgeCheck:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
      InputParameters: '{"maxAccessKeyAge":"90"}'
  TagRemediation:
    Type: AWS::Config::RemediationConfiguration
    DependsOn: TagCheck
    Properties:
      ConfigRuleName: required-tags
      TargetType: SSM_DOCUMENT
      TargetId: !Sub 'arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/TagIt'
      Parameters:
        RequiredTags:
          StaticValue:
            Values:
              - !Sub
                - '{"\${k}":"\${v}","pack":"\${PackName}","raw":"\${!Literal}"}'
                - k: !FindInMap [RequiredTags, tag1, key]
                  v: !FindInMap [RequiredTags, tag1, value]
`;

function edit(find: string, replace: string): string {
  if (!good.includes(find)) throw new Error(`not in the template: ${find}`);
  return good.replace(find, replace);
}

describe('CloudFormation features in packs', () => {
  it('accepts Mappings, Metadata, Description, Fn::Sub, Fn::FindInMap, pseudo parameters and JSON-string InputParameters', () => {
    expect(findings(good)).toEqual([]);
  });

  it.each([
    [
      'an unknown map',
      '[RequiredTags, tag1, key]',
      '[RequiredTagz, tag1, key]',
      'Mappings has no key "RequiredTagz"',
    ],
    [
      'an unknown top-level key',
      '[RequiredTags, tag1, key]',
      '[RequiredTags, tag2, key]',
      'Mappings.RequiredTags has no key "tag2"',
    ],
    [
      'an unknown second-level key',
      '[RequiredTags, tag1, value]',
      '[RequiredTags, tag1, valu]',
      'has no key "valu"',
    ],
    ['a list of two', '[RequiredTags, tag1, key]', '[RequiredTags, tag1]', 'takes a list of three items'],
  ])('Fn::FindInMap with %s is an error at the call', (_what, find, replace, message) => {
    const text = edit(find, replace);
    const found = findings(text);
    expect(found.map((d) => [d.checkId, d.severity, d.location?.line])).toEqual([
      ['PS206', 'error', lineOf(text, replace)],
    ]);
    expect(found[0]!.message).toContain(message);
  });

  it('a key computed at deploy time is not guessed at', () => {
    expect(findings(edit('[RequiredTags, tag1, key]', '[RequiredTags, !Ref AWS::Region, key]'))).toEqual([]);
  });

  it('an Fn::Sub variable defined nowhere is an error; ${!Literal} is not a variable', () => {
    const text = edit('"pack":"${PackName}"', '"pack":"${PackNam}"');
    const found = findings(text);
    expect(found.map((d) => [d.checkId, d.location?.line])).toEqual([['PS206', lineOf(text, '${PackNam}')]]);
    expect(found[0]!.message).toContain('${PackNam}');
    expect(found[0]!.fix).toContain('${!PackNam}');
  });

  it('a Mappings shape error is located at the bad entry', () => {
    const text = edit('      value: CompanyXYZ', '      value: !Ref PackName');
    expect(summary(text)).toEqual([`PS206 error ${lineOf(text, 'value: !Ref')}`]);
    const flat = edit(
      '    tag1:\n      key: company-name\n      value: CompanyXYZ',
      '    tag1: company-name',
    );
    expect(summary(flat)).toContain(`PS206 error ${lineOf(flat, 'tag1: company-name')}`);
  });

  it('InputParameters as a string must hold a JSON object, and its keys are checked like a mapping', () => {
    const broken = edit(`'{"maxAccessKeyAge":"90"}'`, `'{"maxAccessKeyAge":"90"'`);
    const found = findings(broken);
    expect(found.map((d) => d.checkId)).toEqual(['PS210']);
    expect(found[0]!.message).toContain('JSON object');
    const unknown = edit(`'{"maxAccessKeyAge":"90"}'`, `'{"maxAccessKeyAgeDays":"90"}'`);
    expect(findings(unknown).map((d) => d.checkId)).toContain('PS112');
  });

  it('a placeholder is an error where it is resolved at creation (TargetId, Lambda ARN), a warning in a static value', () => {
    const target = edit('${AWS::AccountId}:document', '<management-account-id>:document');
    expect(summary(target)).toEqual([`PS302 error ${lineOf(target, '<management')}`]);
    const value = edit('"raw":"${!Literal}"', '"raw":"<account-id>"');
    expect(summary(value)).toEqual([`PS302 warning ${lineOf(value, '<account-id>')}`]);
  });

  it('sections: a wrong format version and an unknown section are errors, Outputs a warning', () => {
    const version = edit(`AWSTemplateFormatVersion: '2010-09-09'`, `AWSTemplateFormatVersion: '2012-01-01'`);
    expect(summary(version)).toEqual(['PS201 error 1']);
    const outputs = `${good}Outputs:\n  X:\n    Value: y\n`;
    expect(summary(outputs)).toEqual([`PS201 warning ${lineOf(outputs, 'Outputs:')}`]);
    const typo = `${good}Resource:\n  X: {}\n`;
    expect(summary(typo)).toEqual([`PS201 error ${lineOf(typo, 'Resource:\n')}`]);
  });
});
