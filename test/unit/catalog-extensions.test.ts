import { describe, expect, it } from 'vitest';
import type { CatalogExtension } from '../../src/authoring/schema.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import {
  extendCatalog,
  unknownRuleMessage,
  unknownRunbookMessage,
} from '../../src/authoring/catalog-extensions.js';

const base = loadCatalog();
const file = 'packs/catalog.yaml';
const ext = (extension: Omit<CatalogExtension, 'kind'>, path = file) => ({
  file: path,
  extension: { kind: 'catalog' as const, ...extension },
});

describe('extendCatalog: new entries', () => {
  it('adds a rule with permissive defaults for what it does not declare', () => {
    const catalog = extendCatalog(base, [ext({ rules: [{ identifier: 'BRAND_NEW_RULE_CHECK' }] })]);
    const rule = catalog.rule('BRAND_NEW_RULE_CHECK');
    expect(rule).toEqual({
      identifier: 'BRAND_NEW_RULE_CHECK',
      name: 'brand-new-rule-check',
      triggers: { configurationChange: true, periodic: true },
      resourceTypes: [],
      parameters: [],
      origin: 'repository',
      provenance: expect.objectContaining({ source: file, extension: file }) as unknown,
    });
    expect(rule?.provenance.triggers).toMatch(/not declared in packs\/catalog\.yaml; assumed both/);
    expect(catalog.isKnownRuleIdentifier('BRAND_NEW_RULE_CHECK')).toBe(true);
    expect(base.isKnownRuleIdentifier('BRAND_NEW_RULE_CHECK')).toBe(false);
    expect(catalog.rules()).toHaveLength(base.rules().length + 1);
    const ids = catalog.rules().map((r) => r.identifier);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps declared facts and turns number/boolean defaults into strings', () => {
    const catalog = extendCatalog(base, [
      ext({
        rules: [
          {
            identifier: 'NEW_RULE',
            name: 'new-rule',
            triggers: { configurationChange: false, periodic: true },
            resourceTypes: ['AWS::S3::Bucket'],
            parameters: [
              { name: 'maxAge', type: 'int', default: 30 },
              { name: 'strict', type: 'boolean', optional: true, default: false },
              { name: 'names', type: 'CSV' },
            ],
            source: 'https://docs.aws.amazon.com/config/latest/developerguide/new-rule.html',
          },
        ],
      }),
    ]);
    const rule = catalog.rule('NEW_RULE');
    expect(rule?.triggers).toEqual({ configurationChange: false, periodic: true });
    expect(rule?.resourceTypes).toEqual(['AWS::S3::Bucket']);
    expect(rule?.parameters).toEqual([
      { name: 'maxAge', type: 'int', optional: false, default: '30' },
      { name: 'strict', type: 'boolean', optional: true, default: 'false' },
      { name: 'names', type: 'CSV', optional: false },
    ]);
    expect(rule?.provenance.source).toBe(
      'packs/catalog.yaml (source: https://docs.aws.amazon.com/config/latest/developerguide/new-rule.html)',
    );
  });

  it('adds a runbook; parameter type defaults to String and required to false', () => {
    const catalog = extendCatalog(base, [
      ext({
        runbooks: [
          {
            name: 'Custom-FixBucket',
            assumeRoleParameter: 'AutomationAssumeRole',
            resourceIdParameter: 'BucketName',
            parameters: [
              { name: 'AutomationAssumeRole' },
              { name: 'BucketName', required: true },
              { name: 'Retries', type: 'Integer', default: 3 },
            ],
          },
        ],
      }),
    ]);
    const runbook = catalog.runbook('Custom-FixBucket');
    expect(runbook).toMatchObject({
      origin: 'repository',
      assumeRoleParameter: 'AutomationAssumeRole',
      resourceIdParameter: 'BucketName',
      resourceIdParameterCandidates: ['BucketName'],
      parameters: [
        { name: 'AutomationAssumeRole', type: 'String', required: false },
        { name: 'BucketName', type: 'String', required: true },
        { name: 'Retries', type: 'Integer', required: false, default: '3' },
      ],
    });
    expect(runbook?.provenance.extension).toBe(file);
    expect(catalog.runbooks()).toHaveLength(base.runbooks().length + 1);
    expect(catalog.suggestRunbooks('Custom-FixBuckt')).toEqual(['Custom-FixBucket']);
  });
});

describe('extendCatalog: corrections', () => {
  it('replaces only the fields given, keeping the rest and their provenance', () => {
    const shipped = base.rule('ACCESS_KEYS_ROTATED');
    const catalog = extendCatalog(base, [
      ext({
        rules: [{ identifier: 'ACCESS_KEYS_ROTATED', resourceTypes: ['AWS::IAM::User', 'AWS::IAM::Role'] }],
      }),
    ]);
    const rule = catalog.rule('ACCESS_KEYS_ROTATED');
    expect(rule?.resourceTypes).toEqual(['AWS::IAM::User', 'AWS::IAM::Role']);
    expect(rule?.name).toBe(shipped?.name);
    expect(rule?.triggers).toEqual(shipped?.triggers);
    expect(rule?.parameters).toEqual(shipped?.parameters);
    expect(rule?.origin).toBe('repository');
    expect(rule?.provenance.resourceTypes).toBe(file);
    expect(rule?.provenance.triggers).toBe(shipped?.provenance.triggers);
    expect(rule?.provenance.source).toBe(shipped?.provenance.source);
    expect(rule?.provenance.extension).toBe(file);
    // The base catalog is untouched.
    expect(base.rule('ACCESS_KEYS_ROTATED')?.resourceTypes).toEqual(['AWS::IAM::User']);
    expect(base.rule('ACCESS_KEYS_ROTATED')?.origin).toBe('aws');
    expect(catalog.rules()).toHaveLength(base.rules().length);
  });

  it('a given parameters list replaces the whole list', () => {
    const catalog = extendCatalog(base, [
      ext({
        rules: [
          {
            identifier: 'ACCESS_KEYS_ROTATED',
            parameters: [{ name: 'maxAccessKeyAge', type: 'int', default: 60 }],
          },
        ],
      }),
    ]);
    expect(catalog.rule('ACCESS_KEYS_ROTATED')?.parameters).toEqual([
      { name: 'maxAccessKeyAge', type: 'int', optional: false, default: '60' },
    ]);
  });

  it('later files win field by field over earlier ones', () => {
    const catalog = extendCatalog(base, [
      ext(
        { rules: [{ identifier: 'ACCESS_KEYS_ROTATED', name: 'first', resourceTypes: [] }] },
        'packs/a.yaml',
      ),
      ext({ rules: [{ identifier: 'ACCESS_KEYS_ROTATED', name: 'second' }] }, 'packs/b.yaml'),
    ]);
    const rule = catalog.rule('ACCESS_KEYS_ROTATED');
    expect(rule?.name).toBe('second');
    expect(rule?.resourceTypes).toEqual([]);
    expect(rule?.provenance.name).toBe('packs/b.yaml');
    expect(rule?.provenance.resourceTypes).toBe('packs/a.yaml');
    expect(rule?.provenance.extension).toBe('packs/b.yaml');
  });

  it('corrects a runbook: the declared resource-id parameter is confirmed and ranked first', () => {
    const catalog = extendCatalog(base, [
      ext({ runbooks: [{ name: 'AWS-AttachEBSVolume', resourceIdParameter: 'VolumeId' }] }),
    ]);
    const runbook = catalog.runbook('AWS-AttachEBSVolume');
    expect(runbook?.resourceIdParameter).toBe('VolumeId');
    expect(runbook?.resourceIdParameterCandidates).toEqual(['VolumeId', 'InstanceId']);
    expect(runbook?.parameters).toEqual(base.runbook('AWS-AttachEBSVolume')?.parameters);
    expect(runbook?.provenance.resourceIdParameter).toBe(file);
  });

  it('replacing runbook parameters drops the notes about the shipped ones', () => {
    const catalog = extendCatalog(base, [
      ext({
        runbooks: [{ name: 'AWS-RunCfnLint', parameters: [{ name: 'TemplateFileName', required: true }] }],
      }),
    ]);
    const runbook = catalog.runbook('AWS-RunCfnLint');
    expect(base.runbook('AWS-RunCfnLint')?.provenance['parameters.TemplateFileName.required']).toBeDefined();
    expect(runbook?.provenance['parameters.TemplateFileName.required']).toBeUndefined();
    expect(runbook?.parameters).toEqual([{ name: 'TemplateFileName', type: 'String', required: true }]);
  });

  it('no entries: the base catalog itself', () => {
    expect(extendCatalog(base, [])).toBe(base);
    expect(extendCatalog(base, [ext({ rules: [] })])).toBe(base);
  });
});

describe('user messages', () => {
  it('unknown rule: suggestion and the extension-file fix', () => {
    expect(unknownRuleMessage('S3_BUCKET_VERSIONNG_ENABLED', base)).toEqual({
      message:
        'unknown managed rule identifier "S3_BUCKET_VERSIONNG_ENABLED" (did you mean S3_BUCKET_VERSIONING_ENABLED?)',
      fix:
        "if AWS published this rule after packsmith's catalog, declare it in a catalog extension file " +
        '(kind: catalog, e.g. packs/catalog.yaml); see docs/catalog.md',
    });
  });

  it('several suggestions read "A, B or C"; none gives no parenthesis', () => {
    expect(unknownRuleMessage('S3_BUCKET', base).message).toMatch(
      /\(did you mean [A-Z0-9_]+, [A-Z0-9_]+ or [A-Z0-9_]+\?\)$/,
    );
    expect(unknownRuleMessage('ZZZ_QQQ', base).message).toBe('unknown managed rule identifier "ZZZ_QQQ"');
  });

  it('unknown runbook: suggestion and a fix that names the snapshot', () => {
    const { message, fix } = unknownRunbookMessage('AWS-EnableS3BucketEncription', base);
    expect(message).toBe(
      'unknown runbook "AWS-EnableS3BucketEncription" (did you mean AWS-EnableS3BucketEncryption?)',
    );
    expect(fix).toMatch(/May 2021 snapshot/);
    expect(fix).toMatch(/catalog extension file \(kind: catalog/);
  });

  it('suggestions include rules added by extensions', () => {
    const catalog = extendCatalog(base, [ext({ rules: [{ identifier: 'ORG_SPECIFIC_GUARDRAIL' }] })]);
    expect(unknownRuleMessage('ORG_SPECIFIC_GUARDRAILS', catalog).message).toMatch(
      /did you mean ORG_SPECIFIC_GUARDRAIL\?/,
    );
  });
});
