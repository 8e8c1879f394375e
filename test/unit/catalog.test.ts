import { describe, expect, it } from 'vitest';
import { createCatalog, loadCatalog } from '../../src/catalog/catalog.js';
import type { ManagedRule, Runbook } from '../../src/catalog/types.js';
import { processCheckIdentifier, ruleParameterTypes } from '../../src/facts/enums.js';

describe('loadCatalog (shipped data)', () => {
  const catalog = loadCatalog();

  it('is cached: every call returns the same catalog', () => {
    expect(loadCatalog()).toBe(catalog);
  });

  it('has the 802 managed rules and 175 runbooks, sorted and unique', () => {
    const ids = catalog.rules().map((r) => r.identifier);
    expect(ids).toHaveLength(802);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const names = catalog.runbooks().map((r) => r.name);
    expect(names).toHaveLength(175);
    expect([...names].sort()).toEqual(names);
  });

  it('S3_BUCKET_VERSIONING_ENABLED has the optional String parameter isMfaDeleteEnabled', () => {
    const rule = catalog.rule('S3_BUCKET_VERSIONING_ENABLED');
    expect(rule).toBeDefined();
    expect(rule?.name).toBe('s3-bucket-versioning-enabled');
    expect(rule?.resourceTypes).toEqual(['AWS::S3::Bucket']);
    expect(rule?.origin).toBe('aws');
    const param = rule?.parameters.find((p) => p.name === 'isMfaDeleteEnabled');
    expect(param).toEqual({ name: 'isMfaDeleteEnabled', type: 'String', optional: true });
  });

  it('ACCESS_KEYS_ROTATED: periodic, maxAccessKeyAge int with default "90", provenance kept', () => {
    const rule = catalog.rule('ACCESS_KEYS_ROTATED');
    expect(rule?.triggers).toEqual({ configurationChange: false, periodic: true });
    expect(rule?.parameters).toEqual([
      { name: 'maxAccessKeyAge', type: 'int', optional: false, default: '90' },
    ]);
    expect(rule?.provenance.source).toMatch(
      /^awsdocs\/aws-config-developer-guide:.*access-keys-rotated\.md@/,
    );
    expect(rule?.provenance.triggers).toBe('docs-2023');
    expect(rule?.provenance.triggerText).toBe('Periodic');
  });

  it('every rule has a known parameter type, a source and per-field provenance', () => {
    for (const rule of catalog.rules()) {
      expect(rule.origin).toBe('aws');
      expect(Object.keys(rule.provenance)).toEqual(
        expect.arrayContaining(['source', 'triggers', 'resourceTypes']),
      );
      for (const p of rule.parameters) expect(ruleParameterTypes).toContain(p.type);
      expect(rule.triggers.configurationChange || rule.triggers.periodic).toBe(true);
    }
  });

  it('lookups are exact: no case folding, unknown gives undefined', () => {
    expect(catalog.rule('s3_bucket_versioning_enabled')).toBeUndefined();
    expect(catalog.rule('NOT_A_RULE')).toBeUndefined();
    expect(catalog.runbook('aws-enables3bucketencryption')).toBeUndefined();
  });

  it('AWS_CONFIG_PROCESS_CHECK is a known identifier without an entry', () => {
    expect(catalog.isKnownRuleIdentifier(processCheckIdentifier)).toBe(true);
    expect(catalog.rule(processCheckIdentifier)).toBeUndefined();
    expect(catalog.isKnownRuleIdentifier('S3_BUCKET_VERSIONING_ENABLED')).toBe(true);
    expect(catalog.isKnownRuleIdentifier('S3_BUCKET_VERSIONNG_ENABLED')).toBe(false);
  });

  it('runbooks: AWS-EnableS3BucketEncryption with its confirmed resource-id parameter', () => {
    const runbook = catalog.runbook('AWS-EnableS3BucketEncryption');
    expect(runbook?.assumeRoleParameter).toBe('AutomationAssumeRole');
    expect(runbook?.resourceIdParameter).toBe('BucketName');
    expect(runbook?.parameters.find((p) => p.name === 'BucketName')).toMatchObject({
      type: 'String',
      required: true,
    });
    expect(runbook?.parameters.find((p) => p.name === 'SSEAlgorithm')?.default).toBe('AES256');
    expect(runbook?.provenance.snapshot).toMatch(/^May 2021/);
  });

  it('exactly the three sample-pack bindings are confirmed resource-id parameters', () => {
    const confirmed = catalog
      .runbooks()
      .filter((r) => r.resourceIdParameter !== undefined)
      .map((r) => [r.name, r.resourceIdParameter]);
    expect(confirmed).toEqual([
      ['AWS-ConfigureS3BucketLogging', 'BucketName'],
      ['AWS-DisableS3BucketPublicReadWrite', 'S3BucketName'],
      ['AWS-EnableS3BucketEncryption', 'BucketName'],
    ]);
  });

  it('a runbook parameter without a documented type is String, with a provenance note', () => {
    const runbook = catalog.runbook('AWS-ConfigureCloudWatchOnEC2Instance');
    expect(runbook?.parameters.find((p) => p.name === 'status')?.type).toBe('String');
    expect(runbook?.provenance['parameters.status.type']).toMatch(/assumed String/);
  });

  it('entries are frozen, so one caller cannot change what the next one reads', () => {
    const rule = catalog.rule('ACCESS_KEYS_ROTATED') as ManagedRule;
    expect(() => {
      (rule.parameters as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (catalog.rules() as ManagedRule[]).pop();
    }).toThrow(TypeError);
    expect(catalog.rule('ACCESS_KEYS_ROTATED')?.parameters).toHaveLength(1);
  });
});

describe('suggestions', () => {
  const catalog = loadCatalog();

  it('a one-letter typo suggests the intended rule, and only it', () => {
    expect(catalog.suggestRules('S3_BUCKET_VERSIONNG_ENABLED')).toEqual(['S3_BUCKET_VERSIONING_ENABLED']);
    expect(catalog.suggestRules('ACCESS_KEY_ROTATED')).toEqual(['ACCESS_KEYS_ROTATED']);
  });

  it('the documented name, or lower case, finds the identifier', () => {
    expect(catalog.suggestRules('s3-bucket-versioning-enabled')[0]).toBe('S3_BUCKET_VERSIONING_ENABLED');
    expect(catalog.suggestRules('restricted-ssh')[0]).toBe('INCOMING_SSH_DISABLED');
  });

  it('a missing word still finds the rule', () => {
    expect(catalog.suggestRules('S3_BUCKET_VERSIONING')).toContain('S3_BUCKET_VERSIONING_ENABLED');
  });

  it('suggests the process-check identifier too', () => {
    expect(catalog.suggestRules('AWS_CONFIG_PROCES_CHECK')).toEqual([processCheckIdentifier]);
  });

  it('nothing far away, nothing for an exact hit, and at most max', () => {
    expect(catalog.suggestRules('FOO')).toEqual([]);
    expect(catalog.suggestRules('TOTALLY_UNRELATED_THING_XYZ')).toEqual([]);
    expect(catalog.suggestRules('S3_BUCKET_VERSIONING_ENABLED')).not.toContain(
      'S3_BUCKET_VERSIONING_ENABLED',
    );
    expect(catalog.suggestRules('S3_BUCKET', 2)).toHaveLength(2);
    expect(catalog.suggestRules('S3_BUCKET_VERSIONNG_ENABLED', 0)).toEqual([]);
  });

  it('runbook typos', () => {
    expect(catalog.suggestRunbooks('AWS-EnableS3BucketEncription')).toEqual(['AWS-EnableS3BucketEncryption']);
    expect(catalog.suggestRunbooks('aws-enables3bucketencryption')[0]).toBe('AWS-EnableS3BucketEncryption');
    expect(catalog.suggestRunbooks('AWS-Nothing-Like-This')).toEqual([]);
  });
});

describe('createCatalog', () => {
  const rule = (identifier: string): ManagedRule => ({
    identifier,
    name: identifier.toLowerCase().replace(/_/g, '-'),
    triggers: { configurationChange: true, periodic: false },
    resourceTypes: [],
    parameters: [],
    origin: 'aws',
    provenance: {},
  });
  const runbook = (name: string): Runbook => ({
    name,
    parameters: [],
    resourceIdParameterCandidates: [],
    origin: 'aws',
    provenance: {},
  });

  it('loads nothing until a lookup needs it, then once', () => {
    let ruleLoads = 0;
    let runbookLoads = 0;
    const catalog = createCatalog({
      rules: () => {
        ruleLoads++;
        return [rule('B_RULE'), rule('A_RULE')];
      },
      runbooks: () => {
        runbookLoads++;
        return [runbook('AWS-Two'), runbook('AWS-One')];
      },
    });
    expect([ruleLoads, runbookLoads]).toEqual([0, 0]);
    expect(catalog.rule('A_RULE')?.identifier).toBe('A_RULE');
    expect(catalog.rules().map((r) => r.identifier)).toEqual(['A_RULE', 'B_RULE']);
    expect([ruleLoads, runbookLoads]).toEqual([1, 0]);
    expect(catalog.runbooks().map((r) => r.name)).toEqual(['AWS-One', 'AWS-Two']);
    catalog.runbook('AWS-One');
    expect([ruleLoads, runbookLoads]).toEqual([1, 1]);
  });
});

describe('Region availability', () => {
  const catalog = loadCatalog();

  it('the issue examples: GovCloud and China lack ROOT_ACCOUNT_MFA_ENABLED, us-east-1 has it', () => {
    expect(catalog.availability('ROOT_ACCOUNT_MFA_ENABLED', 'us-east-1')).toBe('available');
    for (const region of ['us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1', 'me-central-1']) {
      expect(catalog.availability('ROOT_ACCOUNT_MFA_ENABLED', region)).toBe('unavailable');
    }
    expect(catalog.availability('CLOUDFRONT_VIEWER_POLICY_HTTPS', 'us-east-1')).toBe('available');
    expect(catalog.availability('CLOUDFRONT_VIEWER_POLICY_HTTPS', 'eu-west-1')).toBe('unavailable');
    expect(catalog.availability('ACCESS_KEYS_ROTATED', 'il-central-1')).toBe('unavailable');
    expect(catalog.availability('ACCESS_KEYS_ROTATED', 'eu-west-1')).toBe('available');
    expect(catalog.rule('ROOT_ACCOUNT_MFA_ENABLED')?.provenance.availability).toMatch(/^c2hans\/aws-docs@/);
  });

  it('a Region without data, or a rule without data, is unknown, never unavailable', () => {
    expect(catalog.documentedRegions()).toHaveLength(38);
    expect(catalog.availability('CLOUDFRONT_VIEWER_POLICY_HTTPS', 'us-isob-east-1')).toBe('unknown');
    expect(catalog.availability('CLOUDFRONT_VIEWER_POLICY_HTTPS', 'eusc-de-east-1')).toBe('unknown');
    expect(catalog.availability(processCheckIdentifier, 'us-gov-west-1')).toBe('unknown');
    expect(catalog.availability('NO_SUCH_RULE', 'us-east-1')).toBe('unknown');
  });

  it('every shipped rule has availability data', () => {
    expect(catalog.rules().filter((r) => r.availability === undefined)).toEqual([]);
  });
});
