/**
 * The end-of-rollout report of one pack in one Region: totals, then every failed account with its
 * error and a hint, accounts AWS never reported on, and (apart, as they are not failures) accounts
 * closed or joined during the rollout. Deterministic: no timestamps, accounts sorted by id.
 */
import { printableLine } from '../util/text.js';
import type { OrganizationResourceStatus } from '../facts/enums.js';
import { hintFor, notReportedHint } from '../rollout/hints.js';
import type { RolloutOutcome } from '../rollout/poll.js';
import type { AccountState, RolloutOperation, StateCounts } from '../rollout/tracker.js';
import { firstFew, summarizeAccounts, type SummaryRow } from '../rollout/account-summary.js';
import { accountsShownPerCause, formatFailureCauses } from './account-summary-text.js';
import { painter } from './terminal.js';

export interface RolloutSummaryInput {
  pack: string;
  region: string;
  operation: RolloutOperation;
  accounts: readonly AccountState[];
  counts: StateCounts;
  outcome: RolloutOutcome;
  color: boolean;
  /** `false`: leave the failed accounts out (the caller groups them across Regions). */
  failures?: boolean;
}

export interface SummaryAccount {
  id: string;
  name: string | null;
  ouPath: string | null;
  status: OrganizationResourceStatus | null;
  errorCode: string | null;
  errorMessage: string | null;
  hint: string | null;
}

export interface RolloutSummaryJson {
  pack: string;
  region: string;
  operation: RolloutOperation;
  outcome: RolloutOutcome;
  counts: StateCounts;
  /** Target accounts (joined and excluded accounts are not targets). */
  targets: number;
  failed: SummaryAccount[];
  notReported: SummaryAccount[];
  suspended: SummaryAccount[];
  joined: SummaryAccount[];
  outsideTargets: SummaryAccount[];
}

const byId = (a: AccountState, b: AccountState): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function pick(accounts: readonly AccountState[], state: AccountState['state']): AccountState[] {
  return accounts.filter((a) => a.state === state).sort(byId);
}

function hintOf(a: AccountState): string | undefined {
  if (a.state === 'not-reported') return notReportedHint;
  return hintFor(a.errorCode, a.errorMessage);
}

function toJson(a: AccountState): SummaryAccount {
  return {
    id: a.id,
    name: a.name ?? null,
    ouPath: a.ouPath ?? null,
    status: a.status ?? null,
    errorCode: a.errorCode ?? null,
    errorMessage: a.errorMessage ?? null,
    hint: a.state === 'failed' || a.state === 'not-reported' ? (hintOf(a) ?? null) : null,
  };
}

function targetCount(c: StateCounts): number {
  return c.pending + c['in-progress'] + c.succeeded + c.failed + c['not-reported'] + c.suspended;
}

export function summaryJson(input: Omit<RolloutSummaryInput, 'color'>): RolloutSummaryJson {
  const { accounts } = input;
  return {
    pack: input.pack,
    region: input.region,
    operation: input.operation,
    outcome: input.outcome,
    counts: { ...input.counts },
    targets: targetCount(input.counts),
    failed: pick(accounts, 'failed').map(toJson),
    notReported: pick(accounts, 'not-reported').map(toJson),
    suspended: pick(accounts, 'suspended').map(toJson),
    joined: pick(accounts, 'joined').map(toJson),
    outsideTargets: pick(accounts, 'outside-targets').map(toJson),
  };
}

const outcomeWords: Record<RolloutOutcome, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  'timed-out': 'timed out',
  cancelled: 'was cancelled',
};

/** The failed accounts of Region results as summary rows, to group by cause across Regions. */
export function failedRows(
  results: ReadonlyArray<Pick<RolloutSummaryInput, 'pack' | 'region' | 'accounts'>>,
): SummaryRow[] {
  return results.flatMap((r) =>
    pick(r.accounts, 'failed').map((a) => ({
      pack: r.pack,
      region: r.region,
      accountId: a.id,
      status: a.status ?? 'failed',
      failed: true,
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.ouPath !== undefined ? { ouPath: a.ouPath } : {}),
      ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
      ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
    })),
  );
}

/** The failures of Region results grouped by cause, across Regions and packs. */
export function failureCausesOf(
  results: ReadonlyArray<Pick<RolloutSummaryInput, 'pack' | 'region' | 'accounts' | 'operation'>>,
) {
  const retry = results.some((r) => r.operation === 'delete') ? 'destroy' : 'deploy';
  return summarizeAccounts(failedRows(results), { retry }).failures;
}

export function formatRolloutSummary(input: RolloutSummaryInput): string {
  const p = painter(input.color);
  const c = input.counts;
  const s = summaryJson(input);
  // Every value from AWS or the configuration is sanitised (printableLine) before it is painted.
  const label = (a: SummaryAccount): string =>
    printableLine(`${a.id}${a.name ? ` ${a.name}` : ''}${a.ouPath ? ` (${a.ouPath})` : ''}`);
  const status = (a: SummaryAccount, none: string): string => printableLine(a.status ?? none);
  const outcome =
    input.outcome === 'succeeded' ? p.green : input.outcome === 'failed' ? p.red : (t: string) => p.yellow(t);
  const lines: string[] = [
    `${p.bold(printableLine(input.pack))} ${input.operation} in ${printableLine(input.region)} ${outcome(outcomeWords[input.outcome])}: ` +
      `${c.succeeded} of ${s.targets} accounts succeeded, ${c.failed} failed, ${c['not-reported']} not reported` +
      (c.pending + c['in-progress'] > 0 ? `, ${c.pending + c['in-progress']} still waiting` : '') +
      (c.suspended > 0 ? `, ${c.suspended} suspended` : ''),
  ];
  if (input.failures !== false && s.failed.length > 0) {
    lines.push('', ...formatFailureCauses(failureCausesOf([input]), p));
  }
  if (s.notReported.length > 0) {
    lines.push('', p.yellow(`Not reported by AWS since the ${input.operation} (${s.notReported.length}):`));
    const { shown, more } = firstFew(s.notReported, accountsShownPerCause);
    for (const a of shown) lines.push(`  ${label(a)}: last status ${status(a, 'none')}`);
    if (more > 0) lines.push(`  … and ${more} more`);
    lines.push(`  ${p.cyan('hint:')} ${notReportedHint}`);
  }
  if (s.suspended.length > 0) {
    lines.push(
      '',
      `Suspended or closed during the rollout, not counted as failures (${s.suspended.length}):`,
    );
    for (const a of s.suspended) lines.push(`  ${label(a)}`);
  }
  if (s.joined.length > 0) {
    lines.push(
      '',
      `Joined the organization during the rollout, deployed by AWS, not counted as failures (${s.joined.length}):`,
    );
    for (const a of s.joined) lines.push(`  ${label(a)}: ${status(a, 'no status')}`);
  }
  if (s.outsideTargets.length > 0) {
    lines.push('', `Excluded accounts that still report a status, not counted (${s.outsideTargets.length}):`);
    for (const a of s.outsideTargets) lines.push(`  ${label(a)}: ${status(a, 'no status')}`);
  }
  return `${lines.join('\n')}\n`;
}
