/**
 * The emulator as several Regions behind one endpoint (the Region comes from each request's SigV4
 * credential scope), at the scale of 5,000 accounts, and the fields a client uses to tell one Put
 * from the next. Driven by the real ConfigServiceClient over loopback, with a manual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DeleteOrganizationConformancePackCommand,
  DescribeOrganizationConformancePacksCommand,
  DescribeOrganizationConformancePackStatusesCommand,
  GetOrganizationConformancePackDetailedStatusCommand,
  PutOrganizationConformancePackCommand,
  paginateGetOrganizationConformancePackDetailedStatus,
} from '@aws-sdk/client-config-service';
import type {
  GetOrganizationConformancePackDetailedStatusCommandInput,
  OrganizationConformancePackDetailedStatus,
} from '@aws-sdk/client-config-service';
import {
  noRecorderFailure,
  startConfigEmulator,
  unavailableRuleFailure,
} from '../../src/sandbox/config-emulator/index.js';
import type {
  ConfigEmulator,
  ConfigEmulatorOptions,
  OrganizationAccount,
} from '../../src/sandbox/config-emulator/index.js';

const template = `Parameters:
  MaxAge:
    Type: String
    Default: '90'
Resources:
  IamPasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: iam-password-policy
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
`;
const START = Date.UTC(2026, 0, 1);
const DELAY = { baseMs: 1000, jitterMs: 500 };
const DETAILED = 'GetOrganizationConformancePackDetailedStatus';

const accountId = (i: number): string => String(100000000000 + i);
const activeAccounts = (n: number): OrganizationAccount[] =>
  Array.from({ length: n }, (_, i) => ({ id: accountId(i), status: 'ACTIVE' }));

let emulator: ConfigEmulator | undefined;
const clients: ConfigServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<ConfigEmulatorOptions> = {}): Promise<ConfigEmulator> {
  emulator = await startConfigEmulator({
    accounts: async () => activeAccounts(3),
    clock: 'manual',
    startTime: START,
    delay: DELAY,
    ...options,
  });
  return emulator;
}

function clientFor(emu: ConfigEmulator, region: string): ConfigServiceClient {
  const client = new ConfigServiceClient({
    endpoint: emu.endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  clients.push(client);
  return client;
}

const put = (name: string, extra: Record<string, unknown> = {}) =>
  new PutOrganizationConformancePackCommand({
    OrganizationConformancePackName: name,
    TemplateBody: template,
    ...extra,
  });

/** Every page of detailed status, as pages. */
async function pages(
  client: ConfigServiceClient,
  input: GetOrganizationConformancePackDetailedStatusCommandInput,
): Promise<OrganizationConformancePackDetailedStatus[][]> {
  const out: OrganizationConformancePackDetailedStatus[][] = [];
  for await (const page of paginateGetOrganizationConformancePackDetailedStatus({ client }, input)) {
    out.push(page.OrganizationConformancePackDetailedStatuses ?? []);
  }
  return out;
}

const statusesOf = async (client: ConfigServiceClient, name: string) =>
  new Map(
    (await pages(client, { OrganizationConformancePackName: name }))
      .flat()
      .map((d) => [d.AccountId, d] as const),
  );

async function aggregate(client: ConfigServiceClient, name: string): Promise<string | undefined> {
  const out = await client.send(
    new DescribeOrganizationConformancePackStatusesCommand({ OrganizationConformancePackNames: [name] }),
  );
  return out.OrganizationConformancePackStatuses?.[0]?.Status;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('config emulator: one endpoint, several Regions', () => {
  it('keeps the same pack name in two Regions as two independent packs', async () => {
    const asked: string[] = [];
    const emu = await start({
      // accountId(1) has a recorder in us-east-1 only.
      recorders: async (id, region) => {
        asked.push(`${id}/${region}`);
        return !(id === accountId(1) && region === 'eu-west-1');
      },
    });
    const us = clientFor(emu, 'us-east-1');
    const eu = clientFor(emu, 'eu-west-1');

    const usArn = (await us.send(put('Shared'))).OrganizationConformancePackArn;
    expect(usArn).toMatch(/^arn:aws:config:us-east-1:123456789012:organization-conformance-pack\/Shared-/);
    // The same name is free in eu-west-1 (no ResourceInUseException although us-east-1 is busy).
    const euArn = (await eu.send(put('Shared', { ExcludedAccounts: [accountId(2)] })))
      .OrganizationConformancePackArn;
    expect(euArn).toMatch(/^arn:aws:config:eu-west-1:123456789012:organization-conformance-pack\/Shared-/);
    expect(asked.filter((a) => a.endsWith('/us-east-1')).sort()).toEqual(
      activeAccounts(3).map((a) => `${a.id}/us-east-1`),
    );
    expect(asked.filter((a) => a.endsWith('/eu-west-1')).sort()).toEqual(
      [accountId(0), accountId(1)].map((id) => `${id}/eu-west-1`),
    );

    emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
    const usStatuses = await statusesOf(us, 'Shared');
    const euStatuses = await statusesOf(eu, 'Shared');
    expect([...usStatuses.keys()]).toEqual(activeAccounts(3).map((a) => a.id));
    expect([...usStatuses.values()].map((d) => d.Status)).toEqual(Array(3).fill('CREATE_SUCCESSFUL'));
    expect([...euStatuses.keys()]).toEqual([accountId(0), accountId(1)]);
    expect(euStatuses.get(accountId(1))).toMatchObject({
      Status: 'CREATE_FAILED',
      ErrorCode: noRecorderFailure.errorCode,
    });
    expect(await aggregate(us, 'Shared')).toBe('CREATE_SUCCESSFUL');
    expect(await aggregate(eu, 'Shared')).toBe('CREATE_FAILED');

    // Deleting in one Region leaves the other alone.
    await eu.send(
      new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Shared' }),
    );
    emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
    expect(emu.packNames('eu-west-1')).toEqual([]);
    expect(emu.packNames('us-east-1')).toEqual(['Shared']);
    expect(emu.packNames()).toEqual(['Shared']);
    expect(emu.packNames('ap-south-1')).toEqual([]);

    const stats = emu.stats();
    const us1 = stats.byRegion['us-east-1'];
    const eu1 = stats.byRegion['eu-west-1'];
    expect(us1?.requests.PutOrganizationConformancePack).toBe(1);
    expect(eu1?.requests.PutOrganizationConformancePack).toBe(1);
    expect(eu1?.requests.DeleteOrganizationConformancePack).toBe(1);
    expect(us1?.requests.DeleteOrganizationConformancePack).toBeUndefined();
    expect(Object.keys(stats.byRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(stats.total).toBe((us1?.total ?? 0) + (eu1?.total ?? 0));
    for (const [op, n] of Object.entries(stats.requests)) {
      expect(n, op).toBe((us1?.requests[op] ?? 0) + (eu1?.requests[op] ?? 0));
    }
  });

  it('scopes an account failure to the Regions it names', async () => {
    const emu = await start({
      faults: {
        accountFailures: {
          [accountId(0)]: { errorCode: 'AccessDenied', errorMessage: 'denied', regions: ['us-west-2'] },
        },
      },
    });
    const east = clientFor(emu, 'us-east-1');
    const west = clientFor(emu, 'us-west-2');
    await east.send(put('Scoped'));
    await west.send(put('Scoped'));
    emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
    expect((await statusesOf(east, 'Scoped')).get(accountId(0))?.Status).toBe('CREATE_SUCCESSFUL');
    expect((await statusesOf(west, 'Scoped')).get(accountId(0))).toMatchObject({
      Status: 'CREATE_FAILED',
      ErrorCode: 'AccessDenied',
    });
  });

  it('answers a request without a signature in the default Region', async () => {
    const emu = await start({ region: 'eu-central-1' });
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'StarlingDoveService.PutOrganizationConformancePack',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ OrganizationConformancePackName: 'Unsigned', TemplateBody: template }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { OrganizationConformancePackArn: string };
    expect(body.OrganizationConformancePackArn).toContain(':eu-central-1:');
    expect(emu.packNames('eu-central-1')).toEqual(['Unsigned']);
    expect(emu.packNames()).toEqual(['Unsigned']);
    expect(Object.keys(emu.stats().byRegion)).toEqual(['eu-central-1']);
  });

  it('refuses Regions it does not serve when restricted, without counting them', async () => {
    const emu = await start({ regions: ['us-east-1', 'eu-west-1'] });
    expect(emu.region).toBe('us-east-1');
    const error = await errorOf(clientFor(emu, 'ap-southeast-2').send(put('Elsewhere')));
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toContain('ap-southeast-2');
    expect(error.message).toContain('us-east-1, eu-west-1');
    expect(emu.stats().total).toBe(0);
    await clientFor(emu, 'eu-west-1').send(put('Here'));
    expect(emu.packNames('eu-west-1')).toEqual(['Here']);
    await expect(start({ region: 'us-west-2', regions: ['eu-west-1'] })).rejects.toThrow(/not among regions/);
  });
});

describe('config emulator at 5,000 accounts', () => {
  const N = 5000;

  it('pages detailed status: every account exactly once, ⌈N/100⌉ pages, filters without empty pages', async () => {
    const failing = activeAccounts(N)
      .filter((_, i) => i % 97 === 3)
      .map((a) => a.id);
    const emu = await start({
      accounts: async () => activeAccounts(N),
      faults: {
        accountFailures: Object.fromEntries(failing.map((id) => [id, { errorCode: 'E', errorMessage: 'm' }])),
      },
    });
    const client = clientFor(emu, 'eu-west-1');
    await client.send(put('Huge'));
    emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
    emu.resetStats();

    const all = await pages(client, { OrganizationConformancePackName: 'Huge' });
    const ids = all.flat().map((d) => d.AccountId);
    expect(all.length).toBe(Math.ceil(N / 100));
    expect(all.every((p) => p.length > 0 && p.length <= 100)).toBe(true);
    expect(ids).toHaveLength(N);
    expect(new Set(ids)).toEqual(new Set(activeAccounts(N).map((a) => a.id)));
    expect(ids).toEqual([...ids].sort());
    expect(emu.stats().byRegion['eu-west-1']?.requests[DETAILED]).toBe(Math.ceil(N / 100));

    // A status filter pages over the matching accounts only, and the last page carries no token.
    const limit = 7;
    const failedPages = await pages(client, {
      OrganizationConformancePackName: 'Huge',
      Filters: { Status: 'CREATE_FAILED' },
      Limit: limit,
    });
    expect(failedPages.flat().map((d) => d.AccountId)).toEqual(failing);
    expect(failedPages.length).toBe(Math.ceil(failing.length / limit));
    expect(failedPages.every((p) => p.length > 0)).toBe(true);
    const succeeded = (
      await pages(client, {
        OrganizationConformancePackName: 'Huge',
        Filters: { Status: 'CREATE_SUCCESSFUL' },
      })
    ).flat();
    expect(succeeded).toHaveLength(N - failing.length);
    expect(await aggregate(client, 'Huge')).toBe('CREATE_FAILED');
  });
});

describe('config emulator: what tells one Put from the next', () => {
  it('describes the pack with its last accepted Put, and re-runs every account on an identical Put', async () => {
    const emu = await start();
    const client = clientFor(emu, 'us-east-1');
    const input = {
      DeliveryS3Bucket: 'awsconfigconforms-reports',
      ConformancePackInputParameters: [{ ParameterName: 'MaxAge', ParameterValue: '60' }],
      ExcludedAccounts: [accountId(2)],
    };
    await client.send(put('Again', input));
    const describe = async () =>
      (
        await client.send(
          new DescribeOrganizationConformancePacksCommand({ OrganizationConformancePackNames: ['Again'] }),
        )
      ).OrganizationConformancePacks?.[0];
    const first = await describe();
    expect(first).toMatchObject(input);
    expect(first?.LastUpdateTime).toBeInstanceOf(Date);
    expect(first?.LastUpdateTime?.getTime()).toBe(START);

    emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
    const created = await statusesOf(client, 'Again');
    const createdAt = new Map([...created].map(([id, d]) => [id, d.LastUpdateTime?.getTime() ?? NaN]));
    for (const d of created.values()) expect(d.Status).toBe('CREATE_SUCCESSFUL');

    const gap = 10_000;
    emu.tick?.(gap);
    const secondPutAt = START + DELAY.baseMs + DELAY.jitterMs + gap;
    await client.send(put('Again', input));
    const second = await describe();
    expect(second?.LastUpdateTime?.getTime()).toBe(secondPutAt);
    expect(second?.OrganizationConformancePackArn).toBe(first?.OrganizationConformancePackArn);

    // Right after the Put, no account shows a finished status stamped with the new Put's time.
    const updating = await statusesOf(client, 'Again');
    expect([...updating.keys()]).toEqual([...created.keys()]);
    for (const d of updating.values()) {
      expect(d.Status).toBe('UPDATE_IN_PROGRESS');
      expect(d.LastUpdateTime?.getTime()).toBe(secondPutAt);
    }
    expect(await aggregate(client, 'Again')).toBe('UPDATE_IN_PROGRESS');

    emu.tick?.(DELAY.baseMs - 1);
    for (const d of (await statusesOf(client, 'Again')).values()) expect(d.Status).toBe('UPDATE_IN_PROGRESS');
    emu.tick?.(DELAY.jitterMs + 1);
    const updated = await statusesOf(client, 'Again');
    for (const [id, d] of updated) {
      expect(d.Status).toBe('UPDATE_SUCCESSFUL');
      const at = d.LastUpdateTime?.getTime() ?? NaN;
      expect(at).toBeGreaterThanOrEqual(secondPutAt + DELAY.baseMs);
      expect(at).toBeGreaterThan(createdAt.get(id) ?? Infinity);
    }
    expect(await aggregate(client, 'Again')).toBe('UPDATE_SUCCESSFUL');
  });

  it('returns empty lists, not nothing, when a Put gave no parameters or exclusions', async () => {
    const emu = await start();
    const client = clientFor(emu, 'us-east-1');
    await client.send(put('Plain'));
    const described = await client.send(new DescribeOrganizationConformancePacksCommand({}));
    expect(described.OrganizationConformancePacks?.[0]).toMatchObject({
      OrganizationConformancePackName: 'Plain',
      ConformancePackInputParameters: [],
      ExcludedAccounts: [],
    });
    expect(described.OrganizationConformancePacks?.[0]?.DeliveryS3Bucket).toBeUndefined();
  });
});

// Issue 14 (modelled behaviour): a pack holding a managed rule packsmith's catalog says does not exist
// in the Region fails in every target account; it succeeds where the rule exists, and the template
// without the rule (what `unavailableRules: exclude` deploys) succeeds there too.
const rule = (logicalId: string, name: string, identifier: string) =>
  [
    `  ${logicalId}:`,
    '    Type: AWS::Config::ConfigRule',
    '    Properties:',
    `      ConfigRuleName: ${name}`,
    '      Source:',
    '        Owner: AWS',
    `        SourceIdentifier: ${identifier}`,
  ].join('\n');
const versioning = rule('Versioning', 'versioning', 'S3_BUCKET_VERSIONING_ENABLED');
const withMfa = `Resources:\n${rule('RootMfa', 'root-mfa', 'ROOT_ACCOUNT_MFA_ENABLED')}\n${versioning}\n`;
const withoutMfa = `Resources:\n${versioning}\n`;

async function deployed(client: ConfigServiceClient, emu: ConfigEmulator, name: string, body: string) {
  await client.send(
    new PutOrganizationConformancePackCommand({ OrganizationConformancePackName: name, TemplateBody: body }),
  );
  emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
  const detailed = await client.send(
    new GetOrganizationConformancePackDetailedStatusCommand({ OrganizationConformancePackName: name }),
  );
  return {
    status: await aggregate(client, name),
    accounts: detailed.OrganizationConformancePackDetailedStatuses ?? [],
  };
}

describe('config emulator: a managed rule unavailable in the Region (modelled)', () => {
  it('fails per account in us-gov-west-1, succeeds in us-east-1; without the rule, succeeds in both', async () => {
    const emu = await start();
    const gov = clientFor(emu, 'us-gov-west-1');
    const east = clientFor(emu, 'us-east-1');
    const failed = await deployed(gov, emu, 'Base', withMfa);
    expect(failed.status).toBe('CREATE_FAILED');
    expect(failed.accounts).toHaveLength(3);
    for (const a of failed.accounts) {
      expect(a).toMatchObject({
        Status: 'CREATE_FAILED',
        ErrorCode: unavailableRuleFailure(['ROOT_ACCOUNT_MFA_ENABLED']).errorCode,
      });
      expect(a.ErrorMessage).toContain('ROOT_ACCOUNT_MFA_ENABLED');
      expect(a.ErrorMessage).not.toContain('S3_BUCKET_VERSIONING_ENABLED');
    }
    expect((await deployed(east, emu, 'Base', withMfa)).status).toBe('CREATE_SUCCESSFUL');
    expect((await deployed(gov, emu, 'Excluded', withoutMfa)).status).toBe('CREATE_SUCCESSFUL');
  });

  it('a Region without availability data is unknown: the pack deploys', async () => {
    const emu = await start();
    expect((await deployed(clientFor(emu, 'xx-future-1'), emu, 'Base', withMfa)).status).toBe(
      'CREATE_SUCCESSFUL',
    );
  });
});
