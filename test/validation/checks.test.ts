/**
 * Every template check, two ways:
 *  - its own good/bad fixtures (always run): a small valid template has no finding; the same
 *    template with the check's defect has exactly that check's finding, at the defect's line;
 *  - applied to a real AWS sample pack (read from ../shared, skipped when absent): the mutated
 *    sample gets the check's id at the mutated line and no other new error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOf, templateFindings as findings } from '../support/templates.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { packageRoot } from '../../src/util/package-root.js';
import { templateChecks } from '../../src/validation/checks/index.js';

const samplesDir = join(packageRoot(), '../shared/samples/aws-conformance-packs');
const haveSamples = existsSync(samplesDir);

const base = `Parameters:
  MaxAge:
    Type: String
    Default: '90'
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
      InputParameters:
        maxAccessKeyAge: !Ref MaxAge
  AlbDesync:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: alb-desync-mode-check
      Source:
        Owner: AWS
        SourceIdentifier: ALB_DESYNC_MODE_CHECK
      InputParameters:
        desyncMode: defensive,strictest
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-versioning-enabled
      Scope:
        ComplianceResourceTypes: [AWS::S3::Bucket]
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
  S3VersioningRemediation:
    Type: AWS::Config::RemediationConfiguration
    DependsOn: S3Versioning
    Properties:
      ConfigRuleName: s3-bucket-versioning-enabled
      TargetType: SSM_DOCUMENT
      TargetId: AWS-ConfigureS3BucketVersioning
      Automatic: true
      Parameters:
        AutomationAssumeRole:
          StaticValue:
            Values: [arn:aws:iam::111122223333:role/fix]
        BucketName:
          ResourceValue:
            Value: RESOURCE_ID
`;

/** Replaces the first occurrence of `find`; the defect is expected at `at` (default: the replacement). */
interface Edit {
  /** Text to replace, or a function picking it from the file. */
  find: string | ((text: string) => string);
  replace: string;
  at?: string;
  /** The defect's line when it is fixed (the whole file: line 1). */
  line?: number;
}

const fromResourcesToEnd = (text: string) => text.slice(text.indexOf('Resources:'));

const manyRules = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `  Extra${i}:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: extra-${i}\n      Source:\n        Owner: AWS\n        SourceIdentifier: IAM_ROOT_ACCESS_KEY_CHECK\n`,
  ).join('');
const manyParameters = (n: number) =>
  Array.from({ length: n }, (_, i) => `  Extra${i}:\n    Type: String\n    Default: x\n`).join('');

const S3R = 'Operational-Best-Practices-for-Amazon-S3-with-Remediation.yaml';
const CIS = 'Operational-Best-Practices-for-CIS-AWS-v1.4-Level1.yaml';

interface Case {
  id: string;
  severity?: 'error' | 'warning';
  bad: Edit;
  inline?: boolean;
  /** Regions the template is meant for (`--region`). */
  regions?: string[];
  sample: { file: string } & Edit;
}

const cases: Case[] = [
  {
    id: 'PS200',
    bad: { find: fromResourcesToEnd, replace: 'Resources: {}\n', at: 'Resources: {}' },
    sample: { file: S3R, find: fromResourcesToEnd, replace: 'Resources: {}\n', at: 'Resources: {}' },
  },
  {
    id: 'PS201',
    bad: { find: 'Resources:\n', replace: 'Outputz:\n  X:\n    Value: y\nResources:\n', at: 'Outputz:' },
    sample: {
      file: S3R,
      find: 'Resources:\n',
      replace: 'Mapping:\n  M:\n    K: {V: x}\nResources:\n',
      at: 'Mapping:',
    },
  },
  {
    id: 'PS202',
    bad: { find: 'Type: AWS::Config::RemediationConfiguration', replace: 'Type: AWS::S3::Bucket' },
    sample: {
      file: S3R,
      find: "Type: 'AWS::Config::RemediationConfiguration'",
      replace: 'Type: AWS::SSM::Document',
    },
  },
  {
    id: 'PS203',
    severity: 'warning',
    bad: { find: 'maxAccessKeyAge: !Ref MaxAge', replace: 'maxAccessKeyAge: !GetAtt AlbDesync.Arn' },
    sample: {
      file: CIS,
      find: '- Ref: AccessKeysRotatedParamMaxAccessKeyAge',
      replace: "- Fn::GetAZs: ''",
    },
  },
  {
    id: 'PS204',
    severity: 'warning',
    bad: {
      find: '    DependsOn: S3Versioning',
      replace: '    DeletionPolicy: Retain\n    DependsOn: S3Versioning',
      at: 'DeletionPolicy',
    },
    sample: {
      file: S3R,
      find: '    DependsOn: S3BucketPublicReadProhibited',
      replace: '    UpdateReplacePolicy: Retain\n    DependsOn: S3BucketPublicReadProhibited',
      at: 'UpdateReplacePolicy',
    },
  },
  {
    id: 'PS205',
    bad: { find: '    Type: String', replace: '    Type: Number' },
    sample: { file: S3R, find: '    Type: String', replace: '    Type: List<String>' },
  },
  {
    id: 'PS206',
    bad: { find: 'maxAccessKeyAge: !Ref MaxAge', replace: "maxAccessKeyAge: !Sub '${MaxAgee}'" },
    sample: {
      file: CIS,
      find: '- Ref: AccessKeysRotatedParamMaxAccessKeyAge',
      replace: "- Fn::Sub: '${AccessKeysRotatedParamMaxAccessKeyAg}'",
    },
  },
  {
    id: 'PS210',
    bad: {
      find: '      ConfigRuleName: s3-bucket-versioning-enabled\n      Scope:',
      replace: '      ConfigRuleName: s3-bucket-versioning-enabled\n      Scopes:',
      at: 'Scopes:',
    },
    sample: {
      file: S3R,
      find: 'MaximumExecutionFrequency: Six_Hours',
      replace: 'MaximumExecutionFrequency: Seven_Hours',
    },
  },
  {
    id: 'PS211',
    bad: { find: 'maxAccessKeyAge: !Ref MaxAge', replace: 'maxAccessKeyAge: [90]' },
    sample: {
      file: CIS,
      find: '        maxAccessKeyAge:\n          Fn::If:\n          - accessKeysRotatedParamMaxAccessKeyAge\n          - Ref: AccessKeysRotatedParamMaxAccessKeyAge\n          - Ref: AWS::NoValue\n',
      replace: '        maxAccessKeyAge: {days: 90}\n',
    },
  },
  {
    id: 'PS136',
    severity: 'warning',
    bad: {
      find: "    Default: '90'",
      replace: "    AllowedPattern: '(9)\\1'\n    Default: '90'",
      at: 'AllowedPattern',
    },
    sample: {
      file: CIS,
      find: "    Default: '90'",
      replace: "    AllowedPattern: '(?=9)[0-9]+'\n    Default: '90'",
      at: 'AllowedPattern',
    },
  },
  {
    id: 'PS138',
    severity: 'warning',
    bad: { find: "    Default: '90'", replace: '    Default: 090', at: '090' },
    sample: {
      file: CIS,
      find: "    Default: '90'",
      replace: '    Default: 012345678901',
      at: '012345678901',
    },
  },
  {
    id: 'PS220',
    bad: { find: 'TargetType: SSM_DOCUMENT', replace: 'TargetType: LAMBDA' },
    sample: { file: S3R, find: 'TargetType: "SSM_DOCUMENT"', replace: 'TargetType: "AUTOMATION"' },
  },
  {
    id: 'PS111',
    bad: { find: 'SourceIdentifier: ACCESS_KEYS_ROTATED', replace: 'SourceIdentifier: ACCESS_KEYS_ROTATE' },
    sample: {
      file: S3R,
      find: 'SourceIdentifier: S3_BUCKET_PUBLIC_READ_PROHIBITED',
      replace: 'SourceIdentifier: S3_BUCKET_PUBLIC_READ_PROHIBITD',
    },
  },
  {
    id: 'PS112',
    bad: { find: 'maxAccessKeyAge: !Ref MaxAge', replace: 'maxKeyAge: !Ref MaxAge' },
    sample: { file: CIS, find: '        maxAccessKeyAge:', replace: '        maxAccessKeyAgeDays:' },
  },
  {
    id: 'PS113',
    bad: {
      find: '      InputParameters:\n        desyncMode: defensive,strictest',
      replace: '      InputParameters: {}',
      at: 'InputParameters: {}',
    },
    sample: {
      file: CIS,
      find: '      InputParameters:\n        policyARN:\n          Fn::If:\n          - iamPolicyInUseParamPolicyARN\n          - Ref: IamPolicyInUseParamPolicyARN\n          - Ref: AWS::NoValue\n',
      replace: '',
      at: 'SourceIdentifier: IAM_POLICY_IN_USE',
    },
  },
  {
    id: 'PS114',
    bad: { find: "Default: '90'", replace: "Default: 'ninety'" },
    sample: { file: CIS, find: "    Default: '90'", replace: "    Default: 'ninety days'" },
  },
  {
    id: 'PS116',
    bad: {
      find: '        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n',
      replace:
        '        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n      MaximumExecutionFrequency: One_Hour\n',
      at: 'MaximumExecutionFrequency: One_Hour',
    },
    sample: {
      file: S3R,
      find: '        SourceIdentifier: S3_BUCKET_REPLICATION_ENABLED\n',
      replace:
        '        SourceIdentifier: S3_BUCKET_REPLICATION_ENABLED\n      MaximumExecutionFrequency: One_Hour\n',
      at: 'MaximumExecutionFrequency: One_Hour',
    },
  },
  {
    id: 'PS301',
    severity: 'warning',
    bad: {
      find: 'ComplianceResourceTypes: [AWS::S3::Bucket]',
      replace: 'ComplianceResourceTypes: [AWS::EC2::Volume]',
    },
    sample: { file: S3R, find: '- "AWS::S3::Bucket"', replace: '- "AWS::EC2::Volume"' },
  },
  {
    id: 'PS119',
    severity: 'warning',
    bad: {
      find: 'TargetId: AWS-ConfigureS3BucketVersioning',
      replace: 'TargetId: AWS-ConfigureS3BucketVersionin',
    },
    sample: {
      file: S3R,
      find: 'TargetId: "AWS-DisableS3BucketPublicReadWrite"',
      replace: 'TargetId: "AWS-DisableS3BucketPublicReadWrit"',
    },
  },
  {
    id: 'PS120',
    severity: 'warning',
    bad: {
      find: '        BucketName:\n',
      replace:
        '        Versioning:\n          StaticValue:\n            Values: [Enabled]\n        BucketName:\n',
      at: 'Versioning:',
    },
    sample: {
      file: S3R,
      find: '        AutomationAssumeRole:',
      replace:
        '        AutomationRole:\n          StaticValue:\n            Values: [x]\n        AutomationAssumeRole:',
      at: 'AutomationRole:',
    },
  },
  {
    id: 'PS118',
    bad: { find: 'Values: [arn:aws:iam::111122223333:role/fix]', replace: 'Values: [!Ref MaxAge]' },
    sample: {
      file: S3R,
      find: '- arn:aws:iam::<Account-Id>:role/S3OperationsAutomationsExecutionRole',
      replace: '- Ref: S3TargetBucketNameForEnableLogging',
    },
  },
  {
    id: 'PS126',
    bad: {
      find: '        AutomationAssumeRole:\n          StaticValue:\n            Values: [arn:aws:iam::111122223333:role/fix]\n',
      replace: '',
      at: 'Automatic: true',
    },
    sample: {
      file: S3R,
      find: '        AutomationAssumeRole:\n          StaticValue:\n            Values:\n              - arn:aws:iam::<Account-Id>:role/S3OperationsAutomationsExecutionRole\n',
      replace: '',
      at: 'Automatic: True',
    },
  },
  {
    id: 'PS125',
    severity: 'warning',
    bad: {
      find: '        BucketName:\n          ResourceValue:\n            Value: RESOURCE_ID\n',
      replace: '',
      at: '      Parameters:',
    },
    sample: {
      file: S3R,
      find: '        S3BucketName:\n          ResourceValue:\n            Value: "RESOURCE_ID"\n',
      replace: '',
      at: '      Parameters:',
    },
  },
  {
    id: 'PS302',
    severity: 'warning',
    bad: { find: 'arn:aws:iam::111122223333:role/fix', replace: 'arn:aws:iam::<Account-Id>:role/fix' },
    sample: {
      file: CIS,
      find: 'Default: arn:aws:iam::aws:policy/AWSSupportAccess',
      replace: 'Default: arn:aws:iam::<Account-Id>:policy/Support',
    },
  },
  {
    id: 'PS115',
    bad: { find: 'ConfigRuleName: alb-desync-mode-check', replace: 'ConfigRuleName: access-keys-rotated' },
    sample: {
      file: S3R,
      find: 'ConfigRuleName: S3BucketReplicationEnabled',
      replace: 'ConfigRuleName: S3BucketPublicReadProhibited',
    },
  },
  {
    id: 'PS121',
    bad: {
      find: '      ConfigRuleName: s3-bucket-versioning-enabled\n      TargetType',
      replace: '      ConfigRuleName: s3-versioning\n      TargetType',
      at: 'ConfigRuleName: s3-versioning',
    },
    sample: {
      file: S3R,
      find: "    DependsOn: S3BucketPublicReadProhibited\n    Type: 'AWS::Config::RemediationConfiguration'\n    Properties:\n      ConfigRuleName: S3BucketPublicReadProhibited",
      replace:
        "    DependsOn: S3BucketPublicReadProhibited\n    Type: 'AWS::Config::RemediationConfiguration'\n    Properties:\n      ConfigRuleName: S3BucketPublicReadProhibitedX",
      at: 'ConfigRuleName: S3BucketPublicReadProhibitedX',
    },
  },
  {
    id: 'PS401',
    bad: { find: 'maxAccessKeyAge: !Ref MaxAge', replace: 'maxAccessKeyAge: !Ref MaxAgee' },
    sample: {
      file: CIS,
      find: '          - Ref: AccessKeysRotatedParamMaxAccessKeyAge',
      replace: '          - Ref: AccessKeysRotatedParamMaxKeyAge',
    },
  },
  {
    id: 'PS402',
    bad: {
      find: '  AlbDesync:\n    Type: AWS::Config::ConfigRule\n',
      replace: '  AlbDesync:\n    Type: AWS::Config::ConfigRule\n    Condition: IsProduction\n',
      at: 'Condition: IsProduction',
    },
    sample: {
      file: CIS,
      find: '          - accessKeysRotatedParamMaxAccessKeyAge',
      replace: '          - accessKeysRotatedParamMaxKeyAge',
    },
  },
  {
    id: 'PS403',
    bad: { find: 'DependsOn: S3Versioning', replace: 'DependsOn: S3Versionin' },
    sample: {
      file: S3R,
      find: 'DependsOn: S3BucketPublicReadProhibited',
      replace: 'DependsOn: S3BucketPublicReadProhibite',
    },
  },
  {
    id: 'PS128',
    bad: {
      find: 'desyncMode: defensive,strictest',
      replace: `desyncMode: ${'defensive,'.repeat(110)}strictest`,
      at: '      InputParameters:\n        desyncMode',
    },
    sample: {
      file: CIS,
      find: '    Default: arn:aws:iam::aws:policy/AWSSupportAccess',
      replace: `    Default: arn:aws:iam::aws:policy/${'A'.repeat(1100)}`,
      at: '      InputParameters:\n        policyARN',
    },
  },
  {
    id: 'PS130',
    bad: { find: 'Resources:\n', replace: `Resources:\n${manyRules(128)}`, at: 'Resources:' },
    sample: { file: S3R, find: 'Resources:\n', replace: `Resources:\n${manyRules(125)}`, at: 'Resources:' },
  },
  {
    id: 'PS131',
    bad: { find: 'Parameters:\n', replace: `# ${'x'.repeat(310_000)}\nParameters:\n`, line: 1 },
    sample: { file: S3R, find: 'Parameters:\n', replace: `# ${'x'.repeat(310_000)}\nParameters:\n`, line: 1 },
  },
  {
    id: 'PS133',
    severity: 'warning',
    bad: { find: 'Parameters:\n', replace: `# ${'x'.repeat(52_000)}\nParameters:\n`, line: 1 },
    sample: { file: S3R, find: 'Parameters:\n', replace: `# ${'x'.repeat(52_000)}\nParameters:\n`, line: 1 },
  },
  {
    id: 'PS132',
    severity: 'warning',
    bad: { find: 'Parameters:\n', replace: `Parameters:\n${manyParameters(60)}`, at: 'Parameters:' },
    sample: {
      file: S3R,
      find: 'Parameters:\n',
      replace: `Parameters:\n${manyParameters(60)}`,
      at: 'Parameters:',
    },
  },
];

/** Every case's Regions are ones the good template's rules exist in: only the defect is reported. */
cases.push({
  id: 'PS230',
  severity: 'warning',
  regions: ['us-gov-west-1'],
  // S3_BUCKET_TAGGED is not available in GovCloud or China (region-availability.json).
  bad: {
    find: 'SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED',
    replace: 'SourceIdentifier: S3_BUCKET_TAGGED',
  },
  sample: {
    file: S3R,
    find: 'SourceIdentifier: S3_BUCKET_SSL_REQUESTS_ONLY',
    replace: 'SourceIdentifier: S3_BUCKET_TAGGED',
  },
});

function apply(text: string, edit: Edit): { text: string; line: number } {
  const find = typeof edit.find === 'string' ? edit.find : edit.find(text);
  const i = text.indexOf(find);
  if (i < 0) throw new Error(`edit target not found: ${find.slice(0, 80)}`);
  const mutated = text.slice(0, i) + edit.replace + text.slice(i + find.length);
  if (edit.line !== undefined) return { text: mutated, line: edit.line };
  const marker = edit.at ?? edit.replace.split('\n')[0]!;
  // The defect's line: the marker's first occurrence at or after the edit (or before it, for markers such as `Resources:`).
  const after = mutated.indexOf(marker, Math.max(0, i - 200));
  const index = after >= 0 ? after : mutated.indexOf(marker);
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return { text: mutated, line: mutated.slice(0, index).split('\n').length };
}

describe('template checks: good and bad fixtures', () => {
  it('covers every template check', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect(templateChecks.map((c) => c.meta.id).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('finds nothing in the good template', () => {
    expect(findings(base)).toEqual([]);
    expect(findings(base, false, ['us-gov-west-1'])).toEqual([]);
  });

  it.each(cases)('$id: finds the defect at its line, and nothing else', ({ id, bad, severity, regions }) => {
    const { text, line } = apply(base, bad);
    const found = findings(text, false, regions);
    expect(found.map((d) => [d.checkId, d.location?.line])).toEqual([[id, line]]);
    expect(found[0]!.severity).toBe(severity ?? 'error');
    expect(found[0]!.message.length).toBeGreaterThan(10);
    expect(found[0]!.fix).toBeTruthy();
  });

  it('PS133 and PS132 are errors when the template is deployed inline', () => {
    const size = findings(apply(base, cases.find((c) => c.id === 'PS133')!.bad).text, true);
    expect(size.map((d) => [d.checkId, d.severity])).toEqual([['PS133', 'error']]);
    const params = findings(apply(base, cases.find((c) => c.id === 'PS132')!.bad).text, true);
    expect(params.map((d) => [d.checkId, d.severity])).toEqual([['PS132', 'error']]);
  });

  it("PS302: packsmith's own <REPLACE-ME…> placeholders are errors wherever they are", () => {
    const role = 'arn:aws:iam::111122223333:role/fix';
    const filled = findings(
      base.replace(role, "'arn:aws:iam::<REPLACE-ME-account-id>:role/<REPLACE-ME-role-name>'"),
    );
    expect(filled.map((d) => [d.checkId, d.severity])).toEqual([['PS302', 'error']]);
    expect(filled[0]!.message).toContain('<REPLACE-ME-account-id>');
    // Behind another placeholder in the same value, still found; AWS's own placeholders stay warnings.
    const mixed = findings(base.replace(role, "'arn:aws:iam::<Account-Id>:role/<REPLACE-ME-role-name>'"));
    expect(mixed.map((d) => [d.checkId, d.severity])).toEqual([['PS302', 'error']]);
    const aws = findings(base.replace(role, "'arn:aws:iam::<Account-Id>:role/fix'"));
    expect(aws.map((d) => [d.checkId, d.severity])).toEqual([['PS302', 'warning']]);
  });

  it('reads JSON templates and short-form tags alike', () => {
    const json = JSON.stringify(
      {
        Resources: {
          R: {
            Type: 'AWS::Config::ConfigRule',
            Properties: { ConfigRuleName: 'r', Source: { Owner: 'AWS', SourceIdentifier: 'NO_SUCH_RULE' } },
          },
        },
      },
      null,
      2,
    );
    const found = findings(json);
    expect(found.map((d) => [d.checkId, d.location?.line])).toEqual([
      ['PS111', lineOf(json, 'NO_SUCH_RULE')],
    ]);
  });
});

describe.skipIf(!haveSamples)(
  `template checks on real AWS samples${haveSamples ? '' : ' — skipped: ../shared/samples is not present'}`,
  () => {
    const errorsOf = (text: string) =>
      findings(text)
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.checkId}@${d.location?.line}`);

    it.each(cases)(
      '$id: the mutated sample gets it at the mutated line and no other new error',
      ({ id, sample, severity, regions }) => {
        const original = readFileSync(join(samplesDir, sample.file), 'utf8');
        const { text, line } = apply(original, sample);
        const before = findings(original, false, regions);
        const after = findings(text, false, regions);
        const key = (d: Diagnostic) => `${d.checkId}|${d.severity}|${d.message}`;
        const known = new Set(before.map(key));
        const added = after.filter((d) => !known.has(key(d)));
        expect(added.filter((d) => d.checkId === id).map((d) => d.location?.line)).toContain(line);
        expect(added.find((d) => d.checkId === id)!.severity).toBe(severity ?? 'error');
        const otherNewErrors = added.filter((d) => d.checkId !== id && d.severity === 'error');
        expect(otherNewErrors).toEqual([]);
        expect(errorsOf(original)).toEqual([]);
      },
    );
  },
);
