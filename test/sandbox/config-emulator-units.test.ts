/** The pure parts of the config emulator: pagination tokens, status derivation, validation, faults. */
import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../src/sandbox/config-emulator/errors.js';
import { Faults, StatsCounter, parseFaultConfig } from '../../src/sandbox/config-emulator/faults.js';
import {
  decodeToken,
  encodeToken,
  paginate,
  resolveLimit,
} from '../../src/sandbox/config-emulator/pagination.js';
import { randomSuffix, seededRandom } from '../../src/sandbox/config-emulator/random.js';
import { requestRegion } from '../../src/sandbox/config-emulator/server.js';
import { accountStatus, aggregateStatus } from '../../src/sandbox/config-emulator/status.js';
import type { AccountDeployment } from '../../src/sandbox/config-emulator/status.js';
import {
  validateDescribeNames,
  validateDetailedFilters,
  validatePutRequest,
  validateTemplate,
} from '../../src/sandbox/config-emulator/validation.js';

function errorType(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EmulatorError) return error.type;
    throw error;
  }
  return 'none';
}

const deployment = (over: Partial<AccountDeployment> = {}): AccountDeployment => ({
  accountId: '111111111111',
  memberPackName: 'OrgConformsPack-P-abc',
  operation: 'CREATE',
  outcome: 'SUCCESSFUL',
  startedAt: 1000,
  completesAt: 2000,
  ...over,
});

describe('pagination', () => {
  const items = Array.from({ length: 250 }, (_, i) => i);

  it('treats 0 or no Limit as 100 and rejects values above 100', () => {
    expect(resolveLimit(undefined)).toBe(100);
    expect(resolveLimit(0)).toBe(100);
    expect(resolveLimit(7)).toBe(7);
    expect(errorType(() => resolveLimit(101))).toBe('InvalidLimitException');
    expect(errorType(() => resolveLimit(-1))).toBe('InvalidLimitException');
  });

  it('walks every item exactly once and ends without a token', () => {
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = paginate(items, 'scope', 100, token);
      seen.push(...page.items);
      token = page.nextToken;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(items);
  });

  it('rejects garbage, tokens of another scope and offsets past the end', () => {
    expect(decodeToken(encodeToken('a', 5), 'a')).toBe(5);
    expect(errorType(() => decodeToken('%%%', 'a'))).toBe('InvalidNextTokenException');
    expect(errorType(() => decodeToken(encodeToken('b', 5), 'a'))).toBe('InvalidNextTokenException');
    expect(errorType(() => paginate(items, 'a', 10, encodeToken('a', 251)))).toBe(
      'InvalidNextTokenException',
    );
    expect(errorType(() => decodeToken('', 'a'))).toBe('InvalidNextTokenException');
  });
});

describe('status derivation', () => {
  it('moves an account from IN_PROGRESS to its outcome at completesAt, with the time it changed', () => {
    expect(accountStatus(deployment(), 1999)).toEqual({ status: 'CREATE_IN_PROGRESS', lastUpdateTime: 1000 });
    expect(accountStatus(deployment(), 2000)).toEqual({ status: 'CREATE_SUCCESSFUL', lastUpdateTime: 2000 });
    const failed = deployment({ operation: 'UPDATE', outcome: 'FAILED', errorCode: 'E', errorMessage: 'm' });
    expect(accountStatus(failed, 5000)).toEqual({
      status: 'UPDATE_FAILED',
      lastUpdateTime: 2000,
      errorCode: 'E',
      errorMessage: 'm',
    });
  });

  it('is SUCCESSFUL only when every account succeeded', () => {
    const a = deployment();
    const slow = deployment({ accountId: '222222222222', completesAt: 3000 });
    const bad = deployment({ accountId: '333333333333', outcome: 'FAILED' });
    expect(aggregateStatus('CREATE', 1000, [a, slow], 2500).status).toBe('CREATE_IN_PROGRESS');
    expect(aggregateStatus('CREATE', 1000, [a, slow], 3000)).toEqual({
      status: 'CREATE_SUCCESSFUL',
      lastUpdateTime: 3000,
    });
    const failed = aggregateStatus('CREATE', 1000, [a, bad], 3000);
    expect(failed.status).toBe('CREATE_FAILED');
    expect(failed.errorMessage).toMatch(/1 of 2/);
    expect(aggregateStatus('UPDATE', 1000, [], 1000).status).toBe('UPDATE_SUCCESSFUL');
  });

  it('stays IN_PROGRESS when stuck even though every account is done', () => {
    expect(aggregateStatus('UPDATE', 1000, [deployment()], 9000, true).status).toBe('UPDATE_IN_PROGRESS');
  });
});

describe('request validation', () => {
  const body = { OrganizationConformancePackName: 'Pack-1', TemplateBody: 'Resources: {}' };

  it('accepts a minimal request and normalises optional lists', () => {
    expect(validatePutRequest(body)).toEqual({
      name: 'Pack-1',
      templateBody: 'Resources: {}',
      inputParameters: [],
      excludedAccounts: [],
    });
  });

  it('enforces the model constraints', () => {
    expect(errorType(() => validatePutRequest({ ...body, OrganizationConformancePackName: '' }))).toBe(
      'ValidationException',
    );
    expect(errorType(() => validatePutRequest({ ...body, OrganizationConformancePackName: 'a_b' }))).toBe(
      'ValidationException',
    );
    expect(
      errorType(() => validatePutRequest({ ...body, OrganizationConformancePackName: 'a'.repeat(128) })),
    ).toBe('none');
    expect(errorType(() => validatePutRequest({ OrganizationConformancePackName: 'P' }))).toBe(
      'ValidationException',
    );
    // 51,200 bytes counts UTF-8 bytes, not characters.
    expect(errorType(() => validatePutRequest({ ...body, TemplateBody: 'é'.repeat(25_601) }))).toBe(
      'ValidationException',
    );
    expect(errorType(() => validatePutRequest({ ...body, TemplateBody: 'x'.repeat(51_200) }))).toBe('none');
    expect(errorType(() => validatePutRequest({ ...body, TemplateS3Uri: 'https://bucket/key' }))).toBe(
      'ValidationException',
    );
    expect(
      errorType(() =>
        validatePutRequest({ ...body, DeliveryS3Bucket: `awsconfigconforms${'x'.repeat(47)}` }),
      ),
    ).toBe('ValidationException');
    expect(
      errorType(() =>
        validatePutRequest({ ...body, DeliveryS3Bucket: `awsconfigconforms${'x'.repeat(46)}` }),
      ),
    ).toBe('none');
    const params = (n: number, name = 'P', value = 'v') =>
      Array.from({ length: n }, (_, i) => ({ ParameterName: `${name}${i}`, ParameterValue: value }));
    expect(errorType(() => validatePutRequest({ ...body, ConformancePackInputParameters: params(60) }))).toBe(
      'none',
    );
    expect(
      errorType(() =>
        validatePutRequest({ ...body, ConformancePackInputParameters: params(1, 'n'.repeat(255)) }),
      ),
    ).toBe('ValidationException');
    expect(
      errorType(() =>
        validatePutRequest({ ...body, ConformancePackInputParameters: params(1, 'P', 'v'.repeat(4097)) }),
      ),
    ).toBe('ValidationException');
    const ids = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    expect(errorType(() => validatePutRequest({ ...body, ExcludedAccounts: ids }))).toBe('none');
  });

  it('checks templates lightly: parseable mapping, allowed types, 130 resources, declared parameters', () => {
    const rule = (i: number) => `  R${i}:\n    Type: AWS::Config::ConfigRule\n`;
    const remediation = '  Fix:\n    Type: AWS::Config::RemediationConfiguration\n';
    expect(errorType(() => validateTemplate(`Resources:\n${rule(0)}${remediation}`))).toBe('none');
    expect(
      errorType(() => validateTemplate('{"Resources": {"R": {"Type": "AWS::Config::ConfigRule"}}}')),
    ).toBe('none');
    const many = (n: number) => `Resources:\n${Array.from({ length: n }, (_, i) => rule(i)).join('')}`;
    expect(errorType(() => validateTemplate(many(130)))).toBe('none');
    const type = 'OrganizationConformancePackTemplateValidationException';
    expect(errorType(() => validateTemplate(many(131)))).toBe(type);
    expect(errorType(() => validateTemplate('- a list'))).toBe(type);
    expect(errorType(() => validateTemplate('Resources: {}'))).toBe(type);
    expect(errorType(() => validateTemplate(`Resources:\n  Q:\n    Type: AWS::SQS::Queue\n`))).toBe(type);
    expect(errorType(() => validateTemplate(`Resources:\n  Q:\n    Properties: {}\n`))).toBe(type);
    const withParam = `Parameters:\n  Age:\n    Type: String\nResources:\n${rule(0)}`;
    expect(
      errorType(() => validateTemplate(withParam, [{ ParameterName: 'Age', ParameterValue: '1' }])),
    ).toBe('none');
    expect(
      errorType(() => validateTemplate(withParam, [{ ParameterName: 'Other', ParameterValue: '1' }])),
    ).toBe(type);
  });

  it('validates describe names and detailed-status filters', () => {
    expect(validateDescribeNames(undefined)).toEqual([]);
    expect(errorType(() => validateDescribeNames(Array.from({ length: 26 }, (_, i) => `P${i}`)))).toBe(
      'ValidationException',
    );
    expect(errorType(() => validateDescribeNames(['bad name']))).toBe('ValidationException');
    expect(validateDetailedFilters({ AccountId: '123456789012', Status: 'CREATE_FAILED' })).toEqual({
      accountId: '123456789012',
      status: 'CREATE_FAILED',
    });
    expect(errorType(() => validateDetailedFilters({ Status: 'CREATE_COMPLETE' }))).toBe(
      'ValidationException',
    );
    expect(errorType(() => validateDetailedFilters({ AccountId: '12' }))).toBe('ValidationException');
  });
});

describe('faults and randomness', () => {
  it('is deterministic for a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(randomSuffix(seededRandom(1), 8)).toMatch(/^[a-z0-9]{8}$/);
  });

  it('throttles about the configured fraction, only for the listed operations', () => {
    const faults = new Faults(seededRandom(3));
    faults.set({ throttle: { rate: 0.2, operations: ['GetOrganizationConformancePackDetailedStatus'] } });
    const hits = Array.from({ length: 1000 }, () =>
      faults.shouldThrottle('GetOrganizationConformancePackDetailedStatus'),
    );
    const rate = hits.filter(Boolean).length / 1000;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.25);
    expect(faults.shouldThrottle('PutOrganizationConformancePack')).toBe(false);
  });

  it('counts down ResourceInUse puts and scopes account failures to operations', () => {
    const faults = new Faults(seededRandom(1));
    faults.set({
      resourceInUseNextPuts: 1,
      accountFailures: { '111111111111': { errorCode: 'E', errorMessage: 'm', operations: ['DELETE'] } },
    });
    expect(faults.takeResourceInUse()).toBe(true);
    expect(faults.takeResourceInUse()).toBe(false);
    expect(faults.accountFailure('111111111111', 'CREATE')).toBeUndefined();
    expect(faults.accountFailure('111111111111', 'DELETE')?.errorCode).toBe('E');
    faults.set({ accountFailures: { '111111111111': null } });
    expect(faults.accountFailure('111111111111', 'DELETE')).toBeUndefined();
    expect(errorType(() => parseFaultConfig({ throttle: { rate: 1.5 } }))).toBe('ValidationException');
    expect(errorType(() => parseFaultConfig({ typo: true }))).toBe('ValidationException');
  });

  it('scopes account failures to Regions when asked', () => {
    const faults = new Faults(seededRandom(1));
    faults.set({
      accountFailures: { '111111111111': { errorCode: 'E', errorMessage: 'm', regions: ['eu-west-1'] } },
    });
    expect(faults.accountFailure('111111111111', 'CREATE', 'eu-west-1')?.errorCode).toBe('E');
    expect(faults.accountFailure('111111111111', 'CREATE', 'us-east-1')).toBeUndefined();
    expect(
      errorType(() =>
        parseFaultConfig({
          accountFailures: { x: { errorCode: 'E', errorMessage: 'm', regions: 'eu-west-1' } },
        }),
      ),
    ).toBe('ValidationException');
  });

  it('counts requests and throttles per operation, in total and per Region', () => {
    const stats = new StatsCounter();
    stats.count('A', false, 'us-east-1');
    stats.count('A', true, 'eu-west-1');
    stats.count('B', false, 'us-east-1');
    expect(stats.get()).toEqual({
      requests: { A: 2, B: 1 },
      throttled: { A: 1 },
      total: 3,
      byRegion: {
        'us-east-1': { requests: { A: 1, B: 1 }, throttled: {}, total: 2 },
        'eu-west-1': { requests: { A: 1 }, throttled: { A: 1 }, total: 1 },
      },
    });
    stats.reset();
    expect(stats.get()).toEqual({ requests: {}, throttled: {}, total: 0, byRegion: {} });
  });
});

describe('request Region', () => {
  it('comes from the SigV4 credential scope, else the default', () => {
    const auth = (region: string) =>
      `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/${region}/config/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;
    expect(requestRegion(auth('eu-west-1'), 'us-east-1')).toBe('eu-west-1');
    expect(requestRegion(auth('ap-southeast-2'), 'us-east-1')).toBe('ap-southeast-2');
    expect(requestRegion(undefined, 'us-east-1')).toBe('us-east-1');
    expect(requestRegion('Bearer token', 'eu-central-1')).toBe('eu-central-1');
  });
});
