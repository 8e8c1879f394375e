/**
 * The edge of rollout tracking: reads `GetOrganizationConformancePackDetailedStatus` (every page,
 * `Limit` 100, so one call per 100 accounts per poll) and feeds a tracker until every target has
 * an answer, the timeout passes or the caller cancels. Each poll is recorded in the status store in
 * one `recordObservations` call (one transaction). Retries of single calls are the SDK's business;
 * a poll that still fails with throttling after them only makes the next wait longer.
 */
import {
  GetOrganizationConformancePackDetailedStatusCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { organizationResourceStatuses, type OrganizationResourceStatus } from '../facts/enums.js';
import { orgPackApiLimits, timeBounds } from '../facts/limits.js';
import type { AccountObservation } from '../state/store.js';
import type { AccountState, DetailedRow, StateCounts, Tracker } from './tracker.js';
import { sleep } from '../util/sleep.js';

type ConfigSender = Pick<ConfigServiceClient, 'send'>;

export interface DetailedStatusResult {
  rows: DetailedRow[];
  pages: number;
  /** The pack does not exist (NoSuchOrganizationConformancePackException). */
  gone: boolean;
  /** Rows without an account id or with a status outside the nine known values, left out. */
  skipped: number;
}

/** Longest wait between polls while AWS keeps throttling. */
export const maxBackoffMs = 60_000;

const knownStatuses: ReadonlySet<string> = new Set(organizationResourceStatuses);

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/**
 * Throttling as the SDK classifies it (fact sheet §4: ThrottlingException, TooManyRequestsException,
 * …), for an error that is still throttling after the SDK's own retries.
 */
export function isThrottling(error: unknown): boolean {
  const e = error as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  if (e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429) return true;
  return [
    'ThrottlingException',
    'TooManyRequestsException',
    'Throttling',
    'ThrottledException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown',
  ].includes(errorName(error));
}

async function readPages(
  config: ConfigSender,
  orgPackName: string,
  onRequest: () => void,
  abortSignal?: AbortSignal,
): Promise<DetailedStatusResult> {
  const rows: DetailedRow[] = [];
  let pages = 0;
  let skipped = 0;
  let nextToken: string | undefined;
  const tokens = new Set<string>();
  do {
    onRequest();
    let page;
    try {
      page = await config.send(
        new GetOrganizationConformancePackDetailedStatusCommand({
          OrganizationConformancePackName: orgPackName,
          Limit: orgPackApiLimits.pageLimit,
          NextToken: nextToken,
        }),
        abortSignal === undefined ? {} : { abortSignal },
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchOrganizationConformancePackException') {
        return { rows: [], pages, gone: true, skipped: 0 };
      }
      throw error;
    }
    pages += 1;
    // Pages may be empty while NextToken is set: keep paging.
    for (const s of page.OrganizationConformancePackDetailedStatuses ?? []) {
      if (!s.AccountId || !s.Status || !knownStatuses.has(s.Status)) {
        skipped += 1;
        continue;
      }
      rows.push({
        accountId: s.AccountId,
        status: s.Status as OrganizationResourceStatus,
        ...(s.ErrorCode ? { errorCode: s.ErrorCode } : {}),
        ...(s.ErrorMessage ? { errorMessage: s.ErrorMessage } : {}),
        ...(s.LastUpdateTime ? { lastUpdateTime: s.LastUpdateTime } : {}),
      });
    }
    nextToken = page.NextToken || undefined;
    if (nextToken !== undefined) {
      if (tokens.has(nextToken))
        throw new Error(`${orgPackName}: detailed status paging repeats a NextToken`);
      tokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return { rows, pages, gone: false, skipped };
}

/** Every page of the pack's per-account statuses. */
export function fetchDetailedStatus(
  config: ConfigSender,
  orgPackName: string,
  options: { signal?: AbortSignal } = {},
): Promise<DetailedStatusResult> {
  return readPages(config, orgPackName, () => undefined, options.signal);
}

export type RolloutOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled';

export interface PollSnapshot {
  /** 1-based number of this successful poll. */
  poll: number;
  counts: StateCounts;
  /** Number of target accounts. */
  total: number;
  changed: AccountState[];
  done: boolean;
  /** Pages read in this poll. */
  pages: number;
  gone: boolean;
  at: Date;
}

export interface TrackRolloutOptions {
  config: ConfigSender;
  orgPackName: string;
  tracker: Tracker;
  /** Where each poll is recorded (e.g. `{deploymentId, recordObservations: (d, o, at) => store.recordObservations(d, o, at)}`). */
  store?: {
    deploymentId: number;
    recordObservations(
      deploymentId: number,
      observations: readonly AccountObservation[],
      observedAt?: Date,
    ): unknown;
  };
  intervalMs: number;
  timeoutMs: number;
  /** Waits `ms`; resolves early (or rejects) when `signal` aborts. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  onPoll?: (snapshot: PollSnapshot) => void;
  signal?: AbortSignal;
}

export interface TrackRolloutResult {
  outcome: RolloutOutcome;
  /** Successful polls. */
  polls: number;
  /** Detailed-status calls sent by packsmith (the SDK's own retries not counted). */
  requests: number;
}

export function toObservations(rows: readonly DetailedRow[]): AccountObservation[] {
  return rows.map((r) => ({
    accountId: r.accountId,
    status: r.status,
    errorCode: r.errorCode ?? null,
    errorMessage: r.errorMessage ?? null,
    lastUpdateTime: r.lastUpdateTime ?? null,
  }));
}

/**
 * `ms` within `range` (in units of `unitMs`): callers check user input against `timeBounds`; this
 * keeps the poller from polling without pause or never again whatever it is given (NaN: the minimum).
 */
function clampMs(ms: number, range: { min: number; max: number }, unitMs: number): number {
  if (Number.isNaN(ms)) return range.min * unitMs;
  return Math.min(Math.max(ms, range.min * unitMs), range.max * unitMs);
}

/**
 * Polls until every target is terminal (succeeded/failed), the timeout (then the remaining targets
 * become not-reported), or `signal` aborts (cancelled; what was recorded stays recorded).
 */
export async function trackRollout(options: TrackRolloutOptions): Promise<TrackRolloutResult> {
  const { config, orgPackName, tracker, store, signal } = options;
  const pause = options.sleep ?? sleep;
  const now = options.now ?? (() => new Date());
  const interval = clampMs(options.intervalMs, timeBounds.pollIntervalSeconds, 1000);
  const deadline =
    now().getTime() + clampMs(options.timeoutMs, { min: 0, max: timeBounds.timeoutMinutes.max }, 60_000);
  let wait = interval;
  let polls = 0;
  let requests = 0;
  const result = (outcome: RolloutOutcome): TrackRolloutResult => ({ outcome, polls, requests });

  for (;;) {
    if (signal?.aborted) return result('cancelled');
    // Polls start every `interval` (a fixed rate): the time a poll takes is not added to the wait,
    // so an account is reported at most about one interval after it finished.
    const pollStarted = now().getTime();
    let read: DetailedStatusResult;
    try {
      read = await readPages(config, orgPackName, () => (requests += 1), signal);
    } catch (error) {
      if (signal?.aborted) return result('cancelled');
      if (!isThrottling(error)) throw error;
      wait = Math.min(Math.max(wait * 2, interval), Math.max(maxBackoffMs, interval));
      const left = deadline - now().getTime();
      if (left <= 0) {
        tracker.expire();
        return result('timed-out');
      }
      await pause(Math.min(wait, left), signal);
      continue;
    }
    polls += 1;
    wait = interval;
    const changed: AccountState[] = [];
    // Right after a Put the pack can be briefly invisible (Terraform tolerates "not found" reads),
    // so only a delete treats a missing pack as an answer.
    if (read.gone && tracker.operation === 'delete') changed.push(...tracker.packGone().changed);
    changed.push(...tracker.observe(read.rows).changed);
    const at = now();
    const observations = toObservations(read.rows);
    if (tracker.operation === 'delete') {
      // A deleted account's row (or the whole pack) disappears: record it as deleted, so the
      // history ends at DELETE_SUCCESSFUL rather than at the last in-progress row.
      const reported = new Set(read.rows.map((r) => r.accountId));
      for (const c of changed) {
        if (c.state === 'succeeded' && !reported.has(c.id)) {
          observations.push({
            accountId: c.id,
            status: 'DELETE_SUCCESSFUL',
            errorCode: null,
            errorMessage: null,
            lastUpdateTime: null,
          });
        }
      }
    }
    store?.recordObservations(store.deploymentId, observations, at);
    const done = tracker.done();
    options.onPoll?.({
      poll: polls,
      counts: tracker.counts(),
      total: tracker.total,
      changed,
      done,
      pages: read.pages,
      gone: read.gone,
      at,
    });
    if (done) return result(tracker.counts().failed > 0 ? 'failed' : 'succeeded');
    const left = deadline - at.getTime();
    if (left <= 0) {
      tracker.expire();
      return result('timed-out');
    }
    // The last wait is shortened so that one final poll happens at the deadline.
    const elapsed = Math.max(0, at.getTime() - pollStarted);
    await pause(Math.min(Math.max(0, wait - elapsed), left), signal);
  }
}
