import { describe, expect, it } from 'vitest';
import { ruleChanges } from '../../src/rollout/rule-diff.js';

const template = (age: string, extra = '', remediation = '') => `Parameters:
  MaxAge:
    Type: String
    Default: '${age}'
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
      InputParameters:
        maxAccessKeyAge: !Ref MaxAge
${extra}${remediation}`;

const versioning = `  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-versioning-enabled
      Scope: { ComplianceResourceTypes: [AWS::S3::Bucket] }
      Source: { Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED }
`;
const fix = (doc: string) => `  S3VersioningRemediation:
    Type: AWS::Config::RemediationConfiguration
    Properties:
      ConfigRuleName: !Ref S3Versioning
      TargetType: SSM_DOCUMENT
      TargetId: ${doc}
`;

describe('rule-by-rule plan', () => {
  it('no change: nothing listed', () => {
    expect(ruleChanges(template('90', versioning), template('90', versioning))).toEqual([]);
  });

  it('a parameter default that a rule refers to shows as that rule input', () => {
    expect(ruleChanges(template('90'), template('60'))).toEqual([
      {
        rule: 'access-keys-rotated',
        change: 'changed',
        details: ['InputParameters.maxAccessKeyAge: "90" → "60"'],
      },
    ]);
  });

  it('rules added and removed, matched by ConfigRuleName', () => {
    expect(ruleChanges(template('90', versioning), template('90'))).toEqual([
      { rule: 's3-bucket-versioning-enabled', change: 'removed', details: [] },
    ]);
    expect(ruleChanges(template('90'), template('90', versioning))).toEqual([
      { rule: 's3-bucket-versioning-enabled', change: 'added', details: [] },
    ]);
  });

  it('scopes and remediations (found through a Ref to their rule)', () => {
    const before = template('90', versioning, fix('AWS-ConfigureS3BucketVersioning'));
    const after = template(
      '90',
      versioning.replace('AWS::S3::Bucket', 'AWS::S3::AccessPoint'),
      fix('Custom-Versioning'),
    );
    expect(ruleChanges(before, after)).toEqual([
      {
        rule: 's3-bucket-versioning-enabled',
        change: 'changed',
        details: [
          'Scope.ComplianceResourceTypes: ["AWS::S3::Bucket"] → ["AWS::S3::AccessPoint"]',
          'Remediation.TargetId: "AWS-ConfigureS3BucketVersioning" → "Custom-Versioning"',
        ],
      },
    ]);
    expect(ruleChanges(template('90', versioning), before)).toEqual([
      {
        rule: 's3-bucket-versioning-enabled',
        change: 'changed',
        details: ['Remediation: "AWS-ConfigureS3BucketVersioning" added'],
      },
    ]);
  });

  it('a text that is no template gives no rule diff rather than a wrong one', () => {
    expect(ruleChanges('{{{ not yaml', template('90'))).toBeUndefined();
  });
});
