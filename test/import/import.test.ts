/**
 * `packsmith import`: hand-written templates covering every construct import supports are turned
 * into blocks and manifests, loaded and built again, and compared with the originals under the
 * equivalence definition of src/import/equivalence.ts. Also: sharing and per-pack overrides across
 * packs, refusing to overwrite, templates that are not conformance packs, hostile values.
 */
import { Ajv } from 'ajv';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ImportOutputSchema, type ImportOutput } from '../../src/report/schemas/import.js';
import { schemasFolder } from '../../src/import/import.js';
import { runCli, withStderrTerminal } from '../support/cli.js';
import { differencesByPack, errorsOf, readOriginal, readTree, rebuild, scratch } from './support.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/import');

type Doc = Record<string, unknown>;
const load = (path: string) => parse(readFileSync(path, 'utf8')) as Doc;

/** Imports `args` into `<scratch>/packs` and rebuilds; the CLI result and the rebuilt packs. */
async function importInto(args: string[], into?: string) {
  const packs = into ?? join(scratch(), 'packs');
  const cli = await runCli(['import', ...args, '--into', packs]);
  return { cli, packs };
}

describe('import: every supported construct', () => {
  const dir = join(fixtures, 'constructs');

  it('imports a template with every construct and rebuilds it into an equivalent template', async () => {
    const { cli, packs } = await importInto([dir]);
    expect(cli.stderr).not.toMatch(/error/);
    expect(cli.code).toBe(0);
    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    const differences = differencesByPack(
      {
        constructs: readOriginal(join(dir, 'constructs.yaml')),
        'json-template': readOriginal(join(dir, 'json-template.json')),
      },
      rebuilt,
    );
    expect(differences).toEqual({ constructs: [], 'json-template': [] });

    // What the equivalence rests on, checked directly on the built template.
    const built = rebuilt.templates.get('constructs') as {
      Conditions: Record<string, unknown>;
      Resources: Record<string, { Condition?: string; Properties: Doc }>;
    };
    const byName = (name: string) =>
      Object.values(built.Resources).find((r) => r.Properties.ConfigRuleName === name)!;
    expect(built.Conditions[byName('alb-waf-enabled').Condition!]).toEqual({
      'Fn::Equals': [{ Ref: 'CheckForWaf' }, 'true'],
    });
    expect(byName('encrypted-volumes').Properties.InputParameters).toEqual({
      'Fn::If': ['HasKmsKeyId', { kmsId: { Ref: 'KmsKeyId' } }, { Ref: 'AWS::NoValue' }],
    });
    expect(byName('access-keys-rotated').Properties.InputParameters).toEqual({
      maxAccessKeyAge: { 'Fn::If': ['maxAccessKeyAge', { Ref: 'MaxAccessKeyAge' }, { Ref: 'AWS::NoValue' }] },
    });
    expect(byName('vpc-flow-logs-enabled').Properties.InputParameters).toEqual({
      trafficType: { 'Fn::If': ['IsProd', { Ref: 'Environment' }, { Ref: 'AWS::NoValue' }] },
    });
    expect(byName('required-tags').Properties.InputParameters).toEqual({
      tag1Key: { Ref: 'SharedTagKey' },
      tag2Key: 'Owner',
      tag2Value: '42',
    });
    expect((byName('custom-periodic').Properties.Source as Doc).SourceDetails).toEqual([
      {
        EventSource: 'aws.config',
        MessageType: 'ScheduledNotification',
        MaximumExecutionFrequency: 'Six_Hours',
      },
      { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
    ]);
    expect((byName('custom-from-parameter').Properties.Source as Doc).SourceIdentifier).toEqual({
      Ref: 'RuleLambdaArn',
    });
  });

  it('writes the format extensions: conditions, overrides, explicit rule names, parameter forms', async () => {
    const { cli, packs } = await importInto([dir]);
    const manifest = load(join(packs, 'constructs.yaml'));
    // The optional-parameter idiom (loggingBucket, maxAccessKeyAge: "X is not empty", used only by
    // inputs now written `expose: X, optional: true`) is left to composition, which writes it again.
    expect(Object.keys(manifest.conditions as Doc)).toEqual([
      'HasKmsKeyId',
      'checkWaf',
      'IsProd',
      'WafInProd',
      'WafOrDev',
    ]);
    expect((manifest.parameters as Doc).MaxAccessKeyAge).toEqual({
      default: '90',
      description: 'Maximum age of an access key, in days.',
      pattern: '^[0-9]+$',
      constraintDescription: 'Digits only.',
    });
    const rules = manifest.rules as unknown[];
    expect(rules).toContainEqual({ use: 'alb-waf-enabled', condition: 'checkWaf' });
    expect(rules).toContainEqual({ use: 'encrypted-volumes', parametersCondition: 'HasKmsKeyId' });
    // The fixture's remediation ids are not the derived ones (rule id + Remediation): kept.
    expect(manifest.remediations).toEqual([
      { use: 's3-bucket-logging-enabled-remediation', logicalId: 'S3BucketLoggingRemediation' },
      { use: 'alb-waf-enabled-remediation', logicalId: 'WafRemediation', condition: 'checkWaf' },
    ]);

    // A rule name that is no block name keeps its name in ruleName.
    const processCheck = load(join(packs, 'rules/Manual-review-access-3-quarterly.yaml'));
    expect(processCheck.ruleName).toBe('Manual review: access #3 (quarterly)');
    expect(processCheck.source).toEqual({ managed: 'AWS_CONFIG_PROCESS_CHECK' });
    // The standard idiom leaves the condition to composition; another condition is named.
    expect(load(join(packs, 'rules/access-keys-rotated.yaml')).parameters).toEqual({
      maxAccessKeyAge: { expose: 'MaxAccessKeyAge', optional: true },
    });
    expect(load(join(packs, 'rules/vpc-flow-logs-enabled.yaml')).parameters).toEqual({
      trafficType: { expose: 'Environment', optional: true, condition: 'IsProd' },
    });
    expect(load(join(packs, 'rules/custom-periodic.yaml')).source).toEqual({
      lambda: {
        arn: 'arn:aws:lambda:us-east-1:111122223333:function:periodic-check',
        triggers: [
          { messageType: 'ScheduledNotification', maximumExecutionFrequency: 'Six_Hours' },
          'ConfigurationItemChangeNotification',
        ],
      },
    });
    const remediation = load(join(packs, 'remediations/s3-bucket-logging-enabled-remediation.yaml'));
    expect(remediation).toMatchObject({
      runbookVersion: '1',
      automatic: true,
      maximumAutomaticAttempts: 5,
      executionControls: { concurrentExecutionRatePercentage: 10, errorPercentage: 20 },
      parameters: {
        AutomationAssumeRole: 'arn:aws:iam::111122223333:role/remediation',
        BucketName: { resourceId: true },
        TargetBucket: { parameter: 'LoggingBucket' },
        GrantedPermission: { values: ['FULL_CONTROL', 'READ'] },
      },
    });
    // Outside a repository with .packsmith/schemas, and with packsmith installed elsewhere, no file
    // points into the installation (a path that is wrong on every other machine).
    for (const [rel, text] of Object.entries(readTree(packs))) {
      expect(text, rel).not.toMatch(/\$schema=/);
    }
    expect(cli.stderr).toMatch(/note: the files have no \$schema line/);
  });

  it('refers to <root>/.packsmith/schemas when the repository has it, and writes the same bytes every time', async () => {
    const root = scratch({ '.packsmith/schemas/rule.schema.json': '{}' });
    const first = await importInto([dir], join(root, 'packs'));
    const rule = readFileSync(join(root, 'packs/rules/alb-waf-enabled.yaml'), 'utf8');
    expect(rule.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../.packsmith/schemas/rule.schema.json',
    );
    const second = await importInto(
      [dir],
      join(scratch({ '.packsmith/schemas/rule.schema.json': '{}' }), 'packs'),
    );
    expect(readTree(second.packs)).toEqual(readTree(first.packs));
  });

  it("writes no $schema line where init's editor mapping gives every file its schema (a line would break once the file moves)", async () => {
    const root = scratch({
      '.packsmith/schemas/rule.schema.json': '{}',
      '.vscode/settings.json': JSON.stringify({
        'yaml.schemas': { '.packsmith/schemas/packsmith.schema.json': ['packs/**/*.yaml'] },
      }),
    });
    const { cli, packs } = await importInto([dir], join(root, 'packs'));
    const tree = readTree(packs);
    expect(Object.keys(tree).length).toBeGreaterThan(1);
    for (const [rel, text] of Object.entries(tree)) expect(text, rel).not.toMatch(/\$schema=/);
    expect(cli.stderr).not.toMatch(/no \$schema line/);
  });
});

describe('import: descriptions and $schema lines', () => {
  const template = (description: string) => `${description}Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Description: Checks that active access keys are rotated.
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
  RootAccountMfaEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: root-account-mfa-enabled
      Source: { Owner: AWS, SourceIdentifier: ROOT_ACCOUNT_MFA_ENABLED }
`;

  it("describes blocks and manifests with the template's descriptions; provenance is a comment", async () => {
    const templates = scratch({
      'described.yaml': template('Description: Keys and root account hygiene.\n'),
      'plain.yaml': template(''),
    });
    const { cli, packs } = await importInto([templates]);
    expect(cli.code).toBe(0);
    expect(load(join(packs, 'described.yaml')).description).toBe('Keys and root account hygiene.');
    // No Description in the template: none is made up.
    expect(load(join(packs, 'plain.yaml'))).not.toHaveProperty('description');
    expect(load(join(packs, 'rules/access-keys-rotated.yaml')).description).toBe(
      'Checks that active access keys are rotated.',
    );
    expect(load(join(packs, 'rules/root-account-mfa-enabled.yaml'))).not.toHaveProperty('description');
    const tree = readTree(packs);
    for (const [rel, text] of Object.entries(tree)) {
      expect(JSON.stringify(parse(text)), rel).not.toMatch(/Imported from/);
    }
    expect(tree['plain.yaml']!.split('\n')[0]).toBe('# Imported from plain.yaml by packsmith import.');
    // The rebuilt packs are still equivalent (the comment is not part of the document).
    const rebuilt = await rebuild(packs);
    expect(
      differencesByPack(
        {
          described: readOriginal(join(templates, 'described.yaml')),
          plain: readOriginal(join(templates, 'plain.yaml')),
        },
        rebuilt,
      ),
    ).toEqual({ described: [], plain: [] });
  });

  it('points $schema lines at the repository copy, a project-local installation, or nowhere', () => {
    const root = '/repo';
    const has =
      (...paths: string[]) =>
      (path: string) =>
        paths.includes(path);
    const local = '/repo/node_modules/packsmith/schemas';
    // A repository made by init: its own copy wins.
    expect(schemasFolder(root, local, has('/repo/.packsmith/schemas', local))).toBe(
      '/repo/.packsmith/schemas',
    );
    // packsmith installed in the repository: the same relative path on every clone.
    expect(schemasFolder(root, local, has(local))).toBe(local);
    // A global installation or another checkout: no line rather than a path into it.
    const global = '/usr/lib/node_modules/packsmith/schemas';
    expect(schemasFolder(root, global, has(global))).toBeUndefined();
    expect(schemasFolder(root, '/repository/schemas', has('/repository/schemas'))).toBeUndefined();
  });
});

describe('import: the optional-parameter idiom', () => {
  const template = `Parameters:
  MaxAgeParam: { Type: String, Default: '90' }
  DaysParam: { Type: String, Default: '30' }
Conditions:
  MaxAgeParamNotEmpty: !Not [!Equals ['', !Ref MaxAgeParam]]
  DaysParamNotEmpty: !Not [!Equals ['', !Ref DaysParam]]
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters:
        maxAccessKeyAge: !If [MaxAgeParamNotEmpty, !Ref MaxAgeParam, !Ref AWS::NoValue]
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
  GuarddutyNonArchivedFindings:
    Type: AWS::Config::ConfigRule
    Condition: DaysParamNotEmpty
    Properties:
      ConfigRuleName: guardduty-non-archived-findings
      InputParameters:
        daysLowSev: !If [DaysParamNotEmpty, !Ref DaysParam, !Ref AWS::NoValue]
      Source: { Owner: AWS, SourceIdentifier: GUARDDUTY_NON_ARCHIVED_FINDINGS }
`;

  it('becomes an optional exposed input; a condition used for anything else is kept', async () => {
    const templates = scratch({ 'idiom.yaml': template });
    const { cli, packs } = await importInto([templates]);
    expect(cli.code, cli.stderr).toBe(0);
    const manifest = load(join(packs, 'idiom.yaml'));
    // MaxAgeParamNotEmpty is what composition writes for `expose: MaxAgeParam, optional: true`.
    expect(manifest.conditions).toEqual({
      DaysParamNotEmpty: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'DaysParam' }] }] },
    });
    expect(load(join(packs, 'rules/access-keys-rotated.yaml')).parameters).toEqual({
      maxAccessKeyAge: { expose: 'MaxAgeParam', optional: true },
    });
    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(differencesByPack({ idiom: readOriginal(join(templates, 'idiom.yaml')) }, rebuilt)).toEqual({
      idiom: [],
    });
  });
});

describe('import: names of rule variants', () => {
  const lambda = (fn: string, trigger: string) => `Resources:
  CustomCheck:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: custom-check
      Source:
        Owner: CUSTOM_LAMBDA
        SourceIdentifier: arn:aws:lambda:us-east-1:111122223333:function:${fn}
        SourceDetails:
          - EventSource: aws.config
            MessageType: ${trigger}
`;
  const remediated = (runbook: string) => `Resources:
  S3BucketLoggingEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-logging-enabled
      Source: { Owner: AWS, SourceIdentifier: S3_BUCKET_LOGGING_ENABLED }
  S3BucketLoggingEnabledRemediation:
    Type: AWS::Config::RemediationConfiguration
    Properties:
      ConfigRuleName: s3-bucket-logging-enabled
      TargetType: SSM_DOCUMENT
      TargetId: ${runbook}
      Parameters:
        BucketName:
          ResourceValue:
            Value: RESOURCE_ID
`;

  it('names a variant after what sets it apart (function, runbook, pack), never with a number', async () => {
    const templates = scratch({
      // One function, three trigger sets: the first block has the rule's name, the next the
      // function's, the last its pack's.
      'alpha.yaml': lambda('AlphaCheck', 'ConfigurationItemChangeNotification'),
      'beta.yaml': lambda('AlphaCheck', 'OversizedConfigurationItemChangeNotification'),
      'gamma.yaml': lambda('AlphaCheck', 'ConfigurationSnapshotDeliveryCompleted'),
      'logs-a.yaml': remediated('AWS-ConfigureS3BucketLogging'),
      'logs-b.yaml': remediated('Custom-EnableS3Logging'),
    });
    const { cli, packs } = await importInto([templates]);
    expect(cli.code, cli.stderr).toBe(0);
    const tree = readTree(packs);
    expect(
      Object.keys(tree)
        .filter((f) => f.startsWith('rules/custom-check'))
        .sort(),
    ).toEqual([
      'rules/custom-check-alpha-check.yaml',
      'rules/custom-check-beta.yaml',
      'rules/custom-check.yaml',
    ]);
    expect(load(join(packs, 'alpha.yaml')).rules).toEqual(['custom-check']);
    expect(load(join(packs, 'beta.yaml')).rules).toEqual(['custom-check-beta']);
    expect(load(join(packs, 'gamma.yaml')).rules).toEqual(['custom-check-alpha-check']);
    expect(
      Object.keys(tree)
        .filter((f) => f.startsWith('remediations/'))
        .sort(),
    ).toEqual([
      'remediations/s3-bucket-logging-enabled-custom-enable-s3-logging.yaml',
      'remediations/s3-bucket-logging-enabled-remediation.yaml',
    ]);
    expect(Object.keys(tree).filter((f) => /-\d+\.yaml$/.test(f))).toEqual([]);
    const rebuilt = await rebuild(packs);
    const originals = Object.fromEntries(
      ['alpha', 'beta', 'gamma', 'logs-a', 'logs-b'].map((n) => [
        n,
        readOriginal(join(templates, `${n}.yaml`)),
      ]),
    );
    expect(Object.values(differencesByPack(originals, rebuilt)).flat()).toEqual([]);
  });
});

describe('import: sharing blocks across packs', () => {
  const rotated = (extra: string) => `
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
${extra}`;
  const a = `Parameters:
  MaxAge: { Type: String, Default: '90' }
Conditions:
  maxAge: !Not [!Equals ['', !Ref MaxAge]]
Resources:${rotated(`    Controls: [A-1]
    Properties:
      ConfigRuleName: access-keys-rotated
      Description: Rotate keys.
      InputParameters:
        maxAccessKeyAge: !If [maxAge, !Ref MaxAge, !Ref AWS::NoValue]
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }`)}
  RootAccountMfaEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: root-account-mfa-enabled
      Source: { Owner: AWS, SourceIdentifier: ROOT_ACCOUNT_MFA_ENABLED }
  AutoscalingMultipleAz:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: autoscaling-multiple-az
      Source: { Owner: AWS, SourceIdentifier: AUTOSCALING_MULTIPLE_AZ }
`;
  const b = a
    .replace("Default: '90'", "Default: '60'")
    .replace('[A-1]', '[B-1]')
    .replace(
      'SourceIdentifier: AUTOSCALING_MULTIPLE_AZ',
      'SourceIdentifier: AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED',
    );
  const c = `Resources:${rotated(`    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters:
        maxAccessKeyAge: 30
      Scope:
        ComplianceResourceTypes: [AWS::IAM::User]
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }`)}
  RootAccountMfaEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: root-account-mfa-enabled
      Source: { Owner: AWS, SourceIdentifier: ROOT_ACCOUNT_MFA_ENABLED }
`;

  it('gives rules with one name and source one block; the differences are per-pack overrides', async () => {
    const templates = scratch({ 'a.yaml': a, 'b.yaml': b, 'c.yml': c });
    const { cli, packs } = await importInto([templates]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/imported 3 of 3 template\(s\)/);
    expect(cli.stdout).toMatch(/3 pack\(s\), 4 rule block\(s\) for 8 rule\(s\)/);
    expect(cli.stdout).toMatch(/2 shared block\(s\)/);

    const tree = readTree(packs);
    expect(
      Object.keys(tree)
        .filter((f) => f.startsWith('rules/'))
        .sort(),
    ).toEqual([
      'rules/access-keys-rotated.yaml',
      'rules/autoscaling-multiple-az-autoscaling-group-elb-healthcheck-required.yaml',
      'rules/autoscaling-multiple-az.yaml',
      'rules/root-account-mfa-enabled.yaml',
    ]);
    // The block holds what most packs use; absent counts, and a tie leaves the property out.
    expect(load(join(packs, 'rules/access-keys-rotated.yaml'))).toEqual({
      kind: 'rule',
      name: 'access-keys-rotated',
      description: 'Rotate keys.',
      source: { managed: 'ACCESS_KEYS_ROTATED' },
      parameters: { maxAccessKeyAge: { expose: 'MaxAge', optional: true } },
    });
    const rules = (pack: string) => load(join(packs, `${pack}.yaml`)).rules;
    expect(rules('a')).toEqual([
      { use: 'access-keys-rotated', controls: ['A-1'] },
      'root-account-mfa-enabled',
      'autoscaling-multiple-az',
    ]);
    expect(rules('b')).toEqual([
      { use: 'access-keys-rotated', controls: ['B-1'] },
      'root-account-mfa-enabled',
      'autoscaling-multiple-az-autoscaling-group-elb-healthcheck-required',
    ]);
    expect(rules('c')).toEqual([
      {
        use: 'access-keys-rotated',
        description: null,
        parameters: { maxAccessKeyAge: '30' },
        scope: { resourceTypes: ['AWS::IAM::User'] },
      },
      'root-account-mfa-enabled',
    ]);
    const split = load(
      join(packs, 'rules/autoscaling-multiple-az-autoscaling-group-elb-healthcheck-required.yaml'),
    );
    expect(split.ruleName).toBe('autoscaling-multiple-az');

    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(
      differencesByPack(
        {
          a: readOriginal(join(templates, 'a.yaml')),
          b: readOriginal(join(templates, 'b.yaml')),
          c: readOriginal(join(templates, 'c.yml')),
        },
        rebuilt,
      ),
    ).toEqual({ a: [], b: [], c: [] });
  });

  it('writes no two identical block files, and no two blocks for one rule name and source', async () => {
    const { packs } = await importInto([
      scratch({ 'a.yaml': a, 'b.yaml': b, 'c.yaml': c }),
      join(fixtures, 'constructs'),
    ]);
    const blocks = Object.entries(readTree(packs)).filter(
      ([f]) => f.startsWith('rules/') || f.startsWith('remediations/'),
    );
    const contents = blocks.map(([, text]) => text);
    expect(new Set(contents).size).toBe(contents.length);
    const keys = blocks
      .filter(([f]) => f.startsWith('rules/'))
      .map(([, text]) => {
        const block = parse(text) as Doc;
        return `${String(block.ruleName ?? block.name)} ${JSON.stringify(block.source)}`;
      });
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('import: existing files', () => {
  const dir = join(fixtures, 'constructs');

  it('accepts identical files, refuses to overwrite changed ones (writing nothing), and overwrites them with --force', async () => {
    const { packs } = await importInto([dir]);
    const again = await runCli(['import', dir, '--into', packs]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 file\(s\) written, 17 unchanged/);

    const changed = join(packs, 'rules/access-keys-rotated.yaml');
    writeFileSync(
      changed,
      'kind: rule\nname: access-keys-rotated\nsource: { managed: ACCESS_KEYS_ROTATED }\n',
    );
    rmSync(join(packs, 'json-template.yaml'));
    const refused = await runCli(['import', dir, '--into', packs]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /import refused: 1 file\(s\) exist with other content; nothing was written/,
    );
    expect(refused.stderr).toContain('rules/access-keys-rotated.yaml');
    expect(readFileSync(changed, 'utf8')).toMatch(/^kind: rule\n/);
    expect(existsSync(join(packs, 'json-template.yaml'))).toBe(false);

    const forced = await runCli(['import', dir, '--into', packs, '--force', '--format', 'json']);
    expect(forced.code).toBe(0);
    const report = JSON.parse(forced.stdout) as ImportOutput;
    const status = Object.fromEntries(report.files.map((f) => [f.path.replace(/.*\/packs\//, ''), f.status]));
    expect(status['rules/access-keys-rotated.yaml']).toBe('overwritten');
    expect(status['json-template.yaml']).toBe('created');
    expect(status['constructs.yaml']).toBe('unchanged');
    expect(readFileSync(changed, 'utf8')).toContain(
      'description: Checks that active access keys are rotated.',
    );
  });

  it('does not reuse the name of a block defined by another file of the repository', async () => {
    const root = scratch({
      'packs/rules/custom.yaml':
        'kind: rule\nname: alb-waf-enabled\nsource: { managed: ALB_WAF_ENABLED }\ndescription: mine\n',
    });
    const { cli, packs } = await importInto([dir], join(root, 'packs'));
    expect(cli.code).toBe(0);
    expect(existsSync(join(packs, 'rules/alb-waf-enabled.yaml'))).toBe(false);
    const manifest = load(join(packs, 'constructs.yaml'));
    // Named after the one pack that uses it, not numbered.
    expect(manifest.rules).toContainEqual({ use: 'alb-waf-enabled-constructs', condition: 'checkWaf' });
    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(differencesByPack({ constructs: readOriginal(join(dir, 'constructs.yaml')) }, rebuilt)).toEqual({
      constructs: [],
    });
  });
});

describe('import: values CloudFormation computes', () => {
  it('keeps Fn::Sub, Fn::ImportValue, Fn::FindInMap, pseudo parameters, Mappings and name forms as written', async () => {
    const template = join(fixtures, 'computed', 'computed-values.yaml');
    const { cli, packs } = await importInto([template]);
    expect(cli.code, cli.stderr).toBe(0);
    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(differencesByPack({ 'computed-values': readOriginal(template) }, rebuilt)).toEqual({
      'computed-values': [],
    });
    // Raw values as { cfn }, a Ref to a template parameter as { parameter }.
    expect(load(join(packs, 'rules/required-tags.yaml')).parameters).toEqual({
      tag1Key: { cfn: { 'Fn::FindInMap': ['Tags', 'cost', 'key'] } },
      tag2Key: { cfn: { 'Fn::Sub': '${AWS::AccountId}-owner' } },
      tag3Key: { cfn: { Ref: 'AWS::Region' } },
    });
    const guard = load(join(packs, 'rules/guard-by-parameter.yaml'));
    expect(guard.ruleName).toEqual({ parameter: 'RuleName' });
    expect(guard.source).toMatchObject({
      guard: { debugLogDelivery: { cfn: 'True' }, identifier: 'my-guard' },
    });
    const unnamed = load(join(packs, 'rules/Unnamed.yaml'));
    expect(unnamed.ruleName).toBe(false);
    expect(unnamed.maximumExecutionFrequency).toEqual({ parameter: 'Frequency' });
    expect(load(join(packs, 'remediations/guard-by-parameter-remediation.yaml')).runbook).toEqual({
      parameter: 'Runbook',
    });
    expect(load(join(packs, 'remediations/required-tags-remediation.yaml')).parameters).toMatchObject({
      Topic: { cfn: { 'Fn::ImportValue': 'TopicArn' } },
      Accounts: { values: ['one', { cfn: { Ref: 'AWS::AccountId' } }] },
    });
    expect(load(join(packs, 'computed-values.yaml')).mappings).toEqual({
      Tags: { cost: { key: 'cost-center', values: ['a', 'b'] } },
    });
  });
});

describe('import: templates that are not conformance packs', () => {
  it('reports each at file:line:column with what to do, and still imports the others', async () => {
    const { cli, packs } = await importInto([join(fixtures, 'broken')]);
    expect(cli.code).toBe(1);
    const at = (file: string, line: number, column: number) =>
      new RegExp(`test/fixtures/import/broken/${file}:${line}:${column}  error  PS150  `);
    expect(cli.stderr).toMatch(at('s3-bucket.yaml', 10, 11));
    expect(cli.stderr).toMatch(/AWS::S3::Bucket is not allowed in a conformance pack/);
    expect(cli.stderr).toMatch(at('mapping-value.yaml', 11, 23));
    expect(cli.stderr).toMatch(/an input value must be a text, .* not a mapping/);
    expect(cli.stderr).toMatch(at('syntax-error.yaml', 5, 23));
    expect(cli.stderr).toMatch(at('outputs.yaml', 9, 1));
    expect(cli.stderr).toMatch(/fix: Remove the Outputs section/);
    expect(cli.stderr).toMatch(/4 template\(s\) not imported/);
    expect(cli.stdout).toMatch(/imported 1 of 5 template\(s\)/);
    expect(Object.keys(readTree(packs)).sort()).toEqual(['good.yaml', 'rules/root-account-mfa-enabled.yaml']);
  });

  it('reports parameters, conditions and values the formats cannot express', async () => {
    const template = `Parameters:
  Count: { Type: Number, Default: 3 }
  Name: { Type: String, NoEcho: true }
Conditions:
  Bad: !Equals [!Ref Missing, x]
Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    DeletionPolicy: Retain
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
      InputParameters:
        maxAccessKeyAge: !If [Bad, '30', '60']
`;
    const dir = scratch({ 'odd.yaml': template });
    const { cli } = await importInto([join(dir, 'odd.yaml')]);
    expect(cli.code).toBe(1);
    const lines = cli.stderr.split('\n').filter((l) => l.includes('PS150'));
    expect(lines.map((l) => /odd\.yaml:(\d+:\d+)/.exec(l)?.[1])).toEqual([
      '2:18',
      '3:25',
      '5:22',
      '9:5',
      '14:30',
    ]);
    expect(cli.stderr).toMatch(
      /parameter type "Number" is not supported: packsmith writes every parameter as Type: String/,
    );
    expect(cli.stderr).toMatch(/NoEcho cannot be expressed/);
    expect(cli.stderr).toMatch(/Ref "Missing" names no parameter/);
    expect(cli.stderr).toMatch(/DeletionPolicy cannot be expressed/);
    expect(cli.stderr).toMatch(/Fn::If only as Fn::If \[CONDITION, Ref PARAMETER, Ref AWS::NoValue\]/);
  });
});

describe('import: templates whose pack would not build', () => {
  it('reports the build problem at the resource it comes from and imports the rest', async () => {
    const dir = scratch({
      'unknown.yaml': `Resources:
  Mine:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: my-rule
      Source: { Owner: AWS, SourceIdentifier: NOT_A_REAL_RULE }
  Rotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters: { maxAccessKeyAge: abc }
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
`,
      'ok.yaml': `Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
`,
    });
    const { cli, packs } = await importInto([dir]);
    expect(cli.code).toBe(1);
    const lines = cli.stderr.split('\n').filter((l) => l.includes('PS150'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(
      'unknown.yaml:2:3  error  PS150  the imported pack does not build: unknown managed rule identifier "NOT_A_REAL_RULE" [PS111]',
    );
    expect(lines[1]).toContain(
      'unknown.yaml:7:3  error  PS150  the imported pack does not build: "maxAccessKeyAge" is int: "abc" is not an integer [PS114]',
    );
    // ok.yaml is planned again without the failed template: its rule block has no input.
    expect(Object.keys(readTree(packs)).sort()).toEqual(['ok.yaml', 'rules/access-keys-rotated.yaml']);
    expect(load(join(packs, 'ok.yaml')).rules).toEqual(['access-keys-rotated']);
  });
});

describe('import: parts a conformance pack does not use', () => {
  it('warns PS151 at each part it drops (template version, Metadata, resource Description and Metadata) and imports the rest', async () => {
    const dir = scratch({
      'notes.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Description: Access keys.
Metadata:
  Owner: security
Resources:
  Rotated:
    Type: AWS::Config::ConfigRule
    Description: Rotate keys quarterly.
    Metadata: { Ticket: SEC-1 }
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
  Fix:
    Type: AWS::Config::RemediationConfiguration
    Metadata: { Ticket: SEC-2 }
    Properties:
      ConfigRuleName: access-keys-rotated
      TargetType: SSM_DOCUMENT
      TargetId: AWS-PublishSNSNotification
      Parameters:
        TopicArn: { StaticValue: { Values: ['arn:aws:sns:us-east-1:111122223333:alerts'] } }
        Message: { ResourceValue: { Value: RESOURCE_ID } }
`,
    });
    const cli = await runCli(['import', 'notes.yaml', '--into', 'packs', '--format', 'json'], { cwd: dir });
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as ImportOutput;
    expect(
      report.diagnostics.map(
        (d) => `${d.checkId} ${d.severity} ${d.location?.file}:${d.location?.line}:${d.location?.column}`,
      ),
    ).toEqual([
      'PS151 warning notes.yaml:1:1',
      'PS151 warning notes.yaml:3:1',
      'PS151 warning notes.yaml:8:5',
      'PS151 warning notes.yaml:9:5',
      'PS151 warning notes.yaml:15:5',
    ]);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      'AWSTemplateFormatVersion is not carried over: packsmith writes templates without it',
      'Metadata is not carried over: packsmith writes templates without it',
      'the resource-level Description of Rotated is not carried over (it is not a rule property)',
      'the resource-level Metadata of Rotated is not carried over (it is not a rule property)',
      'the resource-level Metadata of Fix is not carried over',
    ]);
    expect(Object.keys(readTree(join(dir, 'packs'))).sort()).toEqual([
      'notes.yaml',
      'remediations/access-keys-rotated-remediation.yaml',
      'rules/access-keys-rotated.yaml',
    ]);
    const text = await runCli(['import', 'notes.yaml', '--into', 'packs'], { cwd: dir });
    expect(text.stderr).toContain(
      'notes.yaml:8:5  warning  PS151  the resource-level Description of Rotated',
    );
  });
});

describe('import: hostile values', () => {
  const hostile = [
    'line one\nline two\n',
    'key: value # not a comment',
    '# looks like a comment',
    `it's "quoted" \\ and 'single'`,
    '{{ handlebars }} {{{ triple }}} {{#if x}}',
    '!Ref NotAFunction',
    '- looks like a list item',
    'ünïcödé ✓ 🚀 日本語 \u202eRTL',
    'trailing spaces   ',
    '  leading spaces',
    'tab\there',
    '%YAML 1.2',
    '---',
    'null',
    'true',
    '0x1F',
    '1e3',
    '~',
    '',
    'line\u2028separator',
    '*alias &anchor ? key',
    '@at `backtick` |pipe >fold',
  ];
  const long = 'Lorem ipsum: dolor # sit {{amet}} '.repeat(100);
  const template = {
    Description: `A hostile pack\n# with a comment line\n${hostile.join(' / ')}`,
    Parameters: {
      ...Object.fromEntries(
        hostile.map((value, i) => [
          `Hostile${i}`,
          { Type: 'String', Default: value, Description: `${long}${value}` },
        ]),
      ),
      Choice: {
        Type: 'String',
        Default: hostile[1],
        AllowedValues: hostile.slice(0, 6),
        ConstraintDescription: hostile[4],
      },
      Patterned: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^.*$|: #{{x}}',
        ConstraintDescription: 'x: y',
      },
    },
    Conditions: {
      IsHostile: { 'Fn::Equals': [{ Ref: 'Hostile1' }, hostile[3]] },
    },
    Resources: {
      HostileRule: {
        Type: 'AWS::Config::ConfigRule',
        Condition: 'IsHostile',
        Controls: ['a: b', '#c', '{{d}}', '!Ref e', 'ünï ✓'],
        Properties: {
          ConfigRuleName: '!Ref rule: #1 {{x}} ✓',
          Description: hostile.slice(0, 8).join(' ').slice(0, 256),
          InputParameters: {
            'weird: key #1': hostile[0],
            '{{k}}': hostile[4],
            '!Ref': hostile[5],
            ünï: hostile[7],
            fromParameter: { Ref: 'Hostile2' },
            constructor: 'toString',
          },
          Scope: { TagKey: 'key: #x', TagValue: hostile[3] },
          Source: {
            Owner: 'CUSTOM_LAMBDA',
            SourceIdentifier: 'arn:aws:lambda:us-east-1:111122223333:function:hostile',
            SourceDetails: [
              { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            ],
          },
        },
      },
      HostileGuard: {
        Type: 'AWS::Config::ConfigRule',
        Properties: {
          ConfigRuleName: 'guard: {{x}}',
          Source: {
            Owner: 'CUSTOM_POLICY',
            SourceDetails: [
              { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            ],
            CustomPolicyDetails: {
              PolicyRuntime: 'guard-2.x.x',
              PolicyText: `rule x {\n  # ${hostile[1]}\n  configuration.name == "${hostile[4]}"\n}\n`,
            },
          },
        },
      },
      HostileRemediation: {
        Type: 'AWS::Config::RemediationConfiguration',
        Properties: {
          ConfigRuleName: '!Ref rule: #1 {{x}} ✓',
          TargetType: 'SSM_DOCUMENT',
          TargetId: 'AWS-PublishSNSNotification',
          Parameters: {
            AutomationAssumeRole: { StaticValue: { Values: ['arn:aws:iam::111122223333:role/x'] } },
            Message: { StaticValue: { Values: hostile.slice(0, 10).map((v) => v || 'empty') } },
            TopicArn: { StaticValue: { Values: [{ Ref: 'Hostile6' }] } },
          },
        },
      },
    },
  };

  // A key that a careless `object[key] = value` would turn into a prototype.
  Object.defineProperty(template.Resources.HostileRule.Properties.InputParameters, '__proto__', {
    value: 'not a prototype',
    enumerable: true,
  });

  it('keeps every value unchanged through import and build, as JSON and as YAML', async () => {
    const dir = scratch({
      'hostile-json.json': JSON.stringify(template, null, 2),
      'hostile-yaml.yaml': stringify(template),
    });
    const { cli, packs } = await importInto([dir]);
    expect(cli.stderr).not.toMatch(/error/);
    expect(cli.code).toBe(0);
    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(differencesByPack({ 'hostile-json': template, 'hostile-yaml': template }, rebuilt)).toEqual({
      'hostile-json': [],
      'hostile-yaml': [],
    });
    // Both packs share the blocks; the values are written once and read back exactly.
    expect(Object.keys(readTree(packs)).filter((f) => f.startsWith('rules/'))).toHaveLength(2);
    const built = rebuilt.templates.get('hostile-yaml') as typeof template;
    const parameters = built.Parameters as unknown as Record<
      string,
      { Default: string; Description: string }
    >;
    hostile.forEach((value, i) => {
      expect(parameters[`Hostile${i}`]!.Default).toBe(value);
      expect(parameters[`Hostile${i}`]!.Description).toBe(`${long}${value}`);
    });
    const rule = Object.values(built.Resources).find(
      (r) => (r.Properties as { ConfigRuleName: string }).ConfigRuleName === '!Ref rule: #1 {{x}} ✓',
    ) as typeof template.Resources.HostileRule;
    expect(rule.Controls).toEqual(template.Resources.HostileRule.Controls);
    expect(rule.Properties.InputParameters).toEqual(
      template.Resources.HostileRule.Properties.InputParameters,
    );
    expect(rule.Properties.Description).toBe(template.Resources.HostileRule.Properties.Description);
    const readme = readFileSync(join(packs, 'hostile-yaml.yaml'), 'utf8');
    expect(parse(readme)).toMatchObject({ description: template.Description });
  });
});

describe('packsmith import (CLI)', () => {
  it('prints a summary of templates, packs, rule blocks, remediation blocks and shared blocks', async () => {
    const { cli } = await importInto([join(fixtures, 'constructs')]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(
      [
        'imported 2 of 2 template(s) into ' + cli.stdout.split('\n')[0]!.split(' into ')[1],
        '  2 pack(s), 13 rule block(s) for 13 rule(s), 2 remediation block(s) for 2 remediation(s); 0 shared block(s) (used by two or more packs)',
        '  17 file(s) written, 0 unchanged',
        '',
      ].join('\n'),
    );
  });

  it('--format json: a report valid against the registered import schema', async () => {
    const packs = join(scratch(), 'packs');
    const r = await runCli([
      'import',
      join(fixtures, 'broken'),
      join(fixtures, 'constructs'),
      '--into',
      packs,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ImportOutput;
    const validate = new Ajv({ strict: false }).compile(ImportOutputSchema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'import', ok: false });
    expect(report.summary).toMatchObject({ templates: 7, imported: 3, failed: 4, packs: 3, ruleBlocks: 14 });
    expect(report.templates.find((t) => t.file.endsWith('s3-bucket.yaml'))).toEqual({
      file: 'test/fixtures/import/broken/s3-bucket.yaml',
      ok: false,
      rules: 0,
      remediations: 0,
    });
    expect(report.templates.find((t) => t.file.endsWith('constructs.yaml'))).toMatchObject({
      ok: true,
      pack: 'constructs',
      rules: 12,
      remediations: 2,
    });
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.location?.file)).toEqual([
      'test/fixtures/import/broken/mapping-value.yaml',
      'test/fixtures/import/broken/outputs.yaml',
      'test/fixtures/import/broken/s3-bucket.yaml',
      'test/fixtures/import/broken/syntax-error.yaml',
    ]);
    expect(report.files.every((f) => f.status === 'created')).toBe(true);
  });

  it('shows n/N templates read and compared on stderr (a bar on a terminal), never on stdout; --quiet shows none', async () => {
    const args = (packs: string, ...more: string[]) => [
      'import',
      join(fixtures, 'constructs'),
      '--into',
      packs,
      '--format',
      'json',
      ...more,
    ];
    const r = await withStderrTerminal(() => runCli(args(join(scratch(), 'packs'))));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ImportOutput).summary.imported).toBe(2);
    expect(r.stdout).not.toContain('templates:');
    expect(r.stderr).toContain('reading templates: 2/2');
    expect(r.stderr).toContain('comparing rebuilt templates: 2/2');
    // Redrawn in place and cleared at the end: no progress line is left in the output.
    expect(r.stderr).not.toMatch(/templates: \d+\/\d+ *\n/);
    const quiet = await withStderrTerminal(() => runCli(args(join(scratch(), 'packs'), '--quiet')));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('templates:');
  });

  it('rejects a missing template or an empty folder as a usage error', async () => {
    expect((await runCli(['import', 'no/such/file.yaml'])).code).toBe(2);
    const empty = scratch({ 'notes.txt': 'x' });
    const r = await runCli(['import', empty, '--into', join(empty, 'packs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no \.yaml, \.yml or \.json template/);
  });
});

describe('import: logical ids', () => {
  // As in AWS's CIS sample: ids that are not the rule name in PascalCase, a rule whose id is
  // another rule's derived id, a remediation id that is not the rule's id + Remediation.
  const template = `Parameters:
  RestrictedIncomingTrafficParamBlockedPort1: { Type: String, Default: '20' }
Resources:
  IncomingSshDisabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: restricted-ssh
      Source: { Owner: AWS, SourceIdentifier: INCOMING_SSH_DISABLED }
  RestrictedSsh:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: restricted-common-ports
      InputParameters:
        blockedPort1: !Ref RestrictedIncomingTrafficParamBlockedPort1
      Source: { Owner: AWS, SourceIdentifier: RESTRICTED_INCOMING_TRAFFIC }
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
  NotifySsh:
    Type: AWS::Config::RemediationConfiguration
    Properties:
      ConfigRuleName: !Ref IncomingSshDisabled
      TargetType: SSM_DOCUMENT
      TargetId: AWS-PublishSNSNotification
      Parameters:
        AutomationAssumeRole: { StaticValue: { Values: ['arn:aws:iam::111122223333:role/notify'] } }
        TopicArn: { StaticValue: { Values: ['arn:aws:sns:us-east-1:111122223333:alerts'] } }
        Message: { StaticValue: { Values: ['SSH is open'] } }
  AccessKeysRotatedRemediation:
    Type: AWS::Config::RemediationConfiguration
    Properties:
      ConfigRuleName: access-keys-rotated
      TargetType: SSM_DOCUMENT
      TargetId: AWS-PublishSNSNotification
      Parameters:
        AutomationAssumeRole: { StaticValue: { Values: ['arn:aws:iam::111122223333:role/notify'] } }
        TopicArn: { StaticValue: { Values: ['arn:aws:sns:us-east-1:111122223333:alerts'] } }
        Message: { StaticValue: { Values: ['Rotate'] } }
`;
  type Resources = Record<string, { Type: string; Properties: { ConfigRuleName: unknown } }>;
  const idsAndNames = (t: unknown) =>
    Object.entries((t as { Resources: Resources }).Resources)
      .map(([id, r]) => `${id} ${r.Type} ${JSON.stringify(r.Properties.ConfigRuleName)}`)
      .sort();

  it('keeps every logical id: logicalId in the include where the derived id would differ', async () => {
    const dir = scratch({ 'ids.yaml': template });
    const { cli, packs } = await importInto([dir]);
    expect(cli.stderr).not.toMatch(/error/);
    expect(cli.code).toBe(0);
    const manifest = load(join(packs, 'ids.yaml'));
    expect(manifest.rules).toEqual([
      { use: 'restricted-ssh', logicalId: 'IncomingSshDisabled' },
      { use: 'restricted-common-ports', logicalId: 'RestrictedSsh' },
      'access-keys-rotated',
    ]);
    expect(manifest.remediations).toEqual([
      { use: 'restricted-ssh-remediation', logicalId: 'NotifySsh' },
      'access-keys-rotated-remediation',
    ]);

    const rebuilt = await rebuild(packs);
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    const original = readOriginal(join(dir, 'ids.yaml'));
    const built = rebuilt.templates.get('ids');
    // Same logical ids for the same rule names (a remediation's ConfigRuleName may be a Ref).
    expect(Object.keys((built as { Resources: Resources }).Resources).sort()).toEqual(
      Object.keys((original as { Resources: Resources }).Resources).sort(),
    );
    expect(idsAndNames(built).filter((l) => l.includes('ConfigRule '))).toEqual(
      idsAndNames(original).filter((l) => l.includes('ConfigRule ')),
    );
    expect(differencesByPack({ ids: original }, rebuilt)).toEqual({ ids: [] });
  });

  it('refuses a kept logical id that another resource or parameter of the pack has (PS139)', async () => {
    const dir = scratch({ 'ids.yaml': template });
    const { packs } = await importInto([dir]);
    const path = join(packs, 'ids.yaml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'logicalId: RestrictedSsh',
        'logicalId: RestrictedIncomingTrafficParamBlockedPort1',
      ),
    );
    const rebuilt = await rebuild(packs);
    const errors = errorsOf(rebuilt.diagnostics);
    expect(errors.map((d) => [d.checkId, d.message])).toEqual([
      [
        'PS139',
        '"RestrictedIncomingTrafficParamBlockedPort1" is already the logical id of a parameter or resource of pack "ids"',
      ],
    ]);
    expect(errors[0]!.location?.file).toMatch(/ids\.yaml$/);
    expect(rebuilt.built).toEqual([]);
  });
});
