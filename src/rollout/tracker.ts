/**
 * Per-account rollout tracking (pure). One tracker follows one Put or Delete of an organization
 * conformance pack in one Region, fed with the rows of `GetOrganizationConformancePackDetailedStatus`
 * one complete poll at a time. Completion is decided from these per-account rows only, never from
 * the aggregate status, which can stay IN_PROGRESS forever (fact sheet §0.5, §5.1).
 *
 * Freshness rule: a row belongs to this operation when its `LastUpdateTime` is at or after
 * `since − 1 s`. AWS times have second precision and `since` is AWS's own time (the pack's
 * LastUpdateTime after the Put) or, failing that, the local clock, so one second of tolerance
 * absorbs the truncation. A row without a LastUpdateTime cannot be shown to be fresh and counts as
 * stale. Unverified (fact sheet §6 style): whether AWS refreshes every account's LastUpdateTime on
 * every Put, even when nothing changes for it. The safe side is taken: a stale *_SUCCESSFUL is not
 * success; the account stays pending and ends as `not-reported` at the timeout.
 *
 * Memory is O(accounts) and `observe` is O(rows + rows of the previous poll), with Maps.
 */
import type { OrganizationResourceStatus } from '../facts/enums.js';

export type RolloutOperation = 'create' | 'update' | 'delete';

export const accountStateNames = [
  'pending',
  'in-progress',
  'succeeded',
  'failed',
  'not-reported',
  'suspended',
  'joined',
  'outside-targets',
] as const;
export type AccountStateName = (typeof accountStateNames)[number];

/** States that end a target's part in the rollout. */
export const terminalStates: readonly AccountStateName[] = [
  'succeeded',
  'failed',
  'suspended',
  'not-reported',
];

/** AWS times have second precision (see the module comment). */
export const freshnessToleranceMs = 1_000;

export interface RolloutTarget {
  id: string;
  name: string;
  ouPath: string;
}

export interface TrackerOptions {
  operation: RolloutOperation;
  /** When AWS accepted this Put/Delete (AWS's time when known, else local). */
  since: Date;
  targets: readonly RolloutTarget[];
  /** The `ExcludedAccounts` of the Put. */
  excluded: readonly string[];
  /**
   * Accounts that hold the pack already and are not followed by this put (a later wave's put does
   * not change what they run): their rows are ignored, neither targets nor drift.
   */
  untracked?: readonly string[];
}

/** One account's row of `GetOrganizationConformancePackDetailedStatus`. */
export interface DetailedRow {
  accountId: string;
  status: OrganizationResourceStatus;
  errorCode?: string;
  errorMessage?: string;
  lastUpdateTime?: Date;
}

export interface AccountState {
  id: string;
  /** Known for targets; joined and excluded accounts have no name here. */
  name?: string;
  ouPath?: string;
  state: AccountStateName;
  /** The last status AWS reported for the account, stale or fresh (kept after `not-reported`). */
  status?: OrganizationResourceStatus;
  errorCode?: string;
  errorMessage?: string;
  lastUpdateTime?: Date;
}

export type StateCounts = Record<AccountStateName, number>;

export interface Tracker {
  readonly operation: RolloutOperation;
  readonly since: Date;
  /** Number of target accounts. */
  readonly total: number;
  observe(rows: readonly DetailedRow[]): { changed: AccountState[] };
  /** Delete only: the whole pack is gone, so every target still waiting is deleted. */
  packGone(): { changed: AccountState[] };
  /** Target accounts closed during the rollout (read again from the organization): not failures. */
  markSuspended(ids: readonly string[]): { changed: AccountState[] };
  /** At the timeout: every target still pending or in progress becomes `not-reported`. */
  expire(): { changed: AccountState[] };
  counts(): StateCounts;
  done(): boolean;
  /** Every tracked account, sorted by id. */
  accounts(): AccountState[];
  failed(): AccountState[];
}

interface Entry extends AccountState {
  target: boolean;
}

export function emptyCounts(): StateCounts {
  return Object.fromEntries(accountStateNames.map((s) => [s, 0])) as StateCounts;
}

const copy = (e: Entry): AccountState => {
  const { target: _t, ...rest } = e;
  return { ...rest };
};

/** Which operation a status belongs to: `CREATE`, `UPDATE` or `DELETE`. */
function statusOperation(status: OrganizationResourceStatus): string {
  return status.slice(0, status.indexOf('_'));
}

/** The target state a fresh row of the right operation means. */
function stateOf(status: OrganizationResourceStatus): AccountStateName {
  if (status.endsWith('_SUCCESSFUL')) return 'succeeded';
  if (status.endsWith('_FAILED')) return 'failed';
  return 'in-progress';
}

export function createTracker(options: TrackerOptions): Tracker {
  const { operation } = options;
  const sinceMs = options.since.getTime();
  if (Number.isNaN(sinceMs)) throw new RangeError('createTracker: since is not a valid date');
  const freshFrom = sinceMs - freshnessToleranceMs;
  // An update also reports CREATE_* for accounts that had no member pack yet (fact sheet §3).
  const expectedOps = operation === 'delete' ? ['DELETE'] : ['CREATE', 'UPDATE'];

  const entries = new Map<string, Entry>();
  const excluded = new Set(options.excluded);
  const untracked = new Set(options.untracked ?? []);
  const counts = emptyCounts();
  let targetsDone = 0;
  let total = 0;
  // Accounts that had a row in the previous poll: a delete finishes an account when its row goes.
  let present = new Set<string>();

  const setState = (e: Entry, state: AccountStateName): void => {
    if (e.state === state) return;
    counts[e.state] -= 1;
    counts[state] += 1;
    if (e.target) {
      targetsDone += (terminalStates.includes(state) ? 1 : 0) - (terminalStates.includes(e.state) ? 1 : 0);
    }
    e.state = state;
  };

  for (const t of options.targets) {
    if (entries.has(t.id)) continue;
    entries.set(t.id, { id: t.id, name: t.name, ouPath: t.ouPath, state: 'pending', target: true });
    counts.pending += 1;
    total += 1;
  }

  const isFresh = (row: DetailedRow): boolean => {
    const t = row.lastUpdateTime?.getTime();
    return t !== undefined && !Number.isNaN(t) && t >= freshFrom;
  };

  /** Applies one row to an entry; returns whether anything visible changed. */
  const apply = (e: Entry, row: DetailedRow): boolean => {
    const before = `${e.state}|${e.status ?? ''}|${e.errorCode ?? ''}|${e.errorMessage ?? ''}`;
    e.status = row.status;
    e.lastUpdateTime = row.lastUpdateTime;
    e.errorCode = row.errorCode;
    e.errorMessage = row.errorMessage;
    if (e.state === 'suspended' || e.state === 'not-reported') {
      // Sticky: decided by the caller or by the timeout; the row is kept for the report.
    } else if (!e.target) {
      setState(e, excluded.has(e.id) ? 'outside-targets' : 'joined');
    } else if (isFresh(row) && expectedOps.includes(statusOperation(row.status))) {
      setState(e, stateOf(row.status));
    } else {
      // Stale (left from an older operation) or of another operation: not this rollout's answer.
      setState(e, e.state === 'in-progress' || e.state === 'pending' ? e.state : 'pending');
    }
    return before !== `${e.state}|${e.status ?? ''}|${e.errorCode ?? ''}|${e.errorMessage ?? ''}`;
  };

  const observe = (rows: readonly DetailedRow[]): { changed: AccountState[] } => {
    const changed: Entry[] = [];
    const now = new Set<string>();
    for (const row of rows) {
      if (now.has(row.accountId) || untracked.has(row.accountId)) continue;
      now.add(row.accountId);
      let e = entries.get(row.accountId);
      if (e === undefined) {
        const state: AccountStateName = excluded.has(row.accountId) ? 'outside-targets' : 'joined';
        e = { id: row.accountId, state, target: false };
        entries.set(row.accountId, e);
        counts[state] += 1;
        apply(e, row);
        changed.push(e);
        continue;
      }
      if (apply(e, row)) changed.push(e);
    }
    if (operation === 'delete') {
      for (const id of present) {
        if (now.has(id)) continue;
        const e = entries.get(id);
        if (e?.target && (e.state === 'pending' || e.state === 'in-progress' || e.state === 'failed')) {
          // The member pack's status record is gone: the delete reached this account.
          setState(e, 'succeeded');
          e.errorCode = undefined;
          e.errorMessage = undefined;
          changed.push(e);
        }
      }
    }
    present = now;
    return { changed: changed.map(copy) };
  };

  const moveTargets = (
    from: readonly AccountStateName[],
    to: AccountStateName,
    ids?: Iterable<string>,
  ): { changed: AccountState[] } => {
    const changed: AccountState[] = [];
    const pick = ids === undefined ? entries.values() : [...ids].map((id) => entries.get(id));
    for (const e of pick) {
      if (e === undefined || !from.includes(e.state)) continue;
      if (!e.target) continue;
      setState(e, to);
      changed.push(copy(e));
    }
    return { changed };
  };

  return {
    operation,
    since: new Date(sinceMs),
    total,
    observe,
    packGone: () =>
      operation === 'delete' ? moveTargets(['pending', 'in-progress'], 'succeeded') : { changed: [] },
    markSuspended: (ids) =>
      moveTargets(['pending', 'in-progress', 'succeeded', 'failed', 'not-reported'], 'suspended', ids),
    expire: () => moveTargets(['pending', 'in-progress'], 'not-reported'),
    counts: () => ({ ...counts }),
    done: () => targetsDone === total,
    accounts: () => [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy),
    failed: () =>
      [...entries.values()]
        .filter((e) => e.state === 'failed')
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(copy),
  };
}
