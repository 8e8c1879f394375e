/**
 * `packsmith add remediation` end to end on a temp copy of the example repository (issue 12): the
 * block it writes fails build until the role (and the runbook's required values) are filled in, and
 * builds once they are.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { AddRemediationOutputSchema, type AddRemediationOutput } from '../../src/report/schemas/scaffold.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import {
  nameFitsType,
  proposeRunbooks,
  remediationBlockYaml,
  roleArnPlaceholder,
  roleArnPlaceholderFor,
} from '../../src/authoring/remediation-scaffold.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-add-remediation-'));
  cpSync(join(packageRoot(), 'packs'), join(dir, 'packs'), { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(dir, path), 'utf8');
const block = 'packs/remediations/s3-bucket-logging-enabled-remediation.yaml';
const add = (...args: string[]) => runCli(['add', 'remediation', ...args, '--root', dir]);
const build = () => runCli(['build', '--root', dir, '--out', join(dir, 'build'), '--no-docs']);

describe('packsmith add remediation (S3 example pack)', () => {
  it('writes a block that build rejects (PS302) until the role is filled in, and builds once it is', async () => {
    const before = read('packs/s3-data-protection.yaml');
    const r = await add('s3-bucket-logging-enabled', '--pack', 's3-data-protection');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created .*s3-bucket-logging-enabled-remediation\.yaml$/m);
    expect(r.stdout).toMatch(/added s3-bucket-logging-enabled-remediation to pack s3-data-protection/);
    // The binding AWS's sample packs confirm comes first; the others are listed.
    expect(r.stderr).toMatch(
      /^runbook: AWS-ConfigureS3BucketLogging: AWS's sample packs attach it to S3_BUCKET_LOGGING_ENABLED/m,
    );
    expect(r.stderr).toMatch(/^other runbooks \(choose with --runbook NAME\):\n {2}AWS-/m);
    expect(r.stderr).toMatch(
      /^next: fill in AutomationAssumeRole, GrantedPermission, GranteeType, TargetBucket in .*s3-bucket-logging-enabled-remediation\.yaml/m,
    );

    const written = parse(read(block)) as Record<string, unknown>;
    expect(written).toMatchObject({
      kind: 'remediation',
      rule: 's3-bucket-logging-enabled',
      runbook: 'AWS-ConfigureS3BucketLogging',
      resourceType: 'AWS::S3::Bucket',
      automatic: false,
      parameters: { AutomationAssumeRole: roleArnPlaceholder, BucketName: { resourceId: true } },
    });
    // Only the new entry is added to the manifest; everything else stays as it was.
    expect(read('packs/s3-data-protection.yaml')).toBe(
      `${before}  - s3-bucket-logging-enabled-remediation\n`,
    );

    const failing = await build();
    expect(failing.code).toBe(1);
    expect(failing.stdout + failing.stderr).toMatch(
      /s3-bucket-logging-enabled-remediation\.yaml:\d+:\d+ +error +PS302 +the value holds the placeholder <REPLACE-ME-account-id>/,
    );

    // Fill in the runbook's required values only: still rejected, because of the role.
    let text = read(block)
      .replace("GrantedPermission: '<REPLACE-ME>'", 'GrantedPermission: READ')
      .replace("GranteeType: '<REPLACE-ME>'", 'GranteeType: Group')
      .replace("TargetBucket: '<REPLACE-ME>'", 'TargetBucket: example-log-bucket');
    writeFileSync(join(dir, block), text);
    const roleOnly = await build();
    expect(roleOnly.code).toBe(1);
    expect(roleOnly.stdout + roleOnly.stderr).toMatch(/error +PS302/);

    text = text.replace(`'${roleArnPlaceholder}'`, 'arn:aws:iam::111122223333:role/packsmith-s3-remediation');
    writeFileSync(join(dir, block), text);
    const ok = await build();
    expect(ok.stdout + ok.stderr).toMatch(/3 pack\(s\) built, 0 error\(s\), 0 warning\(s\)/);
    expect(ok.code).toBe(0);
    const template = read('build/s3-data-protection.yaml');
    expect(template).toContain('TargetId: AWS-ConfigureS3BucketLogging');
  });

  it('a rule in several packs without --pack is a usage error (exit 2); --dry-run writes nothing', async () => {
    const ambiguous = await add('s3-bucket-logging-enabled');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      'rule block "s3-bucket-logging-enabled" is in several packs (logging-baseline, s3-data-protection); choose one with --pack',
    );
    const dry = await add('S3_BUCKET_LOGGING_ENABLED', '--pack', 's3-data-protection', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('runbook: AWS-ConfigureS3BucketLogging');
    expect(dry.stdout).toContain('BucketName: { resourceId: true }');
    expect(existsSync(join(dir, block))).toBe(false);
    const json = await add(
      'S3_BUCKET_LOGGING_ENABLED',
      '--pack',
      's3-data-protection',
      '--dry-run',
      '--format',
      'json',
    );
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as AddRemediationOutput;
    expect(
      Value.Check(AddRemediationOutputSchema, doc),
      JSON.stringify([...Value.Errors(AddRemediationOutputSchema, doc)]),
    ).toBe(true);
    expect(doc).toMatchObject({
      kind: 'add-remediation',
      rule: 's3-bucket-logging-enabled',
      dryRun: true,
      runbook: {
        name: 'AWS-ConfigureS3BucketLogging',
        reason: 'sample-pack',
        resourceIdParameter: 'BucketName',
        resourceIdConfirmed: true,
      },
      pack: { name: 's3-data-protection' },
      fillIn: ['AutomationAssumeRole', 'GrantedPermission', 'GranteeType', 'TargetBucket'],
    });
    expect(doc.alternatives.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, block))).toBe(false);
    expect(read('packs/s3-data-protection.yaml')).not.toContain('remediation\n  - s3-bucket-logging');
  });

  it('writes the role placeholder in the partition the repository deploys to (GovCloud here)', async () => {
    writeFileSync(
      join(dir, 'packsmith.deploy.yaml'),
      "deployingAccount: '111122223333'\nregions: [us-gov-west-1]\ntemplateBuckets: { us-gov-west-1: t }\npacks: {}\n",
    );
    const r = await add('s3-bucket-logging-enabled', '--pack', 's3-data-protection');
    expect(r.code, r.stderr).toBe(0);
    const role = (parse(read(block)) as { parameters: Record<string, unknown> }).parameters
      .AutomationAssumeRole;
    expect(role).toBe(roleArnPlaceholderFor('aws-us-gov'));
    expect(role).toBe('arn:aws-us-gov:iam::<REPLACE-ME-account-id>:role/<REPLACE-ME-role-name>');
  });

  it('--runbook chooses; refusals name what is wrong', async () => {
    const chosen = await add(
      's3-bucket-logging-enabled',
      '--pack',
      's3-data-protection',
      '--runbook',
      'AWS-ConfigureS3BucketVersioning',
      '--dry-run',
    );
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('runbook: AWS-ConfigureS3BucketVersioning');
    expect(chosen.stdout).toMatch(/BucketName: \{ resourceId: true \} +# .*a name-based guess/);

    const unknown = await add(
      's3-bucket-logging-enabled',
      '--pack',
      's3-data-protection',
      '--runbook',
      'AWS-ConfigureS3BucketLoging',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('did you mean AWS-ConfigureS3BucketLogging?');

    const taken = await add('s3-bucket-public-read-prohibited', '--pack', 's3-data-protection');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(
      /already has a remediation: "s3-block-public-read" \(.*s3-block-public-read\.yaml\)/,
    );

    const noBlock = await add('EC2_EBS_ENCRYPTION_BY_DEFAULT');
    expect(noBlock.code).toBe(1);
    expect(noBlock.stderr).toContain(
      'no rule block uses EC2_EBS_ENCRYPTION_BY_DEFAULT; add one first: packsmith add rule',
    );

    const wrongPack = await add('s3-bucket-logging-enabled', '--pack', 'iam-baseline');
    expect(wrongPack.code).toBe(1);
    expect(wrongPack.stderr).toMatch(
      /pack "iam-baseline" \(.*iam-baseline\.yaml\) does not include rule block "s3-bucket-logging-enabled"/,
    );

    const badName = await add('s3-bucket-logging-enabled', '--pack', 's3-data-protection', '--name', '-x');
    expect(badName.code).toBe(2);
  });
});

describe('runbook proposals', () => {
  const catalog = loadCatalog();
  const rule = (id: string) => {
    const r = catalog.rule(id)!;
    return { identifier: r.identifier, resourceTypes: r.resourceTypes };
  };

  it('sample-pack bindings for the rule first, then runbooks for its resource types', () => {
    const proposals = proposeRunbooks(rule('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'), catalog);
    expect(proposals[0]).toMatchObject({
      reason: 'sample-pack',
      resourceIdParameter: 'BucketName',
      resourceIdConfirmed: true,
    });
    expect(proposals[0]?.runbook.name).toBe('AWS-EnableS3BucketEncryption');
    // Then the resource-type tier, then the name-only tier.
    const tiers = proposals.map((p) => ['sample-pack', 'resource-type', 'name'].indexOf(p.reason));
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    const rest = proposals.filter((p) => p.reason === 'resource-type');
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((p) => p.resourceType === 'AWS::S3::Bucket')).toBe(true);
    // Confirmed resource-id bindings rank before guesses.
    const firstGuess = rest.findIndex((p) => !p.resourceIdConfirmed);
    expect(rest.slice(firstGuess).every((p) => !p.resourceIdConfirmed)).toBe(true);
  });

  it('a runbook name fits a type by its service and resource words', () => {
    expect(nameFitsType('AWS-ConfigureS3BucketVersioning', 'AWS::S3::Bucket')).toBe(true);
    expect(nameFitsType('AWS-StopEC2Instance', 'AWS::EC2::Instance')).toBe(true);
    expect(nameFitsType('AWS-StopEC2Instance', 'AWS::RDS::DBInstance')).toBe(false);
    expect(nameFitsType('AWS-EnableS3BucketEncryption', 'AWS::EC2::SecurityGroup')).toBe(false);
    // A one-word resource needs its service; a longer one says enough alone.
    expect(nameFitsType('AWS-RestartInstance', 'AWS::EC2::Instance')).toBe(false);
    expect(nameFitsType('AWS-DisablePublicAccessForSecurityGroup', 'AWS::EC2::SecurityGroup')).toBe(true);
  });

  it('a rule no runbook names by type: runbooks sharing two or more words with its identifier', () => {
    const [best] = proposeRunbooks(rule('EC2_EBS_ENCRYPTION_BY_DEFAULT'), catalog);
    expect(best).toMatchObject({ reason: 'name' });
    expect(best?.runbook.name).toBe('AWSConfigRemediation-EnableEbsEncryptionByDefault');
  });

  it('no runbook fits an account-level rule with no resource type and no sample binding', () => {
    expect(proposeRunbooks({ identifier: 'NOT_A_RULE', resourceTypes: [] }, catalog)).toEqual([]);
  });

  it('the block text: role placeholder, resource id bound, required values to fill in, optional commented', () => {
    const [best] = proposeRunbooks(rule('S3_BUCKET_LOGGING_ENABLED'), catalog);
    const text = remediationBlockYaml({ name: 'x', ruleBlock: 'r', proposal: best!, schemaPath: 's.json' });
    const value = parse(text) as { parameters: Record<string, unknown> };
    expect(value.parameters.AutomationAssumeRole).toBe(roleArnPlaceholder);
    expect(value.parameters.TargetBucket).toBe('<REPLACE-ME>');
    expect(value.parameters).not.toHaveProperty('TargetPrefix');
    expect(text).toMatch(/^ {2}# TargetPrefix: '\/'/m);
  });
});
