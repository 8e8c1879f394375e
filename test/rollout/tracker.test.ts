import { describe, expect, it } from 'vitest';
import { createTracker, freshnessToleranceMs } from '../../src/rollout/tracker.js';
import type { DetailedRow, RolloutOperation, RolloutTarget } from '../../src/rollout/tracker.js';

const since = new Date('2026-01-01T00:00:10.000Z');
const at = (ms: number): Date => new Date(since.getTime() + ms);
const id = (n: number): string => String(100000000000 + n);
const targets = (n: number): RolloutTarget[] =>
  Array.from({ length: n }, (_, i) => ({
    id: id(i),
    name: `acct-${i}`,
    ouPath: i % 2 ? '/Root/Prod' : '/Root',
  }));

function tracker(operation: RolloutOperation = 'create', n = 3, excluded: string[] = []) {
  return createTracker({ operation, since, targets: targets(n), excluded });
}

const row = (n: number, status: DetailedRow['status'], offsetMs = 0, extra: Partial<DetailedRow> = {}) => ({
  accountId: id(n),
  status,
  lastUpdateTime: at(offsetMs),
  ...extra,
});

describe('createTracker', () => {
  it('starts with every target pending and is not done', () => {
    const t = tracker();
    expect(t.counts().pending).toBe(3);
    expect(t.total).toBe(3);
    expect(t.done()).toBe(false);
  });

  it('moves targets through in-progress to succeeded or failed, and is done when all are terminal', () => {
    const t = tracker();
    const first = t.observe([row(0, 'CREATE_IN_PROGRESS'), row(1, 'CREATE_IN_PROGRESS')]);
    expect(first.changed.map((a) => [a.id, a.state])).toEqual([
      [id(0), 'in-progress'],
      [id(1), 'in-progress'],
    ]);
    expect(t.counts()).toMatchObject({ pending: 1, 'in-progress': 2 });
    const second = t.observe([
      row(0, 'CREATE_SUCCESSFUL', 2000),
      row(1, 'CREATE_FAILED', 2000, {
        errorCode: 'NoAvailableConfigurationRecorderException',
        errorMessage: 'm',
      }),
      row(2, 'CREATE_SUCCESSFUL', 2000),
    ]);
    expect(second.changed).toHaveLength(3);
    expect(t.done()).toBe(true);
    expect(t.failed()).toEqual([
      expect.objectContaining({
        id: id(1),
        name: 'acct-1',
        ouPath: '/Root/Prod',
        state: 'failed',
        status: 'CREATE_FAILED',
        errorCode: 'NoAvailableConfigurationRecorderException',
      }),
    ]);
    expect(t.counts()).toMatchObject({ succeeded: 2, failed: 1, pending: 0, 'in-progress': 0 });
  });

  it('reports nothing as changed when a poll repeats the same rows', () => {
    const t = tracker();
    t.observe([row(0, 'CREATE_IN_PROGRESS')]);
    expect(t.observe([row(0, 'CREATE_IN_PROGRESS')]).changed).toEqual([]);
  });

  it('treats rows older than since (beyond the tolerance) as stale: a stale SUCCESSFUL is not success', () => {
    const t = tracker('update', 2);
    t.observe([
      row(0, 'UPDATE_SUCCESSFUL', -freshnessToleranceMs - 1),
      { accountId: id(1), status: 'UPDATE_SUCCESSFUL' }, // no LastUpdateTime: cannot be shown fresh
    ]);
    expect(t.counts().pending).toBe(2);
    expect(t.accounts()[0]).toMatchObject({ state: 'pending', status: 'UPDATE_SUCCESSFUL' });
    expect(t.done()).toBe(false);
    const expired = t.expire();
    expect(expired.changed.map((a) => [a.state, a.status])).toEqual([
      ['not-reported', 'UPDATE_SUCCESSFUL'],
      ['not-reported', 'UPDATE_SUCCESSFUL'],
    ]);
    expect(t.done()).toBe(true);
  });

  it('accepts rows up to one second before since (AWS times have second precision)', () => {
    const t = tracker('update', 2);
    t.observe([row(0, 'UPDATE_SUCCESSFUL', -freshnessToleranceMs), row(1, 'CREATE_SUCCESSFUL', -500)]);
    // An update also reports CREATE_* for accounts that had no member pack yet.
    expect(t.counts().succeeded).toBe(2);
  });

  it('ignores fresh rows of another operation while creating', () => {
    const t = tracker('create', 1);
    t.observe([row(0, 'DELETE_IN_PROGRESS', 100)]);
    expect(t.accounts()[0]?.state).toBe('pending');
  });

  it('tracks accounts that joined during the rollout without counting them', () => {
    const t = tracker('create', 1);
    const { changed } = t.observe([row(0, 'CREATE_SUCCESSFUL', 10), row(50, 'CREATE_FAILED', 10)]);
    expect(changed.find((a) => a.id === id(50))).toMatchObject({ state: 'joined', status: 'CREATE_FAILED' });
    expect(t.done()).toBe(true);
    expect(t.failed()).toEqual([]);
    expect(t.counts()).toMatchObject({ joined: 1, succeeded: 1, failed: 0 });
  });

  it('reports rows of excluded accounts as outside-targets', () => {
    const t = tracker('update', 1, [id(9)]);
    t.observe([row(0, 'UPDATE_IN_PROGRESS'), row(9, 'UPDATE_SUCCESSFUL')]);
    expect(t.counts()).toMatchObject({ 'outside-targets': 1, 'in-progress': 1 });
    expect(t.accounts().map((a) => a.state)).toEqual(['in-progress', 'outside-targets']);
  });

  it('marks suspended targets as terminal, not failed, and keeps them suspended', () => {
    const t = tracker('create', 2);
    t.observe([row(0, 'CREATE_SUCCESSFUL', 5), row(1, 'CREATE_FAILED', 5)]);
    const { changed } = t.markSuspended([id(1), id(77)]);
    expect(changed.map((a) => a.id)).toEqual([id(1)]);
    expect(t.failed()).toEqual([]);
    t.observe([row(0, 'CREATE_SUCCESSFUL', 5), row(1, 'CREATE_FAILED', 5)]);
    expect(t.counts()).toMatchObject({ suspended: 1, failed: 0, succeeded: 1 });
    expect(t.done()).toBe(true);
  });

  it('expire leaves terminal targets alone and carries the last status', () => {
    const t = tracker('create', 3);
    t.observe([row(0, 'CREATE_SUCCESSFUL', 5), row(1, 'CREATE_IN_PROGRESS', 5)]);
    const { changed } = t.expire();
    expect(changed.map((a) => [a.id, a.state, a.status])).toEqual([
      [id(1), 'not-reported', 'CREATE_IN_PROGRESS'],
      [id(2), 'not-reported', undefined],
    ]);
    expect(t.counts()).toMatchObject({ succeeded: 1, 'not-reported': 2 });
    // A late row does not undo the timeout.
    t.observe([row(1, 'CREATE_SUCCESSFUL', 9)]);
    expect(t.counts()['not-reported']).toBe(2);
  });

  describe('delete', () => {
    it('counts DELETE_SUCCESSFUL, DELETE_FAILED and rows that disappear after being seen', () => {
      const t = tracker('delete', 3);
      t.observe([
        row(0, 'DELETE_IN_PROGRESS'),
        row(1, 'CREATE_SUCCESSFUL', -60_000),
        row(2, 'DELETE_IN_PROGRESS'),
      ]);
      expect(t.counts()).toMatchObject({ 'in-progress': 2, pending: 1 });
      const { changed } = t.observe([
        row(0, 'DELETE_FAILED', 3000, { errorCode: 'X', errorMessage: 'y' }),
        row(2, 'DELETE_SUCCESSFUL', 3000),
      ]);
      expect(changed.map((a) => [a.id, a.state])).toEqual([
        [id(0), 'failed'],
        [id(2), 'succeeded'],
        [id(1), 'succeeded'],
      ]);
      expect(t.done()).toBe(true);
    });

    it('a target never seen stays pending until the pack is gone', () => {
      const t = tracker('delete', 2);
      t.observe([row(0, 'DELETE_IN_PROGRESS')]);
      t.observe([]);
      expect(t.counts()).toMatchObject({ succeeded: 1, pending: 1 });
      expect(t.done()).toBe(false);
      const gone = t.packGone();
      expect(gone.changed.map((a) => a.id)).toEqual([id(1)]);
      expect(t.done()).toBe(true);
    });

    it('packGone does nothing for a create (the pack may be briefly invisible right after a Put)', () => {
      const t = tracker('create', 1);
      expect(t.packGone().changed).toEqual([]);
      expect(t.done()).toBe(false);
    });

    it('a row gone during a create does not count as success', () => {
      const t = tracker('create', 1);
      t.observe([row(0, 'CREATE_IN_PROGRESS')]);
      t.observe([]);
      expect(t.counts()['in-progress']).toBe(1);
    });
  });

  it('observes 5,000 accounts per poll in linear time', () => {
    const n = 5000;
    const t = tracker('create', n);
    const rows = Array.from({ length: n }, (_, i) => row(i, 'CREATE_SUCCESSFUL', 10));
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) t.observe(rows);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(t.counts().succeeded).toBe(n);
    expect(t.done()).toBe(true);
  });
});
