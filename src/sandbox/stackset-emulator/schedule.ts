/**
 * The timeline of one stack set operation, computed when it starts (pure: outcomes and durations
 * are inputs). What AWS documents (StackSetOperationPreferences):
 * - MaxConcurrentCount / MaxConcurrentPercentage and FailureToleranceCount / FailureTolerancePercentage
 *   are per Region; percentages round down (MaxConcurrentPercentage to at least 1);
 * - STRICT_FAILURE_TOLERANCE (default): the concurrency starts at min(MaxConcurrent, FailureTolerance + 1)
 *   and is lowered as failures accumulate (here: min(MaxConcurrent, FailureTolerance − failures + 1));
 *   SOFT_FAILURE_TOLERANCE keeps MaxConcurrent whatever the failures;
 * - more failures than the tolerance in a Region stop the operation there: the instances not yet
 *   started are CANCELLED, and with SEQUENTIAL Regions the later Regions are not attempted (CANCELLED);
 * - RegionOrder gives the order of SEQUENTIAL Regions.
 * Not documented, chosen by the emulator (README): accounts run in batches of the current
 * concurrency in account-id order, a batch ending when its slowest instance ends; with PARALLEL
 * Regions a Region that exceeds its tolerance does not stop the others; an operation whose failures
 * stayed within tolerance in every Region is SUCCEEDED; a suspended account is skipped at the start
 * of its Region (SKIPPED_SUSPENDED_ACCOUNT) and does not count towards concurrency or tolerance.
 */

export interface Preferences {
  regionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL';
  regionOrder: string[];
  failureToleranceCount?: number;
  failureTolerancePercentage?: number;
  maxConcurrentCount?: number;
  maxConcurrentPercentage?: number;
  concurrencyMode: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
}

export type Outcome =
  { kind: 'succeed' } | { kind: 'fail'; reason: string } | { kind: 'skip'; reason: string };

export interface PlannedInstance {
  account: string;
  region: string;
  outcome: Outcome;
}

export type FinalStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED_SUSPENDED_ACCOUNT';

export interface ScheduledInstance {
  account: string;
  region: string;
  /** When it turns RUNNING; undefined when it never runs (cancelled or skipped). */
  start?: number;
  /** When it reaches `status`. */
  end: number;
  status: FinalStatus;
  reason?: string;
}

export interface Schedule {
  instances: ScheduledInstance[];
  end: number;
  status: 'SUCCEEDED' | 'FAILED';
  /** The Regions that exceeded their failure tolerance. */
  failedRegions: string[];
}

export function regionOrder(regions: readonly string[], preferred: readonly string[]): string[] {
  const set = new Set(regions);
  const first = preferred.filter((r) => set.has(r));
  const firstSet = new Set(first);
  return [...first, ...regions.filter((r) => !firstSet.has(r))];
}

export const maxConcurrentOf = (p: Preferences, n: number): number =>
  p.maxConcurrentCount ??
  (p.maxConcurrentPercentage === undefined
    ? 1
    : Math.max(1, Math.floor((p.maxConcurrentPercentage * n) / 100)));

export const failureToleranceOf = (p: Preferences, n: number): number =>
  p.failureToleranceCount ??
  (p.failureTolerancePercentage === undefined ? 0 : Math.floor((p.failureTolerancePercentage * n) / 100));

/** `duration()` draws one instance's run time (ms); called in schedule order. */
export function scheduleOperation(
  start: number,
  planned: readonly PlannedInstance[],
  preferences: Preferences,
  duration: () => number,
): Schedule {
  const byRegion = new Map<string, PlannedInstance[]>();
  for (const p of planned) {
    const list = byRegion.get(p.region) ?? [];
    list.push(p);
    byRegion.set(p.region, list);
  }
  const regions = regionOrder([...byRegion.keys()], preferences.regionOrder);
  const out: ScheduledInstance[] = [];
  const failedRegions: string[] = [];
  let end = start;
  let regionStart = start;
  let stopped = false;
  for (const region of regions) {
    const list = [...(byRegion.get(region) ?? [])].sort((a, b) => (a.account < b.account ? -1 : 1));
    const t0 = preferences.regionConcurrencyType === 'PARALLEL' ? start : regionStart;
    if (stopped) {
      for (const p of list) {
        out.push({
          account: p.account,
          region,
          end: t0,
          status: 'CANCELLED',
          reason: 'Cancelled since failure tolerance has exceeded',
        });
      }
      continue;
    }
    const runnable: PlannedInstance[] = [];
    for (const p of list) {
      if (p.outcome.kind === 'skip') {
        out.push({
          account: p.account,
          region,
          end: t0,
          status: 'SKIPPED_SUSPENDED_ACCOUNT',
          reason: p.outcome.reason,
        });
      } else runnable.push(p);
    }
    const n = runnable.length;
    const maxConcurrent = maxConcurrentOf(preferences, n);
    const tolerance = failureToleranceOf(preferences, n);
    let failures = 0;
    let t = t0;
    let i = 0;
    let exceeded = false;
    while (i < n) {
      const size =
        preferences.concurrencyMode === 'SOFT_FAILURE_TOLERANCE'
          ? maxConcurrent
          : Math.max(1, Math.min(maxConcurrent, tolerance - failures + 1));
      const batch = runnable.slice(i, i + size);
      i += batch.length;
      let batchEnd = t;
      for (const p of batch) {
        const finish = t + Math.max(0, Math.round(duration()));
        batchEnd = Math.max(batchEnd, finish);
        if (p.outcome.kind === 'fail') {
          failures += 1;
          out.push({
            account: p.account,
            region,
            start: t,
            end: finish,
            status: 'FAILED',
            reason: p.outcome.reason,
          });
        } else {
          out.push({ account: p.account, region, start: t, end: finish, status: 'SUCCEEDED' });
        }
      }
      t = batchEnd;
      if (failures > tolerance) {
        exceeded = true;
        break;
      }
    }
    if (exceeded) {
      failedRegions.push(region);
      for (const p of runnable.slice(i)) {
        out.push({
          account: p.account,
          region,
          end: t,
          status: 'CANCELLED',
          reason: 'Cancelled since failure tolerance has exceeded',
        });
      }
      if (preferences.regionConcurrencyType === 'SEQUENTIAL') stopped = true;
    }
    end = Math.max(end, t);
    regionStart = t;
  }
  return { instances: out, end, status: failedRegions.length > 0 ? 'FAILED' : 'SUCCEEDED', failedRegions };
}
