/**
 * Stack set packs in `status`, `history` and the report (issue 16), pure: each stack instance as
 * ListStackInstances shows it now, merged with what the status store last recorded for it, in the
 * organization vocabulary the account summary counts (mapped explicitly below), and StatusReasons
 * normalised so that the failures of one cause group once.
 */
import {
  failedStackInstanceStatuses,
  notAttemptedStackInstanceStatuses,
  type OrganizationResourceStatus,
  type StackInstanceDetailedStatus,
} from '../facts/enums.js';
import type { StackInstanceRecord, StackSetOperationRecord } from '../state/store.js';
import type { ObservedInstance } from './stackset-plan.js';

/**
 * packsmith's words for stack instances the organization enum has no status for: an instance not
 * failed but behind the stack set (OUTDATED: a later stage not reached yet, or a SOFT-tolerated
 * failure retried), an instance AWS skipped because its account is suspended, and one the
 * operation never reached (NOT_ATTEMPTED: CANCELLED, the operation stopped before it).
 */
export type StackInstanceReportStatus =
  OrganizationResourceStatus | 'OUTDATED' | 'SKIPPED_SUSPENDED_ACCOUNT' | 'NOT_ATTEMPTED' | 'NOT_DEPLOYED';

/** Whether the last operation that reached the instance created, updated or deleted it. */
export type InstanceOperation = 'create' | 'update' | 'delete';

/**
 * A stack instance's Status and DetailedStatus ([CFN:StackInstanceStatus],
 * [CFN:StackInstanceDetailedStatus]) as the status the summary understands:
 * - CANCELLED (the operation stopped before reaching it: a user stopped it, or its failure
 *   tolerance was exceeded elsewhere) → NOT_ATTEMPTED, not a failure cause;
 * - a DetailedStatus among `failedStackInstanceStatuses` (FAILED, INOPERABLE, FAILED_IMPORT) or
 *   Status INOPERABLE → CREATE_FAILED / UPDATE_FAILED;
 * - PENDING, RUNNING → CREATE_IN_PROGRESS / UPDATE_IN_PROGRESS;
 * - SKIPPED_SUSPENDED_ACCOUNT → SKIPPED_SUSPENDED_ACCOUNT (not a failure);
 * - Status OUTDATED otherwise → OUTDATED (not a failure: behind the stack set);
 * - Status CURRENT (or SUCCEEDED) → CREATE_SUCCESSFUL / UPDATE_SUCCESSFUL.
 * CREATE_*, UPDATE_* or DELETE_* follows the kind of the last recorded operation (`create-instances` →
 * create; UpdateStackSet and UpdateStackInstances → update; `destroy`'s DeleteStackInstances →
 * delete, so an instance its deletion left INOPERABLE is DELETE_FAILED; nothing recorded → create).
 * An instance still listed and CURRENT after a deletion (one the deletion did not reach) is not
 * DELETE_SUCCESSFUL: it is deployed, UPDATE_SUCCESSFUL.
 */
export function reportStatusOfInstance(
  instance: { status?: string | null; detailedStatus?: string | null },
  operation: InstanceOperation,
): StackInstanceReportStatus {
  const prefix = operation === 'update' ? 'UPDATE' : operation === 'delete' ? 'DELETE' : 'CREATE';
  const detailed = instance.detailedStatus ?? undefined;
  if (
    detailed !== undefined &&
    (notAttemptedStackInstanceStatuses as readonly string[]).includes(detailed) &&
    instance.status !== 'INOPERABLE'
  )
    return 'NOT_ATTEMPTED';
  if (
    (detailed !== undefined &&
      (failedStackInstanceStatuses as readonly string[]).includes(detailed as StackInstanceDetailedStatus)) ||
    instance.status === 'INOPERABLE'
  )
    return `${prefix}_FAILED`;
  if (detailed === 'PENDING' || detailed === 'RUNNING') return `${prefix}_IN_PROGRESS`;
  if (detailed === 'SKIPPED_SUSPENDED_ACCOUNT') return 'SKIPPED_SUSPENDED_ACCOUNT';
  if (instance.status === 'OUTDATED') return 'OUTDATED';
  return operation === 'delete' ? 'UPDATE_SUCCESSFUL' : `${prefix}_SUCCESSFUL`;
}

export const isFailedReportStatus = (status: string): boolean => status.endsWith('_FAILED');

/**
 * A StatusReason with what differs between the accounts of one cause replaced: account ids, ARNs'
 * account fields, Regions, UUIDs and request ids, stack ids, and trailing whitespace. Terminal
 * control characters are dropped.
 */
export function normalizeStatusReason(reason: string): string {
  return (
    reason
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:[^\s,;)"']+/g, '<arn>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
      .replace(/\b\d{12}\b/g, '<account>')
      .replace(/\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b/g, '<region>')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** What the store last recorded for one instance, with the operation that recorded it. */
export interface RecordedInstance {
  record: StackInstanceRecord;
  operation: StackSetOperationRecord;
}

/**
 * The last recorded state of each instance (`account/region`) from a pack's operations, newest
 * first as the store lists them: the newest operation that recorded the instance wins. With
 * `wanted` (the instances a view shows), only those are kept, and older operations are not read
 * once each of them has its record: every rollout records its instances again, so a history of
 * many rollouts over 5,000 instances is otherwise read whole for every `status`.
 */
export function lastRecordedInstances(
  operations: readonly StackSetOperationRecord[],
  instancesOf: (row: number) => readonly StackInstanceRecord[],
  wanted?: ReadonlySet<string>,
): Map<string, RecordedInstance> {
  const last = new Map<string, RecordedInstance>();
  for (const operation of operations) {
    if (wanted && last.size === wanted.size) break;
    for (const record of instancesOf(operation.id)) {
      const k = `${record.accountId}/${record.region}`;
      if (wanted && !wanted.has(k)) continue;
      if (!last.has(k)) last.set(k, { record, operation });
    }
  }
  return last;
}

export interface StackInstanceRowInput {
  accountId: string;
  region: string;
  /** What ListStackInstances shows now; absent: no instance. */
  live?: ObservedInstance;
  recorded?: RecordedInstance;
}

export interface MergedStackInstance {
  status: StackInstanceReportStatus;
  /** AWS's own values, live when listed, else as last recorded. */
  stackInstance: { status?: string; detailedStatus?: string; statusReason?: string };
  /** The StatusReason, live or recorded for the same DetailedStatus. */
  reason?: string;
}

/**
 * One account × Region: live first; the reason recorded by the last operation fills in when the
 * live row has none and the DetailedStatus is the same. No live instance: NOT_DEPLOYED.
 */
export function mergeStackInstance(input: StackInstanceRowInput): MergedStackInstance {
  const { live, recorded } = input;
  if (!live) return { status: 'NOT_DEPLOYED', stackInstance: {} };
  const kind = recorded?.operation.kind;
  const operation: InstanceOperation =
    kind === undefined || kind === 'create-instances'
      ? 'create'
      : kind === 'delete-instances' || kind === 'delete-stack-set'
        ? 'delete'
        : 'update';
  const sameDetail =
    recorded !== undefined &&
    (live.detailedStatus === undefined || recorded.record.detailedStatus === live.detailedStatus);
  const reason = live.statusReason ?? (sameDetail ? (recorded.record.statusReason ?? undefined) : undefined);
  return {
    status: reportStatusOfInstance(live, operation),
    stackInstance: {
      ...(live.status ? { status: live.status } : {}),
      ...(live.detailedStatus ? { detailedStatus: live.detailedStatus } : {}),
      ...(reason ? { statusReason: reason } : {}),
    },
    ...(reason ? { reason } : {}),
  };
}
