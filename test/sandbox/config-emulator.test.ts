/**
 * The emulator driven by the real ConfigServiceClient over HTTP on loopback, with a manual clock
 * so rollouts complete on `tick` instead of wall time.
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
import type { OrganizationConformancePackDetailedStatus } from '@aws-sdk/client-config-service';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { noRecorderFailure, startConfigEmulator } from '../../src/sandbox/config-emulator/index.js';
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

const accountId = (i: number): string => String(100000000000 + i);
const activeAccounts = (n: number): OrganizationAccount[] =>
  Array.from({ length: n }, (_, i) => ({ id: accountId(i), status: 'ACTIVE' }));

let emulator: ConfigEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(
  options: Partial<ConfigEmulatorOptions> = {},
): Promise<{ emu: ConfigEmulator; client: ConfigServiceClient; tick: (ms: number) => void }> {
  emulator = await startConfigEmulator({
    accounts: async () => activeAccounts(3),
    clock: 'manual',
    delay: { baseMs: 1000, jitterMs: 500 },
    ...options,
  });
  const emu = emulator;
  const client = new ConfigServiceClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  const tick = emu.tick;
  if (tick === undefined) throw new Error('manual clock expected');
  return { emu, client, tick };
}

async function allDetailed(
  client: ConfigServiceClient,
  name: string,
): Promise<OrganizationConformancePackDetailedStatus[]> {
  const out: OrganizationConformancePackDetailedStatus[] = [];
  for await (const page of paginateGetOrganizationConformancePackDetailedStatus(
    { client },
    { OrganizationConformancePackName: name },
  )) {
    out.push(...(page.OrganizationConformancePackDetailedStatuses ?? []));
  }
  return out;
}

async function aggregate(client: ConfigServiceClient, name: string): Promise<string | undefined> {
  const out = await client.send(
    new DescribeOrganizationConformancePackStatusesCommand({ OrganizationConformancePackNames: [name] }),
  );
  return out.OrganizationConformancePackStatuses?.[0]?.Status;
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const put = (name: string, extra: Record<string, unknown> = {}) =>
  new PutOrganizationConformancePackCommand({
    OrganizationConformancePackName: name,
    TemplateBody: template,
    ...extra,
  });

describe('config emulator over the AWS SDK', () => {
  it('rolls a pack out to every active, non-excluded account and derives the aggregate', async () => {
    const accounts: OrganizationAccount[] = [
      ...activeAccounts(4),
      { id: '999999999991', status: 'SUSPENDED' },
      { id: '999999999992', status: 'PENDING_CLOSURE' },
    ];
    const { client, tick } = await start({ accounts: async () => accounts });
    const out = await client.send(put('Baseline', { ExcludedAccounts: [accountId(1)] }));
    expect(out.OrganizationConformancePackArn).toMatch(
      /^arn:aws:config:us-east-1:123456789012:organization-conformance-pack\/Baseline-[a-z0-9]{8}$/,
    );

    let detailed = await allDetailed(client, 'Baseline');
    expect(detailed.map((d) => d.AccountId)).toEqual([accountId(0), accountId(2), accountId(3)]);
    expect(new Set(detailed.map((d) => d.Status))).toEqual(new Set(['CREATE_IN_PROGRESS']));
    expect(detailed[0]?.ConformancePackName).toMatch(/^OrgConformsPack-Baseline-[a-z0-9]{8}$/);
    expect(await aggregate(client, 'Baseline')).toBe('CREATE_IN_PROGRESS');

    tick(999);
    expect((await allDetailed(client, 'Baseline')).every((d) => d.Status === 'CREATE_IN_PROGRESS')).toBe(
      true,
    );
    tick(501); // past base + maximum jitter
    detailed = await allDetailed(client, 'Baseline');
    expect(detailed.map((d) => d.Status)).toEqual([
      'CREATE_SUCCESSFUL',
      'CREATE_SUCCESSFUL',
      'CREATE_SUCCESSFUL',
    ]);
    expect(detailed[0]?.LastUpdateTime).toBeInstanceOf(Date);
    expect(detailed[0]!.LastUpdateTime!.getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1) + 1000);
    expect(await aggregate(client, 'Baseline')).toBe('CREATE_SUCCESSFUL');

    const described = await client.send(new DescribeOrganizationConformancePacksCommand({}));
    expect(
      described.OrganizationConformancePacks?.map((p) => [
        p.OrganizationConformancePackName,
        p.ExcludedAccounts,
      ]),
    ).toEqual([['Baseline', [accountId(1)]]]);
  });

  it('pages detailed status across 250 accounts with Limit and NextToken, and filters', async () => {
    const { client, tick } = await start({
      accounts: async () => activeAccounts(250),
      recorders: async (id) => id !== accountId(7),
    });
    await client.send(put('Wide'));
    tick(2000);
    const first = await client.send(
      new GetOrganizationConformancePackDetailedStatusCommand({
        OrganizationConformancePackName: 'Wide',
        Limit: 100,
      }),
    );
    expect(first.OrganizationConformancePackDetailedStatuses).toHaveLength(100);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(
      new GetOrganizationConformancePackDetailedStatusCommand({
        OrganizationConformancePackName: 'Wide',
        Limit: 100,
        NextToken: first.NextToken,
      }),
    );
    expect(second.OrganizationConformancePackDetailedStatuses?.[0]?.AccountId).toBe(accountId(100));
    const all = await allDetailed(client, 'Wide');
    expect(all).toHaveLength(250);
    expect(new Set(all.map((d) => d.AccountId)).size).toBe(250);

    const failed = await client.send(
      new GetOrganizationConformancePackDetailedStatusCommand({
        OrganizationConformancePackName: 'Wide',
        Filters: { Status: 'CREATE_FAILED' },
      }),
    );
    expect(failed.OrganizationConformancePackDetailedStatuses?.map((d) => d.AccountId)).toEqual([
      accountId(7),
    ]);
    const one = await client.send(
      new GetOrganizationConformancePackDetailedStatusCommand({
        OrganizationConformancePackName: 'Wide',
        Filters: { AccountId: accountId(42) },
      }),
    );
    expect(one.OrganizationConformancePackDetailedStatuses?.map((d) => [d.AccountId, d.Status])).toEqual([
      [accountId(42), 'CREATE_SUCCESSFUL'],
    ]);

    const overLimit = await errorOf(
      client.send(
        new GetOrganizationConformancePackDetailedStatusCommand({
          OrganizationConformancePackName: 'Wide',
          Limit: 101,
        }),
      ),
    );
    expect(overLimit.name).toBe('InvalidLimitException');
    const badToken = await errorOf(
      client.send(
        new GetOrganizationConformancePackDetailedStatusCommand({
          OrganizationConformancePackName: 'Wide',
          NextToken: 'garbage',
        }),
      ),
    );
    expect(badToken.name).toBe('InvalidNextTokenException');
    // A token of a filtered listing is not valid for the unfiltered one.
    const filteredPage = await client.send(
      new GetOrganizationConformancePackDetailedStatusCommand({
        OrganizationConformancePackName: 'Wide',
        Filters: { Status: 'CREATE_SUCCESSFUL' },
        Limit: 10,
      }),
    );
    const crossed = await errorOf(
      client.send(
        new GetOrganizationConformancePackDetailedStatusCommand({
          OrganizationConformancePackName: 'Wide',
          NextToken: filteredPage.NextToken,
        }),
      ),
    );
    expect(crossed.name).toBe('InvalidNextTokenException');
  });

  it('fails an account without a recorder with AWS error code and message', async () => {
    const { client, tick } = await start({
      recorders: async (id, region) => id !== accountId(1) || region !== 'us-east-1',
    });
    await client.send(put('NeedsRecorder'));
    tick(1500);
    const detailed = await allDetailed(client, 'NeedsRecorder');
    expect(detailed.map((d) => d.Status)).toEqual([
      'CREATE_SUCCESSFUL',
      'CREATE_FAILED',
      'CREATE_SUCCESSFUL',
    ]);
    expect(detailed[1]).toMatchObject({
      AccountId: accountId(1),
      ErrorCode: 'NoAvailableConfigurationRecorderException',
      ErrorMessage: 'You must create a configuration recorder before you can create or update a Config rule.',
    });
    expect(detailed[0]?.ErrorCode).toBeUndefined();
    expect(noRecorderFailure.errorCode).toBe('NoAvailableConfigurationRecorderException');
    expect(await aggregate(client, 'NeedsRecorder')).toBe('CREATE_FAILED');
  });

  it('updates with UPDATE_* statuses, refuses Puts while in progress, and deletes asynchronously', async () => {
    const { client, tick } = await start();
    await client.send(put('Lifecycle'));
    const busy = await errorOf(client.send(put('Lifecycle')));
    expect(busy.name).toBe('ResourceInUseException');
    tick(1500);
    await client.send(put('Lifecycle', { DeliveryS3Bucket: 'awsconfigconforms-reports' }));
    expect((await allDetailed(client, 'Lifecycle')).map((d) => d.Status)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_IN_PROGRESS',
      'UPDATE_IN_PROGRESS',
    ]);
    expect(await aggregate(client, 'Lifecycle')).toBe('UPDATE_IN_PROGRESS');
    const deleteBusy = await errorOf(
      client.send(
        new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Lifecycle' }),
      ),
    );
    expect(deleteBusy.name).toBe('ResourceInUseException');
    tick(1500);
    expect(await aggregate(client, 'Lifecycle')).toBe('UPDATE_SUCCESSFUL');
    const described = await client.send(
      new DescribeOrganizationConformancePacksCommand({ OrganizationConformancePackNames: ['Lifecycle'] }),
    );
    expect(described.OrganizationConformancePacks?.[0]?.DeliveryS3Bucket).toBe('awsconfigconforms-reports');

    await client.send(
      new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Lifecycle' }),
    );
    expect((await allDetailed(client, 'Lifecycle')).map((d) => d.Status)).toEqual([
      'DELETE_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
    ]);
    expect(await aggregate(client, 'Lifecycle')).toBe('DELETE_IN_PROGRESS');
    tick(1500);
    const gone = await errorOf(
      client.send(
        new DescribeOrganizationConformancePacksCommand({ OrganizationConformancePackNames: ['Lifecycle'] }),
      ),
    );
    expect(gone.name).toBe('NoSuchOrganizationConformancePackException');
    const deleteAgain = await errorOf(
      client.send(
        new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Lifecycle' }),
      ),
    );
    expect(deleteAgain.name).toBe('NoSuchOrganizationConformancePackException');
  });

  it('refuses a second Put of the same pack while the first is still fanning out', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = await start({
      accounts: async () => {
        await gate;
        return activeAccounts(2);
      },
    });
    const first = client.send(put('Racing'));
    await new Promise((r) => setTimeout(r, 50));
    const second = await errorOf(client.send(put('Racing')));
    release();
    await first;
    expect(second.name).toBe('ResourceInUseException');
    expect((await allDetailed(client, 'Racing')).map((d) => d.Status)).toEqual([
      'CREATE_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
    ]);
  });

  it('shows DELETE_SUCCESSFUL per account while a deleted pack is retained', async () => {
    const { client, tick } = await start({ retainDeletedMs: 10_000 });
    await client.send(put('Retained'));
    tick(1500);
    await client.send(
      new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Retained' }),
    );
    tick(1500);
    expect((await allDetailed(client, 'Retained')).map((d) => d.Status)).toEqual([
      'DELETE_SUCCESSFUL',
      'DELETE_SUCCESSFUL',
      'DELETE_SUCCESSFUL',
    ]);
    expect(await aggregate(client, 'Retained')).toBe('DELETE_SUCCESSFUL');
    tick(10_000);
    expect((await errorOf(allDetailed(client, 'Retained'))).name).toBe(
      'NoSuchOrganizationConformancePackException',
    );
  });

  it.each([
    [
      'a bad name',
      { OrganizationConformancePackName: '1-starts-with-digit' },
      'ValidationException',
      /regular expression/,
    ],
    [
      'a 129-character name',
      { OrganizationConformancePackName: `P${'a'.repeat(128)}` },
      'ValidationException',
      /less than or equal to 128/,
    ],
    [
      'a bucket without the prefix',
      { DeliveryS3Bucket: 'my-reports' },
      'ValidationException',
      /awsconfigconforms/,
    ],
    [
      '1001 excluded accounts',
      { ExcludedAccounts: activeAccounts(1001).map((a) => a.id) },
      'ValidationException',
      /1000/,
    ],
    ['a malformed excluded account', { ExcludedAccounts: ['12345'] }, 'ValidationException', /\\d\{12\}/],
    [
      '61 parameters',
      {
        ConformancePackInputParameters: Array.from({ length: 61 }, (_, i) => ({
          ParameterName: `P${i}`,
          ParameterValue: 'x',
        })),
      },
      'ValidationException',
      /less than or equal to 60/,
    ],
    [
      'an oversize body',
      { TemplateBody: `${template}#${'x'.repeat(51_200)}\n` },
      'ValidationException',
      /51200/,
    ],
    [
      'an S3 bucket resource',
      { TemplateBody: `${template}  Bucket:\n    Type: AWS::S3::Bucket\n` },
      'OrganizationConformancePackTemplateValidationException',
      /Bucket has type AWS::S3::Bucket/,
    ],
    [
      'broken YAML',
      { TemplateBody: 'Resources: [unclosed' },
      'OrganizationConformancePackTemplateValidationException',
      /format error/,
    ],
    [
      'an undeclared parameter',
      { ConformancePackInputParameters: [{ ParameterName: 'Nope', ParameterValue: '1' }] },
      'OrganizationConformancePackTemplateValidationException',
      /Nope/,
    ],
  ])('rejects %s', async (_label, fields, name, message) => {
    const { client, emu } = await start();
    const error = await errorOf(client.send(put('Valid', fields)));
    expect(error.name).toBe(name);
    expect(error.message).toMatch(message);
    expect(emu.packNames()).toEqual([]);
  });

  it('reads TemplateS3Uri templates through the injected reader (S3 wins over the body)', async () => {
    const read: string[] = [];
    const { client, emu } = await start({
      readTemplate: async (uri) => {
        read.push(uri);
        if (uri.endsWith('missing.yaml')) throw new Error('NoSuchKey');
        return template;
      },
    });
    await client.send(put('FromS3', { TemplateBody: 'not: [valid', TemplateS3Uri: 's3://bucket/pack.yaml' }));
    expect(read).toEqual(['s3://bucket/pack.yaml']);
    const missing = await errorOf(
      client.send(put('Missing', { TemplateBody: undefined, TemplateS3Uri: 's3://bucket/missing.yaml' })),
    );
    expect(missing.name).toBe('InsufficientPermissionsException');
    expect(emu.packNames()).toEqual(['FromS3']);
  });

  it('refuses the 51st pack', async () => {
    const { client } = await start({ accounts: async () => [] });
    for (let i = 0; i < 50; i += 1) await client.send(put(`Pack${i}`));
    const error = await errorOf(client.send(put('Pack50')));
    expect(error.name).toBe('MaxNumberOfOrganizationConformancePacksExceededException');
    // Updating one of the 50 is still allowed (no accounts: the create finished at once).
    await client.send(put('Pack0'));
    const page = await client.send(new DescribeOrganizationConformancePacksCommand({ Limit: 20 }));
    expect(page.OrganizationConformancePacks).toHaveLength(20);
    expect(page.NextToken).toBeTruthy();
  });

  it('answers every request with ThrottlingException at a 100% throttle rate', async () => {
    const { client, emu } = await start();
    emu.faults.set({ throttle: { rate: 1 } });
    const error = await errorOf(client.send(put('Throttled')));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(emu.stats().throttled).toEqual({ PutOrganizationConformancePack: 1 });
    expect(emu.packNames()).toEqual([]);
  });

  it('lets every call succeed through SDK retries at a 20% throttle rate', async () => {
    const { emu, tick } = await start({ faults: { throttle: { rate: 0.2 } }, seed: 7 });
    const client = new ConfigServiceClient({
      endpoint: emu.endpoint,
      region: 'us-east-1',
      retryStrategy: new ConfiguredRetryStrategy(10, () => 0),
      credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
    });
    await client.send(put('Flaky'));
    tick(1500);
    for (let i = 0; i < 40; i += 1) {
      const out = await client.send(
        new GetOrganizationConformancePackDetailedStatusCommand({ OrganizationConformancePackName: 'Flaky' }),
      );
      expect(out.OrganizationConformancePackDetailedStatuses).toHaveLength(3);
    }
    const stats = emu.stats();
    expect(stats.throttled.GetOrganizationConformancePackDetailedStatus ?? 0).toBeGreaterThan(0);
    expect(stats.requests.GetOrganizationConformancePackDetailedStatus).toBe(
      40 + (stats.throttled.GetOrganizationConformancePackDetailedStatus ?? 0),
    );
  });

  it('keeps the aggregate in progress when stuck, while every account is done', async () => {
    const { client, tick, emu } = await start();
    emu.faults.set({ aggregateStuckInProgress: true });
    await client.send(put('Stuck'));
    tick(5000);
    expect((await allDetailed(client, 'Stuck')).every((d) => d.Status === 'CREATE_SUCCESSFUL')).toBe(true);
    expect(await aggregate(client, 'Stuck')).toBe('CREATE_IN_PROGRESS');
    emu.faults.set({ aggregateStuckInProgress: false });
    expect(await aggregate(client, 'Stuck')).toBe('CREATE_SUCCESSFUL');
  });

  it('[10] describe lag: after each put the next N Describe calls show the pack as before it', async () => {
    const { client, tick, emu } = await start();
    emu.faults.set({ describeLagAfterPut: 2 });
    const describe = (names?: string[]) =>
      client.send(
        new DescribeOrganizationConformancePacksCommand(
          names ? { OrganizationConformancePackNames: names } : {},
        ),
      );
    await client.send(put('Lagging'));
    expect((await errorOf(describe(['Lagging']))).name).toBe('NoSuchOrganizationConformancePackException');
    expect((await describe()).OrganizationConformancePacks).toEqual([]);
    const created = (await describe(['Lagging'])).OrganizationConformancePacks?.[0]?.LastUpdateTime;
    expect(created).toBeInstanceOf(Date);
    tick(5000);
    await client.send(put('Lagging', { DeliveryS3Bucket: 'awsconfigconforms-reports' }));
    const stale = (await describe(['Lagging'])).OrganizationConformancePacks?.[0];
    expect(stale?.LastUpdateTime).toEqual(created);
    expect(stale?.DeliveryS3Bucket).toBeUndefined();
    await describe(['Lagging']);
    const fresh = (await describe(['Lagging'])).OrganizationConformancePacks?.[0];
    expect(fresh?.DeliveryS3Bucket).toBe('awsconfigconforms-reports');
    expect(fresh!.LastUpdateTime!.getTime()).toBeGreaterThan(created!.getTime());
    // Statuses are not delayed, and clearing the fault ends a lag in progress.
    await client.send(put('Other'));
    expect(await aggregate(client, 'Other')).toBe('CREATE_IN_PROGRESS');
    emu.faults.reset();
    expect((await describe(['Other'])).OrganizationConformancePacks).toHaveLength(1);
  });

  it('injects ResourceInUseException for the next N puts and per-account failures', async () => {
    const { client, tick, emu } = await start();
    emu.faults.set({
      resourceInUseNextPuts: 2,
      accountFailures: {
        [accountId(2)]: { errorCode: 'InsufficientPermissionsException', errorMessage: 'role missing' },
      },
    });
    expect((await errorOf(client.send(put('Faulty')))).name).toBe('ResourceInUseException');
    expect((await errorOf(client.send(put('Faulty')))).name).toBe('ResourceInUseException');
    await client.send(put('Faulty'));
    tick(1500);
    const failed = (await allDetailed(client, 'Faulty')).filter((d) => d.Status === 'CREATE_FAILED');
    expect(failed.map((d) => [d.AccountId, d.ErrorCode, d.ErrorMessage])).toEqual([
      [accountId(2), 'InsufficientPermissionsException', 'role missing'],
    ]);
  });

  it('serves the control API over HTTP: faults and per-operation stats', async () => {
    const { client, emu, tick } = await start();
    const post = await fetch(`${emu.endpoint}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ resourceInUseNextPuts: 1 }),
    });
    expect(post.status).toBe(200);
    expect((await errorOf(client.send(put('Counted')))).name).toBe('ResourceInUseException');
    await client.send(put('Counted'));
    tick(1500);
    for (let i = 0; i < 3; i += 1) {
      await client.send(
        new GetOrganizationConformancePackDetailedStatusCommand({
          OrganizationConformancePackName: 'Counted',
        }),
      );
    }
    const stats = (await (await fetch(`${emu.endpoint}/__emulator/stats`)).json()) as {
      requests: Record<string, number>;
    };
    expect(stats.requests).toEqual({
      PutOrganizationConformancePack: 2,
      GetOrganizationConformancePackDetailedStatus: 3,
    });
    const bad = await fetch(`${emu.endpoint}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttle: { rate: 2 } }),
    });
    expect(bad.status).toBe(400);
    const tickRes = await fetch(`${emu.endpoint}/__emulator/tick`, {
      method: 'POST',
      body: JSON.stringify({ ms: 10 }),
    });
    expect(tickRes.status).toBe(200);
    await fetch(`${emu.endpoint}/__emulator/stats`, { method: 'DELETE' });
    expect(emu.stats().total).toBe(0);
  });

  it('progresses on the real clock when no test clock is used', async () => {
    emulator = await startConfigEmulator({
      accounts: async () => activeAccounts(2),
      delay: { baseMs: 400, jitterMs: 0 },
    });
    expect(emulator.tick).toBeUndefined();
    const client = new ConfigServiceClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
    });
    const started = Date.now();
    await client.send(put('Realtime'));
    let status = await aggregate(client, 'Realtime');
    if (Date.now() - started < 350) expect(status).toBe('CREATE_IN_PROGRESS');
    while (status === 'CREATE_IN_PROGRESS' && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 25));
      status = await aggregate(client, 'Realtime');
    }
    expect(status).toBe('CREATE_SUCCESSFUL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
