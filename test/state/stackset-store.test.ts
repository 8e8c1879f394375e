/** Issue 16: the status store keeps stack set operations and each stack instance's status and reason. */
import { afterEach, describe, expect, it } from 'vitest';
import { openStatusStore, type StatusStore } from '../../src/state/store.js';

let store: StatusStore | undefined;
afterEach(() => store?.close());

describe('[16] stack set operations in the status store', () => {
  it('an operation goes ISSUING → RUNNING → FAILED with its instances, reasons redacted of credentials', () => {
    store = openStatusStore(':memory:');
    expect(store.schemaVersion).toBeGreaterThanOrEqual(4);
    const row = store.startStackSetOperation({
      pack: 'baseline',
      stackSetName: 'packsmith-baseline',
      runKey: 'k1',
      stage: 'production',
      stageIndex: 1,
      kind: 'create-instances',
      operationId: 'packsmith-k1-s1-create-instances-a1',
      attempt: 1,
      callerAccount: '111122223333',
    });
    expect(store.stackSetOperations({ pack: 'baseline' })[0]).toMatchObject({
      status: 'ISSUING',
      endedAt: null,
    });
    store.updateStackSetOperation(row, 'RUNNING');
    expect(store.stackSetOperations({ pack: 'baseline', runKey: 'k1' })[0]!.endedAt).toBeNull();
    store.recordStackInstances(row, [
      {
        accountId: '222233334444',
        region: 'us-east-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason: 'NoAvailableConfigurationRecorder AKIAABCDEFGHIJKLMNOP',
      },
      { accountId: '222233335555', region: 'us-east-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
      { accountId: '222233336666', region: 'us-east-1', status: 'CURRENT', detailedStatus: 'SOMETHING_NEW' },
    ]);
    store.updateStackSetOperation(row, 'FAILED', 'failure tolerance exceeded');
    const [op] = store.stackSetOperations({ pack: 'baseline' });
    expect(op).toMatchObject({
      status: 'FAILED',
      statusReason: 'failure tolerance exceeded',
      stage: 'production',
    });
    expect(op!.endedAt).not.toBeNull();
    const instances = store.stackInstances(row);
    expect(instances[0]).toMatchObject({ detailedStatus: 'FAILED', redacted: true });
    expect(instances[0]!.statusReason).toBe('NoAvailableConfigurationRecorder [REDACTED:access-key-id]');
    // A status the enum does not know is kept out of the checked column rather than failing the write.
    expect(instances[2]!.detailedStatus).toBeNull();
    expect(store.stackSetOperations({ pack: 'baseline', runKey: 'other' })).toEqual([]);
  });

  it("every pack's operations without a pack, newest first, at most `limit`", () => {
    store = openStatusStore(':memory:');
    const start = (pack: string, stageIndex: number) =>
      store!.startStackSetOperation({
        pack,
        stackSetName: `packsmith-${pack}`,
        runKey: 'k1',
        stage: `s${stageIndex}`,
        stageIndex,
        kind: 'update-instances',
        operationId: `packsmith-k1-s${stageIndex}-update-instances-a1`,
        attempt: 1,
        callerAccount: '111122223333',
      });
    start('a', 0);
    start('b', 0);
    start('a', 1);
    expect(store.stackSetOperations({}).map((o) => `${o.pack} ${o.stage}`)).toEqual(['a s1', 'b s0', 'a s0']);
    expect(store.stackSetOperations({ limit: 2 }).map((o) => `${o.pack} ${o.stage}`)).toEqual([
      'a s1',
      'b s0',
    ]);
    expect(store.stackSetOperations({ pack: 'a', limit: 1 }).map((o) => o.stage)).toEqual(['s1']);
  });
});
