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
 * The aggregate status of a pack whose latest operation is `operation`, started at `startedAt`:
 * IN_PROGRESS while any account is, then FAILED if any account failed, else SUCCESSFUL (so
 * SUCCESS needs every account to succeed; no account at all is an immediate success).
 * `stuck` reproduces the known AWS defect (fact sheet §0.5): the aggregate stays IN_PROGRESS
 * after every account is done. Account statuses of another operation (a CREATE of an account
 * that joined before an UPDATE) count by their outcome, as AWS does not say otherwise.
 */
export function aggregateStatus(
  operation: PackOperation,
  startedAt: number,
  accounts: readonly AccountDeployment[],
  now: number,
  stuck = false,
): DerivedStatus {
  const statuses = accounts.map((a) => accountStatus(a, now));
  const running = statuses.some((s) => isInProgress(s.status));
  if (running || stuck) return { status: `${operation}_IN_PROGRESS`, lastUpdateTime: startedAt };
  const lastUpdateTime = statuses.reduce((max, s) => Math.max(max, s.lastUpdateTime), startedAt);
  const failed = statuses.filter((s) => s.status.endsWith('_FAILED')).length;
  if (failed === 0) return { status: `${operation}_SUCCESSFUL`, lastUpdateTime };
  return {
    status: `${operation}_FAILED`,
    lastUpdateTime,
    errorMessage:
      `${operation} failed in ${failed} of ${statuses.length} member accounts; ` +
      'see GetOrganizationConformancePackDetailedStatus for the per-account errors',
  };
}
