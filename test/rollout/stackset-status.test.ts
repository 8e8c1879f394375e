/** Stack instances in the organization vocabulary of status, history and the report (issue 16). */
import { describe, expect, it } from 'vitest';
import {
  lastRecordedInstances,
  mergeStackInstance,
  normalizeStatusReason,
  reportStatusOfInstance,
} from '../../src/rollout/stackset-status.js';
import type { StackInstanceRecord, StackSetOperationRecord } from '../../src/state/store.js';

const operation = (id: number, kind: StackSetOperationRecord['kind']): StackSetOperationRecord => ({
  id,
  pack: 'p',
  stackSetName: 'packsmith-p',
  runKey: 'k',
  stage: 'canary',
  stageIndex: 0,
  kind,
  operationId: `op-${id}`,
  attempt: 1,
  status: 'SUCCEEDED',
  statusReason: null,
  callerAccount: '111111111111',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
});
const record = (
  detailedStatus: StackInstanceRecord['detailedStatus'],
  reason: string | null,
): StackInstanceRecord => ({
  accountId: '222222222222',
  region: 'us-east-1',
  status: 'OUTDATED',
  detailedStatus,
  statusReason: reason,
  observedAt: '2026-01-01T00:01:00.000Z',
  redacted: false,
});

describe('reportStatusOfInstance', () => {
  it('maps each DetailedStatus and Status explicitly, CREATE_ or UPDATE_ after the operation', () => {
    expect(reportStatusOfInstance({ status: 'CURRENT', detailedStatus: 'SUCCEEDED' }, 'create')).toBe(
      'CREATE_SUCCESSFUL',
    );
    expect(reportStatusOfInstance({ status: 'CURRENT', detailedStatus: 'SUCCEEDED' }, 'update')).toBe(
      'UPDATE_SUCCESSFUL',
    );
    for (const d of ['FAILED', 'INOPERABLE', 'FAILED_IMPORT'])
      expect(reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: d }, 'update')).toBe(
        'UPDATE_FAILED',
      );
    // CANCELLED: the operation stopped before reaching the instance: not attempted, not failed.
    expect(reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: 'CANCELLED' }, 'update')).toBe(
      'NOT_ATTEMPTED',
    );
    expect(reportStatusOfInstance({ status: 'INOPERABLE', detailedStatus: 'CANCELLED' }, 'update')).toBe(
      'UPDATE_FAILED',
    );
    expect(reportStatusOfInstance({ status: 'INOPERABLE' }, 'create')).toBe('CREATE_FAILED');
    expect(reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: 'RUNNING' }, 'create')).toBe(
      'CREATE_IN_PROGRESS',
    );
    expect(reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: 'PENDING' }, 'update')).toBe(
      'UPDATE_IN_PROGRESS',
    );
    expect(reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: 'SUCCEEDED' }, 'update')).toBe(
      'OUTDATED',
    );
    expect(
      reportStatusOfInstance({ status: 'OUTDATED', detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' }, 'update'),
    ).toBe('SKIPPED_SUSPENDED_ACCOUNT');
  });
});

describe('reportStatusOfInstance after destroy', () => {
  it('an instance a DeleteStackInstances left INOPERABLE is DELETE_FAILED, one it is deleting DELETE_IN_PROGRESS', () => {
    const recorded = {
      record: record('INOPERABLE', 'access denied'),
      operation: operation(3, 'delete-instances'),
    };
    const merged = mergeStackInstance({
      accountId: '222222222222',
      region: 'us-east-1',
      live: {
        account: '222222222222',
        region: 'us-east-1',
        status: 'INOPERABLE',
        detailedStatus: 'INOPERABLE',
      },
      recorded,
    });
    expect(merged.status).toBe('DELETE_FAILED');
    expect(merged.reason).toBe('access denied');
    expect(reportStatusOfInstance({ status: 'CURRENT', detailedStatus: 'RUNNING' }, 'delete')).toBe(
      'DELETE_IN_PROGRESS',
    );
    // Still deployed (the deletion did not reach it): not DELETE_SUCCESSFUL.
    expect(reportStatusOfInstance({ status: 'CURRENT', detailedStatus: 'SUCCEEDED' }, 'delete')).toBe(
      'UPDATE_SUCCESSFUL',
    );
  });
});

describe('normalizeStatusReason', () => {
  it('makes the reasons of one cause in different accounts and Regions equal, without control characters', () => {
    const a = normalizeStatusReason(
      'no recorder in 123456789012 (arn:aws:iam::123456789012:role/x) us-east-1 \u001b[31mhere',
    );
    const b = normalizeStatusReason(
      'no recorder in 210987654321 (arn:aws:iam::210987654321:role/y)  eu-west-1 here',
    );
    expect(a).toBe(b);
    expect(a).toBe('no recorder in <account> (<arn>) <region> here');
  });
});

describe('lastRecordedInstances and mergeStackInstance', () => {
  it('the newest operation that recorded an instance wins; its kind chooses CREATE_ or UPDATE_', () => {
    const ops = [operation(2, 'update-instances'), operation(1, 'create-instances')];
    const recorded: Record<number, StackInstanceRecord[]> = {
      2: [record('FAILED', 'boom')],
      1: [record('SUCCEEDED', null)],
    };
    const last = lastRecordedInstances(ops, (row) => recorded[row] ?? []);
    expect(last.get('222222222222/us-east-1')?.operation.operationId).toBe('op-2');
    const merged = mergeStackInstance({
      accountId: '222222222222',
      region: 'us-east-1',
      live: { account: '222222222222', region: 'us-east-1', status: 'OUTDATED', detailedStatus: 'FAILED' },
      recorded: last.get('222222222222/us-east-1')!,
    });
    // AWS's list gave no reason: the recorded one for the same DetailedStatus fills in.
    expect(merged).toEqual({
      status: 'UPDATE_FAILED',
      stackInstance: { status: 'OUTDATED', detailedStatus: 'FAILED', statusReason: 'boom' },
      reason: 'boom',
    });
  });

  it('with the instances a view shows, older operations are not read once each has its record (a long history is not read whole)', () => {
    const at = (
      accountId: string,
      region: string,
      detailedStatus: StackInstanceRecord['detailedStatus'],
    ) => ({
      ...record(detailedStatus, null),
      accountId,
      region,
    });
    // Three rollouts, newest first, each recording the same two instances; the oldest also one more.
    const ops = [
      operation(3, 'update-stack-set'),
      operation(2, 'update-stack-set'),
      operation(1, 'create-instances'),
    ];
    const recorded: Record<number, StackInstanceRecord[]> = {
      3: [at('222222222222', 'us-east-1', 'SUCCEEDED'), at('222222222222', 'eu-west-1', 'FAILED')],
      2: [at('222222222222', 'us-east-1', 'FAILED'), at('222222222222', 'eu-west-1', 'FAILED')],
      1: [
        at('222222222222', 'us-east-1', 'SUCCEEDED'),
        at('222222222222', 'eu-west-1', 'SUCCEEDED'),
        at('333333333333', 'us-east-1', 'SUCCEEDED'),
      ],
    };
    const read: number[] = [];
    const instancesOf = (row: number) => {
      read.push(row);
      return recorded[row] ?? [];
    };
    const shown = new Set(['222222222222/us-east-1', '222222222222/eu-west-1']);
    const last = lastRecordedInstances(ops, instancesOf, shown);
    expect(read).toEqual([3]);
    expect([...last.keys()].sort()).toEqual([...shown].sort());
    expect(last.get('222222222222/eu-west-1')?.operation.operationId).toBe('op-3');
    // An instance recorded only long ago is still found: reading goes on until it is.
    read.length = 0;
    const older = lastRecordedInstances(ops, instancesOf, new Set([...shown, '333333333333/us-east-1']));
    expect(read).toEqual([3, 2, 1]);
    expect(older.get('333333333333/us-east-1')?.operation.operationId).toBe('op-1');
    expect(older.get('222222222222/us-east-1')?.record.detailedStatus).toBe('SUCCEEDED');
  });

  it('a recorded reason of another DetailedStatus is not shown; no live instance is NOT_DEPLOYED', () => {
    const recorded = { record: record('FAILED', 'old failure'), operation: operation(1, 'update-instances') };
    const merged = mergeStackInstance({
      accountId: '222222222222',
      region: 'us-east-1',
      live: { account: '222222222222', region: 'us-east-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
      recorded,
    });
    expect(merged).toEqual({
      status: 'UPDATE_SUCCESSFUL',
      stackInstance: { status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
    });
    expect(mergeStackInstance({ accountId: '222222222222', region: 'us-east-1', recorded }).status).toBe(
      'NOT_DEPLOYED',
    );
  });
});
