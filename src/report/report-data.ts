/**
 * What the HTML status report shows: one organization rollout, already read from the status store
 * and the deployment records. Plain data, so the page can be rendered (and tested) without AWS.
 */
import { organizationResourceStatuses, type OrganizationResourceStatus } from '../facts/enums.js';
import type { PackCompliance, RuleCompliance } from '../rollout/compliance.js';

/**
 * A per-account status, or NOT_DEPLOYED for a target AWS has never reported on; a stack set pack's
 * instances also OUTDATED (behind the stack set, not failed), SKIPPED_SUSPENDED_ACCOUNT and
 * NOT_ATTEMPTED (CANCELLED: the operation stopped before it) (src/rollout/stackset-status.ts maps them).
 */
export type ReportAccountStatus =
  OrganizationResourceStatus | 'NOT_DEPLOYED' | 'OUTDATED' | 'SKIPPED_SUSPENDED_ACCOUNT' | 'NOT_ATTEMPTED';

/** Every status the report knows, in the order its legend and summaries list them. */
export const reportAccountStatuses: readonly ReportAccountStatus[] = [
  ...organizationResourceStatuses,
  'NOT_DEPLOYED',
  'OUTDATED',
  'SKIPPED_SUSPENDED_ACCOUNT',
  'NOT_ATTEMPTED',
];

/** The coarse outcome a status stands for: what the colours, glyphs and wave counts are built on. */
export type StatusGroup = 'succeeded' | 'failed' | 'in-progress' | 'not-deployed';

export function statusGroup(status: ReportAccountStatus): StatusGroup {
  // NOT_ATTEMPTED: a stack instance the operation stopped before (CANCELLED), not a failure.
  if (status === 'NOT_DEPLOYED' || status === 'SKIPPED_SUSPENDED_ACCOUNT' || status === 'NOT_ATTEMPTED')
    return 'not-deployed';
  // Behind the stack set: a later stage still to come.
  if (status === 'OUTDATED') return 'in-progress';
  if (status.endsWith('_FAILED')) return 'failed';
  if (status.endsWith('_IN_PROGRESS')) return 'in-progress';
  return 'succeeded';
}

export interface ReportWave {
  name: string;
  /** Account ids in this wave. */
  accounts: string[];
}

export interface ReportPack {
  /** The pack's name in the repository. */
  pack: string;
  /** The organization conformance pack's name in AWS; the stack set's for `engine: stackset`. */
  orgPackName: string;
  /** `stackset`: deployed by a stack set, its waves the stages (absent: an organization pack). */
  engine?: 'stackset';
  regions: string[];
  waves: ReportWave[];
}

/** One account in one Region for one pack: a cell of the grid. */
export interface ReportAccount {
  pack: string;
  region: string;
  accountId: string;
  name?: string;
  /** `/Root/…` as src/org/discover.ts writes it. */
  ouPath?: string;
  status: ReportAccountStatus;
  errorCode?: string;
  errorMessage?: string;
  hint?: string;
  lastUpdateTime?: string;
  wave?: string;
  /** False for an account that still has a status but is no longer targeted. */
  target: boolean;
}

export interface ReportDeployment {
  id: string;
  pack: string;
  region: string;
  operation: string;
  startedAt: string;
  endedAt: string | null;
  outcome: string | null;
  wave?: string;
}

export interface ReportTimelineEvent {
  /** ISO 8601. */
  at: string;
  pack: string;
  region: string;
  /**
   * A deployment's (org pack) or a stack set operation's start and end, and each account's status
   * as recorded (a stack instance's mapped to the organization vocabulary).
   */
  kind: 'deployment-started' | 'deployment-ended' | 'status';
  accountId?: string;
  status?: string;
  outcome?: string;
  /** The wave; a stack set pack's stage. */
  wave?: string;
  /** `stackset`: the event is a stack set operation's (or one of its instances'). */
  engine?: 'stackset';
  /** A stack set operation: its kind (create-instances, update-stack-set, …) and OperationId. */
  operation?: string;
  operationId?: string;
}

/** A pack's compliance in one account and Region, as the organization aggregator reports it. */
export type ReportPackCompliance = PackCompliance & { pack: string };

/** One rule of a pack in one account and Region, with the controls it is mapped to. */
export type ReportRuleCompliance = Pick<
  RuleCompliance,
  'accountId' | 'region' | 'ruleName' | 'compliance' | 'controls'
> & {
  pack: string;
};

/**
 * A rule a pack's deployed template leaves out in one Region because AWS does not document it there
 * (`unavailableRules: exclude`), as the Region's deployment record says: its controls are not
 * evaluated in that Region.
 */
export interface ReportNotEvaluated {
  pack: string;
  region: string;
  rule: string;
  identifier: string;
  controls: string[];
}

export interface ReportData {
  title: string;
  /** ISO 8601; the only time in the page, so the same data renders the same bytes. */
  generatedAt: string;
  packsmithVersion: string;
  packs: ReportPack[];
  accounts: ReportAccount[];
  deployments: ReportDeployment[];
  timeline: ReportTimelineEvent[];
  /** Rules left out per pack and Region (none: absent or empty). */
  notEvaluated?: ReportNotEvaluated[];
  /** When compliance is configured and was read (`status --compliance`). */
  compliance?: { packs: ReportPackCompliance[]; rules: ReportRuleCompliance[] };
}
