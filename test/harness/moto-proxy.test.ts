/**
 * The proxy in front of moto: AWS's MaxResults limit for Organizations, seeded throttling that the
 * SDK recognises and retries, request counting, and byte-for-byte forwarding.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  CreateOrganizationCommand,
  ListAccountsCommand,
  ListRootsCommand,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service';
import {
  configClient,
  motoSkipNote,
  motoStatus,
  organizationsClient,
  stsClient,
  useMoto,
} from '../support/moto.js';
import { seededRandom, startMotoProxy, type MotoProxy } from '../support/moto-proxy.js';

const available = motoStatus().available;

describe.skipIf(!available)(`moto proxy${motoSkipNote()}`, () => {
  const moto = useMoto();
  let proxy: MotoProxy;
  beforeEach(async () => {
    proxy = await startMotoProxy({ target: moto.endpoint });
    const org = organizationsClient({ endpoint: moto.endpoint });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    org.destroy();
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('rejects Organizations list calls with MaxResults above 20 like AWS, and passes 20', async () => {
    const org = organizationsClient({ endpoint: proxy.endpoint });
    // moto alone accepts 21:
    const direct = organizationsClient({ endpoint: moto.endpoint });
    expect((await direct.send(new ListAccountsCommand({ MaxResults: 21 }))).Accounts).toHaveLength(1);
    await expect(org.send(new ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      Reason: 'MAX_VALUE_EXCEEDED',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(org.send(new ListRootsCommand({ MaxResults: 1000 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
    expect((await org.send(new ListAccountsCommand({ MaxResults: 20 }))).Accounts).toHaveLength(1);
    expect((await org.send(new ListAccountsCommand({}))).Accounts).toHaveLength(1);
    expect(proxy.rejectedCounts()).toEqual({ 'organizations:ListAccounts': 1, 'organizations:ListRoots': 1 });
    expect(proxy.counts()).toEqual({ 'organizations:ListAccounts': 3, 'organizations:ListRoots': 1 });
    org.destroy();
    direct.destroy();
  });

  it('at 100% every call fails with the service’s throttling error after one attempt', async () => {
    proxy.setThrottle({ rate: 1 });
    const org = organizationsClient({ endpoint: proxy.endpoint });
    const config = configClient({ endpoint: proxy.endpoint });
    const sts = stsClient({ endpoint: proxy.endpoint });
    await expect(org.send(new ListRootsCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    await expect(config.send(new DescribeConfigurationRecordersCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'Throttling' });
    expect(proxy.throttledCounts()).toEqual({
      'config:DescribeConfigurationRecorders': 1,
      'organizations:ListRoots': 1,
      'sts:GetCallerIdentity': 1,
    });
    for (const c of [org, config, sts]) c.destroy();
  });

  it('the SDK classifies the proxy’s errors as throttling and retries them', async () => {
    proxy.setThrottle({ rate: 1 });
    const retryStrategy = new ConfiguredRetryStrategy(3, () => 0);
    const org = organizationsClient({ endpoint: proxy.endpoint, retryStrategy });
    const config = configClient({
      endpoint: proxy.endpoint,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
    });
    await expect(org.send(new ListRootsCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { attempts: 3 },
    });
    await expect(config.send(new DescribeConfigurationRecordersCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { attempts: 3 },
    });
    expect(proxy.count('organizations:ListRoots')).toBe(3);
    expect(proxy.count('config:DescribeConfigurationRecorders')).toBe(3);
    org.destroy();
    config.destroy();
  });

  it('at 20% a client with a fast retry strategy completes every call', async () => {
    proxy.setThrottle({ rate: 0.2, seed: 42 });
    const org = organizationsClient({
      endpoint: proxy.endpoint,
      retryStrategy: new ConfiguredRetryStrategy(5, () => 0),
    });
    const calls = 60;
    for (let i = 0; i < calls; i++) {
      const pages = [];
      for await (const page of paginateListRoots({ client: org, pageSize: 20 }, {})) pages.push(page);
      expect(pages.flatMap((p) => p.Roots ?? [])).toHaveLength(1);
    }
    const throttled = proxy.throttledCounts()['organizations:ListRoots'] ?? 0;
    // About a fifth of the requests were throttled, each retried until it went through.
    expect(throttled).toBeGreaterThan(calls * 0.1);
    expect(throttled).toBeLessThan(calls * 0.4);
    expect(proxy.count('organizations:ListRoots')).toBe(calls + throttled);
    org.destroy();
  });

  it('throttles the same requests for the same seed, other requests for another seed', async () => {
    const org = organizationsClient({ endpoint: proxy.endpoint });
    const pattern = async (seed: number): Promise<string> => {
      proxy.setThrottle({ rate: 0.3, seed });
      let out = '';
      for (let i = 0; i < 40; i++) {
        out += await org.send(new ListRootsCommand({})).then(
          () => '.',
          (e: Error) => (e.name === 'TooManyRequestsException' ? 'T' : '?'),
        );
      }
      return out;
    };
    const a = await pattern(7);
    expect(a).toMatch(/^[.T]+$/);
    expect(a).toContain('T');
    expect(await pattern(7)).toBe(a);
    expect(await pattern(8)).not.toBe(a);
    // The source itself: same seed, same numbers in [0, 1).
    const r1 = seededRandom(3);
    const r2 = seededRandom(3);
    const xs = Array.from({ length: 5 }, () => r1());
    expect(Array.from({ length: 5 }, () => r2())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    org.destroy();
  });

  it('throttles only the operations selected, and counts per operation', async () => {
    proxy.setThrottle({ rate: 1, only: (op) => op === 'organizations:ListAccounts' });
    const org = organizationsClient({ endpoint: proxy.endpoint });
    await org.send(new ListRootsCommand({}));
    await org.send(new ListRootsCommand({}));
    await expect(org.send(new ListAccountsCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    expect(proxy.counts()).toEqual({ 'organizations:ListAccounts': 1, 'organizations:ListRoots': 2 });
    expect(proxy.total()).toBe(3);
    proxy.resetCounts();
    proxy.setThrottle(undefined);
    expect(proxy.total()).toBe(0);
    await org.send(new ListAccountsCommand({}));
    expect(proxy.counts()).toEqual({ 'organizations:ListAccounts': 1 });
    org.destroy();
  });

  it('forwards the response byte-for-byte (status, headers, body)', async () => {
    const body = JSON.stringify({});
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAPACKSMITHTEST000/20260101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0',
    };
    const direct = await fetch(`${moto.endpoint}/`, { method: 'POST', headers, body });
    const proxied = await fetch(`${proxy.endpoint}/`, { method: 'POST', headers, body });
    expect(proxied.status).toBe(direct.status);
    expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'));
    const [d, p] = [await direct.text(), await proxied.text()];
    expect(p).toBe(d);
    expect(JSON.parse(p)).toHaveProperty('Organization.Id');
    expect(proxy.count('organizations:DescribeOrganization')).toBe(1);
  });
});
