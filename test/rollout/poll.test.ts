/**
 * trackRollout against the real Config emulator (manual clock) through the real ConfigServiceClient.
 * The injected sleep advances the emulator's clock instead of waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DeleteOrganizationConformancePackCommand,
  DescribeOrganizationConformancePacksCommand,
  DescribeOrganizationConformancePackStatusesCommand,
  PutOrganizationConformancePackCommand,
} from '@aws-sdk/client-config-service';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { startConfigEmulator } from '../../src/sandbox/config-emulator/index.js';
import type { ConfigEmulator, ConfigEmulatorOptions } from '../../src/sandbox/config-emulator/index.js';
import { fetchDetailedStatus, trackRollout } from '../../src/rollout/poll.js';
import type { PollSnapshot } from '../../src/rollout/poll.js';
import { createTracker } from '../../src/rollout/tracker.js';
import type { RolloutOperation } from '../../src/rollout/tracker.js';
import { hintFor } from '../../src/rollout/hints.js';
import { openStatusStore } from '../../src/state/store.js';
import { deploymentInput, tempDir } from '../state/helpers.js';

const template = `Resources:
  IamPasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: iam-password-policy
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
`;
const credentials = { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' };
const id = (n: number): string => String(100000000000 + n);
const PACK = 'baseline';
const detailedOp = 'GetOrganizationConformancePackDetailedStatus';

let emulator: ConfigEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(n: number, options: Partial<ConfigEmulatorOptions> = {}, client?: ConfigServiceClient) {
  emulator = await startConfigEmulator({
    accounts: async () => Array.from({ length: n }, (_, i) => ({ id: id(i), status: 'ACTIVE' })),
    clock: 'manual',
    delay: { baseMs: 2000, jitterMs: 3000 },
    ...options,
  });
  const emu = emulator;
  const tick = emu.tick;
  if (tick === undefined) throw new Error('manual clock expected');
  let clock = options.startTime ?? Date.UTC(2026, 0, 1);
  const config =
    client ??
    new ConfigServiceClient({ endpoint: emu.endpoint, region: emu.region, maxAttempts: 1, credentials });
  const sleep = async (ms: number): Promise<void> => {
    tick(ms);
    clock += ms;
  };
  const now = (): Date => new Date(clock);
  const targets = Array.from({ length: n }, (_, i) => ({ id: id(i), name: `acct-${i}`, ouPath: '/Root' }));

  /** Puts (or deletes) the pack and returns a tracker whose `since` is AWS's LastUpdateTime. */
  async function start(operation: RolloutOperation = 'create', excluded: string[] = []) {
    if (operation === 'delete') {
      await config.send(
        new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: PACK }),
      );
    } else {
      await config.send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: PACK,
          TemplateBody: template,
          ExcludedAccounts: excluded.length > 0 ? excluded : undefined,
        }),
      );
    }
    const described = await config.send(
      new DescribeOrganizationConformancePacksCommand({ OrganizationConformancePackNames: [PACK] }),
    );
    const since = described.OrganizationConformancePacks?.[0]?.LastUpdateTime ?? now();
    emu.resetStats();
    return createTracker({
      operation,
      since,
      targets: targets.filter((t) => !excluded.includes(t.id)),
      excluded,
    });
  }
  return { emu, config, sleep, now, start };
}

describe('fetchDetailedStatus', () => {
  it('reads every page with Limit 100 and says gone for a missing pack', async () => {
    const { emu, config, start } = await setup(250);
    await start();
    const read = await fetchDetailedStatus(config, PACK);
    expect(read.rows.map((r) => r.accountId)).toEqual(Array.from({ length: 250 }, (_, i) => id(i)));
    expect(read.pages).toBe(Math.ceil(250 / 100));
    expect(emu.stats().requests[detailedOp]).toBe(read.pages);
    expect(read.rows[0]).toMatchObject({ status: 'CREATE_IN_PROGRESS' });
    expect(read.rows[0]?.lastUpdateTime).toBeInstanceOf(Date);
    expect(await fetchDetailedStatus(config, 'NoSuchPack')).toMatchObject({ rows: [], gone: true });
  });
});

describe('trackRollout', () => {
  it('tracks 250 accounts with one call per 100 accounts per poll', async () => {
    const { emu, config, sleep, now, start } = await setup(250);
    const tracker = await start();
    const snapshots: PollSnapshot[] = [];
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
      onPoll: (s) => snapshots.push(s),
    });
    expect(result.outcome).toBe('succeeded');
    expect(result.polls).toBe(snapshots.length);
    expect(result.polls).toBeGreaterThan(1);
    const calls = emu.stats().requests[detailedOp] ?? 0;
    expect(calls).toBe(result.requests);
    expect(calls / result.polls).toBe(3);
    expect(tracker.counts().succeeded).toBe(250);
    expect(snapshots.at(-1)?.done).toBe(true);
    expect(snapshots.slice(0, -1).every((s) => !s.done)).toBe(true);
  });

  it('finishes from per-account rows while the aggregate status is stuck IN_PROGRESS', async () => {
    const { emu, config, sleep, now, start } = await setup(20, {
      faults: { aggregateStuckInProgress: true },
    });
    const tracker = await start();
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
    });
    expect(result.outcome).toBe('succeeded');
    const aggregate = await config.send(
      new DescribeOrganizationConformancePackStatusesCommand({ OrganizationConformancePackNames: [PACK] }),
    );
    expect(aggregate.OrganizationConformancePackStatuses?.[0]?.Status).toBe('CREATE_IN_PROGRESS');
    expect(emu.stats().requests.DescribeOrganizationConformancePackStatuses).toBe(1);
  });

  it('reports a per-account failure with its error and a hint', async () => {
    const failure = {
      errorCode: 'NoAvailableConfigurationRecorderException',
      errorMessage: 'You must create a configuration recorder before you can create or update a Config rule.',
    };
    const { config, sleep, now, start } = await setup(12, {
      faults: { accountFailures: { [id(7)]: failure } },
    });
    const tracker = await start();
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
    });
    expect(result.outcome).toBe('failed');
    const failed = tracker.failed();
    expect(failed).toEqual([expect.objectContaining({ id: id(7), status: 'CREATE_FAILED', ...failure })]);
    expect(hintFor(failed[0]?.errorCode, failed[0]?.errorMessage)).toMatch(/recorder/);
    expect(tracker.counts().succeeded).toBe(11);
  });

  it('reaches the same final states under throttling (after the SDK retries)', async () => {
    const finalStates = async (throttle: boolean) => {
      const failure = { errorCode: 'X', errorMessage: 'boom' };
      const options: Partial<ConfigEmulatorOptions> = {
        faults: {
          accountFailures: { [id(3)]: failure },
          ...(throttle ? { throttle: { rate: 0.2, operations: [detailedOp] } } : {}),
        },
      };
      const { emu, sleep, now, start } = await setup(230, options);
      const config = new ConfigServiceClient({
        endpoint: emu.endpoint,
        region: emu.region,
        retryStrategy: new ConfiguredRetryStrategy(4, () => 0),
        credentials,
      });
      const tracker = await start();
      const result = await trackRollout({
        config,
        orgPackName: PACK,
        tracker,
        intervalMs: 1000,
        timeoutMs: 120_000,
        sleep,
        now,
      });
      const stats = emu.stats();
      await emu.close();
      emulator = undefined;
      return {
        result,
        throttled: stats.throttled[detailedOp] ?? 0,
        states: tracker.accounts().map((a) => [a.id, a.state, a.status, a.errorCode]),
      };
    };
    const calm = await finalStates(false);
    const stormy = await finalStates(true);
    expect(calm.throttled).toBe(0);
    expect(stormy.throttled).toBeGreaterThan(0);
    expect(stormy.result.outcome).toBe('failed');
    expect(stormy.states).toEqual(calm.states);
  });

  it('backs off when a poll is still throttled after the SDK retries, then carries on', async () => {
    const { emu, config, now, start } = await setup(5, { delay: { baseMs: 5000, jitterMs: 0 } });
    const tracker = await start();
    emu.faults.set({ throttle: { rate: 1, operations: [detailedOp] } });
    const waits: number[] = [];
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 600_000,
      now,
      sleep: async (ms) => {
        waits.push(ms);
        emu.tick?.(ms);
        // AWS calms down after four throttled polls.
        if (waits.length === 4) emu.faults.set({ throttle: { rate: 0 } });
      },
    });
    expect(result.outcome).toBe('succeeded');
    expect(waits.slice(0, 4)).toEqual([2000, 4000, 8000, 16000]);
  });

  it('times out: targets without a fresh answer become not-reported with their last status', async () => {
    const { config, sleep, now, start } = await setup(4, { delay: { baseMs: 100_000, jitterMs: 0 } });
    const tracker = await start();
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 5000,
      sleep,
      now,
    });
    expect(result.outcome).toBe('timed-out');
    expect(result.polls).toBe(5000 / 1000 + 1);
    expect(tracker.accounts().map((a) => [a.state, a.status])).toEqual(
      Array.from({ length: 4 }, () => ['not-reported', 'CREATE_IN_PROGRESS']),
    );
  });

  it('stops when the signal aborts', async () => {
    const { config, sleep, now, start } = await setup(4, { delay: { baseMs: 100_000, jitterMs: 0 } });
    const tracker = await start();
    const controller = new AbortController();
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
      signal: controller.signal,
      onPoll: (s) => {
        if (s.poll === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ outcome: 'cancelled', polls: 2 });
    expect(tracker.counts()['in-progress']).toBe(4);
  });

  it('tracks a delete until the pack is gone', async () => {
    const { config, sleep, now, start } = await setup(150);
    await trackRollout({
      config,
      orgPackName: PACK,
      tracker: await start(),
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
    });
    const tracker = await start('delete');
    const gone: boolean[] = [];
    const result = await trackRollout({
      config,
      orgPackName: PACK,
      tracker,
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep,
      now,
      onPoll: (s) => gone.push(s.gone),
    });
    expect(result.outcome).toBe('succeeded');
    expect(tracker.counts().succeeded).toBe(150);
    expect(gone.at(-1)).toBe(true);
    expect((await fetchDetailedStatus(config, PACK)).gone).toBe(true);
  });

  it('records each poll in one recordObservations call: transitions equal the state changes', async () => {
    const { dir, cleanup } = tempDir();
    const store = openStatusStore(`${dir}/state.db`);
    try {
      const { config, sleep, now, start } = await setup(130, {
        faults: { accountFailures: { [id(5)]: { errorCode: 'E', errorMessage: 'm' } } },
      });
      const tracker = await start();
      const deploymentId = store.startDeployment(deploymentInput());
      let calls = 0;
      let changes = 0;
      const result = await trackRollout({
        config,
        orgPackName: PACK,
        tracker,
        intervalMs: 1000,
        timeoutMs: 60_000,
        sleep,
        now,
        store: {
          deploymentId,
          recordObservations: (d, o, at) => {
            calls += 1;
            return store.recordObservations(d, o, at);
          },
        },
        onPoll: (s) => (changes += s.changed.length),
      });
      expect(result.outcome).toBe('failed');
      expect(calls).toBe(result.polls);
      expect(store.transitions(deploymentId)).toHaveLength(changes);
      const current = new Map(store.currentStatuses().map((r) => [r.accountId, r.status]));
      expect(current.size).toBe(130);
      for (const a of tracker.accounts()) expect(current.get(a.id)).toBe(a.status);
      expect(store.transitions(deploymentId, id(5)).at(-1)).toMatchObject({
        status: 'CREATE_FAILED',
        errorCode: 'E',
      });
    } finally {
      store.close();
      cleanup();
    }
  });
});
