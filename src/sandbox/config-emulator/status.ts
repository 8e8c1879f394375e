/**
 * Pure status derivation. Each account holds the operation it is going through and its outcome,
 * decided when the operation started; it reports `<OP>_IN_PROGRESS` until `completesAt` and
 * `<OP>_SUCCESSFUL`/`<OP>_FAILED` from then on. Nothing runs on timers: every read derives the
 * status from the clock, so a test clock (`tick`) and the real clock behave the same way.
 */
import type { OrganizationResourceStatus } from '../../facts/enums.js';

export type PackOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AccountDeployment {
  accountId: string;
  /** Member-side pack name, `OrgConformsPack-<name>-<suffix>`. */
  memberPackName: string;
  operation: PackOperation;
  outcome: 'SUCCESSFUL' | 'FAILED';
  errorCode?: string;
  errorMessage?: string;
  startedAt: number;
  completesAt: number;
}

export interface DerivedStatus {
  status: OrganizationResourceStatus;
  errorCode?: string;
  errorMessage?: string;
  /** Epoch milliseconds. */
  lastUpdateTime: number;
}

export function isInProgress(status: OrganizationResourceStatus): boolean {
  return status.endsWith('_IN_PROGRESS');
}

export function accountStatus(deployment: AccountDeployment, now: number): DerivedStatus {
  if (now < deployment.completesAt) {
    return { status: `${deployment.operation}_IN_PROGRESS`, lastUpdateTime: deployment.startedAt };
  }
  const status: OrganizationResourceStatus = `${deployment.operation}_${deployment.outcome}`;
  if (deployment.outcome === 'SUCCESSFUL') return { status, lastUpdateTime: deployment.completesAt };
  return {
    status,
    lastUpdateTime: deployment.completesAt,
    ...(deployment.errorCode === undefined ? {} : { errorCode: deployment.errorCode }),
    ...(deployment.errorMessage === undefined ? {} : { errorMessage: deployment.errorMessage }),
  };
}

/**
 * What the aggregate needs from a pack's accounts, computed once per operation: every account of a
 * pack starts its current operation at the same Put/Delete, so the pack is done at the latest
 * `completesAt` and its outcome is fixed. Reads then cost O(1) however many accounts there are.
 */
export interface RolloutSummary {
  /** When the last account finishes (the operation's start when there is no account). */
  doneAt: number;
  failed: number;
  total: number;
}

export function summarize(startedAt: number, accounts: Iterable<AccountDeployment>): RolloutSummary {
  let doneAt = startedAt;
  let failed = 0;
  let total = 0;
  for (const a of accounts) {
    total += 1;
    if (a.completesAt > doneAt) doneAt = a.completesAt;
    if (a.outcome === 'FAILED') failed += 1;
  }
  return { doneAt, failed, total };
}

/**
 * The aggregate status of a pack whose latest operation is `operation`, started at `startedAt`:
 * IN_PROGRESS while any account is, then FAILED if any account failed, else SUCCESSFUL (so
 * SUCCESS needs every account to succeed; no account at all is an immediate success).
 * `stuck` reproduces the known AWS defect (fact sheet §0.5): the aggregate stays IN_PROGRESS
 * after every account is done. Account statuses of another operation (a CREATE of an account
 * that joined before an UPDATE) count by their outcome, as AWS does not say otherwise.
 */
export function aggregateFromSummary(
  operation: PackOperation,
  startedAt: number,
  summary: RolloutSummary,
  now: number,
  stuck = false,
): DerivedStatus {
  if (now < summary.doneAt || stuck) return { status: `${operation}_IN_PROGRESS`, lastUpdateTime: startedAt };
  const lastUpdateTime = summary.doneAt;
  if (summary.failed === 0) return { status: `${operation}_SUCCESSFUL`, lastUpdateTime };
  return {
    status: `${operation}_FAILED`,
    lastUpdateTime,
    errorMessage:
      `${operation} failed in ${summary.failed} of ${summary.total} member accounts; ` +
      'see GetOrganizationConformancePackDetailedStatus for the per-account errors',
  };
}

/** `aggregateFromSummary` over a list of accounts (O(N); the engine keeps the summary instead). */
export function aggregateStatus(
  operation: PackOperation,
  startedAt: number,
  accounts: readonly AccountDeployment[],
  now: number,
  stuck = false,
): DerivedStatus {
  return aggregateFromSummary(operation, startedAt, summarize(startedAt, accounts), now, stuck);
}
