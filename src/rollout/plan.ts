/**
 * Planning, pure: what `deploy` would do in each Region, compared with what AWS and packsmith's
 * deployment records say is there now.
 *
 * AWS cannot return a deployed template (aws-config-facts.md §2.2, DescribeConformancePacks), so
 * the template side rests on the deployment record packsmith writes after every put, and the
 * record is trusted only while the pack's LastUpdateTime still equals the one it saved: anyone
 * who put the pack since (console, another tool) makes it untrusted, and the plan says
 * "update" because the deployed template is unknown. Parameters, exclusions and the delivery
 * bucket are compared with what DescribeOrganizationConformancePacks returns, so they are checked
 * even without a record.
 */
import type { UnavailableRule } from '../org/deploy-packs.js';
import { ruleChanges, type RuleChange } from './rule-diff.js';
import type { OrgAccount } from '../org/discover.js';
import type { OrganizationResourceStatus } from '../facts/enums.js';
import type { DetailedRow } from './tracker.js';
import type { DeploymentRecord } from './records.js';

/** An account as a put follows it: its id, and its name and OU path for reports. */
export type TargetAccount = Pick<OrgAccount, 'id' | 'name' | 'ouPath'>;

/**
 * What one put needs of the desired state, and no more: a saved plan holds exactly this, so a
 * deploy of a plan puts what was planned without inventing anything.
 */
export interface PutRequest {
  templateBody: string;
  templateSha256: string;
  parameters: Record<string, string>;
  /** ExcludedAccounts of the put, sorted. */
  excludedAccounts: string[];
  /** The accounts the put reaches and is followed in. */
  included: TargetAccount[];
  deliveryBucket?: string;
  deliveryKeyPrefix?: string;
  /**
   * Rules the template omits because AWS does not document them in the Region, with their controls
   * (from the desired state, as planned): written into the deployment record and the status store.
   */
  unavailableRules?: UnavailableRule[];
}

/** What the repository and the deployment configuration want in one Region. */
export interface DesiredRegion {
  region: string;
  templateBody: string;
  templateSha256: string;
  parameters: Record<string, string>;
  /** ExcludedAccounts, sorted. */
  excludedAccounts: string[];
  /** Active accounts the pack is meant to reach, sorted by id. */
  included: OrgAccount[];
  deliveryBucket?: string;
  deliveryKeyPrefix?: string;
  /** Rules left out in this Region (`excludeRules`, and those `unavailableRules: exclude` leaves out). */
  excludedRules: string[];
  /** Rules left out because AWS does not document them here (`unavailableRules: exclude`), with their controls. */
  unavailableRules?: UnavailableRule[];
}

/** The part of a deployment record the plan needs (see records.ts). */
export interface RecordView {
  templateSha256: string | null;
  parameters: Record<string, string>;
  excludedAccounts: string[];
  packLastUpdateTime: string | null;
  /** The put was accepted but never seen by Describe within the wait (see records.ts). */
  unconfirmedPutAt?: string;
  deliveryBucket?: string;
  deliveryKeyPrefix?: string;
  writtenAt: string;
  callerAccount: string;
  packsmithVersion?: string;
  rollout?: DeploymentRecord['rollout'];
}

/** One account's row of the detailed status, as AWS reports it now. */
export type AccountRow = DetailedRow;

/** What is deployed in one Region, read from AWS and the template bucket. */
export interface ObservedRegion {
  region: string;
  /** DescribeOrganizationConformancePacks; absent when the pack does not exist there. */
  pack?: {
    lastUpdateTime?: Date;
    excludedAccounts: string[];
    parameters: Record<string, string>;
    deliveryBucket?: string;
    deliveryKeyPrefix?: string;
  };
  /** DescribeOrganizationConformancePackStatuses (may be stuck IN_PROGRESS; informative only). */
  aggregate?: { status: OrganizationResourceStatus; errorCode?: string; errorMessage?: string };
  /** GetOrganizationConformancePackDetailedStatus, every page. */
  rows: AccountRow[];
  record?: RecordView;
  /** Why the record could not be read or used (malformed, newer schema...). */
  recordProblem?: string;
  /** The record's staged template no longer hashes to its name: what was found. */
  stagedTemplateChanged?: string;
  /** The template of the last deploy, as staged and verified by its hash. */
  deployedTemplate?: string;
}

export type RegionAction = 'create' | 'update' | 'unchanged';

export interface RegionPlan {
  region: string;
  action: RegionAction;
  /** Why the action, one short sentence each; empty for `unchanged`. */
  reasons: string[];
  template: 'new' | 'same' | 'changed' | 'unknown';
  /** With a changed template whose previous version is known: what changes, rule by rule. */
  rules?: RuleChange[];
  parameters: { added: string[]; removed: string[]; changed: string[] };
  /** Accounts that gain / lose the pack with this deploy. */
  gains: string[];
  loses: string[];
  /** Accounts still rolling out or failed from the last operation. */
  failedAccounts: string[];
  inProgressAccounts: string[];
  drift: {
    /** Accounts holding the pack that the targets do not include (joined the organization later, or excluded since). */
    outsideTargets: string[];
    /** The pack was put by someone else since packsmith's last deploy. */
    changedOutside: boolean;
    recordProblem?: string;
    /** The staged template of the last deploy was changed in the bucket outside packsmith. */
    stagedTemplateChanged?: string;
  };
  desired: {
    templateSha256: string;
    parameters: Record<string, string>;
    excludedAccounts: string[];
    includedAccounts: number;
    deliveryBucket?: string;
    deliveryKeyPrefix?: string;
    excludedRules: string[];
    /** Rules left out because AWS does not document them here, with the controls not evaluated. */
    unavailableRules?: UnavailableRule[];
  };
  /** The pack's LastUpdateTime when planned: `deploy --plan` refuses if it moved since. */
  observedLastUpdateTime: string | null;
}

export interface PackPlan {
  pack: string;
  orgPackName: string;
  regions: RegionPlan[];
}

export interface Orphan {
  orgPackName: string;
  region: string;
  /** The repository pack named in its record. */
  pack?: string;
  lastDeployedAt?: string;
}

const holds = (status: OrganizationResourceStatus) =>
  !status.startsWith('DELETE_SUCCESSFUL') && status !== 'CREATE_FAILED';
const isFailed = (status: OrganizationResourceStatus) => status.endsWith('_FAILED');
const isInProgress = (status: OrganizationResourceStatus) => status.endsWith('_IN_PROGRESS');

/** AWS returns times at second precision: compare at that precision (see records.ts). */
export const sameSecond = (
  a: Date | string | null | undefined,
  b: Date | string | null | undefined,
): boolean => {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return Math.floor(new Date(a).getTime() / 1000) === Math.floor(new Date(b).getTime() / 1000);
};

/** Parameter names added, removed and changed from `before` to `after`, each sorted. */
export function diffParameters(
  before: Record<string, string>,
  after: Record<string, string>,
): { added: string[]; removed: string[]; changed: string[] } {
  const added = Object.keys(after)
    .filter((k) => !Object.hasOwn(before, k))
    .sort();
  const removed = Object.keys(before)
    .filter((k) => !Object.hasOwn(after, k))
    .sort();
  const changed = Object.keys(after)
    .filter((k) => Object.hasOwn(before, k) && before[k] !== after[k])
    .sort();
  return { added, removed, changed };
}

/** The same items, in any order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/**
 * Clock skew allowed between this machine (the record's `unconfirmedPutAt`) and AWS (the pack's
 * LastUpdateTime) when verifying an unconfirmed record: the TTL advice of lock.ts, minutes.
 */
const unconfirmedSkewMs = 5 * 60_000;

/**
 * An unconfirmed record (the put was accepted, but Describe did not show it in time) is verified
 * rather than distrusted: it describes the pack when AWS reports a LastUpdateTime no earlier than
 * the put and the very parameters, excluded accounts and delivery settings the record holds. The
 * template itself cannot be compared (AWS never returns it); the record's hash stands for it.
 */
export function verifiesUnconfirmed(record: RecordView, pack: NonNullable<ObservedRegion['pack']>): boolean {
  if (record.packLastUpdateTime !== null || record.unconfirmedPutAt === undefined) return false;
  const putAt = Date.parse(record.unconfirmedPutAt);
  const updated = pack.lastUpdateTime?.getTime();
  if (updated === undefined || Number.isNaN(putAt) || updated < putAt - unconfirmedSkewMs) return false;
  const params = diffParameters(pack.parameters, record.parameters);
  return (
    params.added.length + params.removed.length + params.changed.length === 0 &&
    sameList(pack.excludedAccounts, record.excludedAccounts) &&
    (pack.deliveryBucket ?? '') === (record.deliveryBucket ?? '') &&
    (pack.deliveryKeyPrefix ?? '') === (record.deliveryKeyPrefix ?? '')
  );
}

export function planRegion(desired: DesiredRegion, observed: ObservedRegion): RegionPlan {
  const includedIds = new Set(desired.included.map((a) => a.id));
  const holding = observed.rows.filter((r) => holds(r.status)).map((r) => r.accountId);
  const holdingSet = new Set(holding);
  const targetRows = observed.rows.filter((r) => includedIds.has(r.accountId));
  const base = {
    region: desired.region,
    desired: {
      templateSha256: desired.templateSha256,
      parameters: desired.parameters,
      excludedAccounts: desired.excludedAccounts,
      includedAccounts: desired.included.length,
      ...(desired.deliveryBucket ? { deliveryBucket: desired.deliveryBucket } : {}),
      ...(desired.deliveryKeyPrefix ? { deliveryKeyPrefix: desired.deliveryKeyPrefix } : {}),
      excludedRules: desired.excludedRules,
      ...(desired.unavailableRules?.length ? { unavailableRules: desired.unavailableRules } : {}),
    },
    observedLastUpdateTime: observed.pack?.lastUpdateTime?.toISOString() ?? null,
    failedAccounts: targetRows.filter((r) => isFailed(r.status)).map((r) => r.accountId),
    inProgressAccounts: targetRows.filter((r) => isInProgress(r.status)).map((r) => r.accountId),
  };

  if (!observed.pack) {
    return {
      ...base,
      action: 'create',
      reasons: [`the pack does not exist in ${desired.region}`],
      template: 'new',
      parameters: { added: Object.keys(desired.parameters).sort(), removed: [], changed: [] },
      gains: desired.included.map((a) => a.id),
      loses: [],
      failedAccounts: [],
      inProgressAccounts: [],
      drift: { outsideTargets: [], changedOutside: false },
    };
  }

  const pack = observed.pack;
  const reasons: string[] = [];
  const record = observed.record;
  const trusted =
    record !== undefined &&
    (sameSecond(record.packLastUpdateTime, pack.lastUpdateTime) || verifiesUnconfirmed(record, pack));
  const changedOutside = record !== undefined && !trusted;
  let template: RegionPlan['template'];
  let rules: RuleChange[] | undefined;
  if (!trusted) {
    template = 'unknown';
    reasons.push(
      record
        ? record.unconfirmedPutAt !== undefined && record.packLastUpdateTime === null
          ? `the put of ${record.unconfirmedPutAt} was never confirmed and AWS now reports other settings for the pack: the deployed template is unknown`
          : `the pack was changed outside packsmith since its last deploy (${record.writtenAt}): the deployed template is unknown`
        : observed.recordProblem
          ? `the deployment record cannot be used (${observed.recordProblem}): the deployed template is unknown`
          : 'no packsmith deployment record: the deployed template is unknown',
    );
  } else if (record.templateSha256 === desired.templateSha256) {
    template = 'same';
  } else {
    template = 'changed';
    reasons.push('the template changed');
    rules = observed.deployedTemplate
      ? ruleChanges(observed.deployedTemplate, desired.templateBody)
      : undefined;
  }

  if (observed.stagedTemplateChanged) {
    reasons.push(
      `the staged template was changed outside packsmith (${observed.stagedTemplateChanged}): deploying stages it again`,
    );
  }

  const parameters = diffParameters(pack.parameters, desired.parameters);
  const changedNames = [...parameters.added, ...parameters.removed, ...parameters.changed];
  if (changedNames.length > 0) reasons.push(`parameters changed: ${changedNames.join(', ')}`);

  const exclusionsChanged = !sameList(pack.excludedAccounts, desired.excludedAccounts);
  const previouslyExcluded = new Set(pack.excludedAccounts);
  // An account the last put did not exclude already has (or was meant to have) the pack.
  const gains = desired.included
    .map((a) => a.id)
    .filter((id) => previouslyExcluded.has(id) && !holdingSet.has(id));
  // Only accounts this deploy newly excludes: one the last put already excluded is being removed
  // (or failed to be) whatever this deploy does, and would make an `unchanged` plan list a loss.
  const loses = holding.filter(
    (id) => !includedIds.has(id) && desired.excludedAccounts.includes(id) && !previouslyExcluded.has(id),
  );
  if (exclusionsChanged) {
    const parts = [];
    if (gains.length) parts.push(`${gains.length} account(s) gain the pack`);
    if (loses.length) parts.push(`${loses.length} lose it`);
    reasons.push(`the excluded accounts changed${parts.length ? ` (${parts.join(', ')})` : ''}`);
  }
  if ((pack.deliveryBucket ?? '') !== (desired.deliveryBucket ?? ''))
    reasons.push('the delivery bucket changed');
  if ((pack.deliveryKeyPrefix ?? '') !== (desired.deliveryKeyPrefix ?? '')) {
    reasons.push('the delivery key prefix changed');
  }
  if (base.failedAccounts.length > 0) {
    reasons.push(
      `the last rollout failed in ${base.failedAccounts.length} target account(s): deploying puts it again`,
    );
  }
  // Accounts that are targets but have no row at all: the pack never reached them.
  const rowIds = new Set(observed.rows.map((r) => r.accountId));
  const missing = desired.included.filter((a) => !rowIds.has(a.id) && !gains.includes(a.id)).map((a) => a.id);
  if (missing.length > 0 && reasons.length === 0) {
    reasons.push(`${missing.length} target account(s) have no status for the pack: deploying puts it again`);
  }

  // Holding accounts outside the targets that this deploy does not remove: they joined the
  // organization after the last put (AWS deploys org packs to new accounts) and are not excluded.
  const outsideTargets = holding.filter(
    (id) => !includedIds.has(id) && !desired.excludedAccounts.includes(id),
  );

  return {
    ...base,
    action: reasons.length === 0 ? 'unchanged' : 'update',
    reasons,
    template,
    ...(rules ? { rules } : {}),
    parameters,
    gains: exclusionsChanged ? gains : [],
    loses,
    drift: {
      outsideTargets,
      changedOutside,
      ...(observed.recordProblem ? { recordProblem: observed.recordProblem } : {}),
      ...(observed.stagedTemplateChanged ? { stagedTemplateChanged: observed.stagedTemplateChanged } : {}),
    },
  };
}

/**
 * Org packs in AWS that packsmith deployed (they have a deployment record) but that no pack of the
 * configuration deploys any more. They are reported, never deleted implicitly.
 */
export function findOrphans(
  configured: ReadonlySet<string>,
  deployed: ReadonlyArray<{
    orgPackName: string;
    region: string;
    record?: { pack?: string; writtenAt?: string };
  }>,
): Orphan[] {
  return deployed
    .filter((d) => !configured.has(d.orgPackName) && d.record !== undefined)
    .map((d) => ({
      orgPackName: d.orgPackName,
      region: d.region,
      ...(d.record?.pack ? { pack: d.record.pack } : {}),
      ...(d.record?.writtenAt ? { lastDeployedAt: d.record.writtenAt } : {}),
    }))
    .sort((a, b) => a.orgPackName.localeCompare(b.orgPackName) || a.region.localeCompare(b.region));
}
