/**
 * Summaries first, detail on request (pure): account rows of any command that reports accounts
 * (`status`, the end of `deploy` and `destroy`) counted per status, pack, Region and wave, and their
 * failures grouped by cause — the error code and its hint once, with the accounts it affects,
 * their OUs, and the command that fixes or retries them. The CLI formats; nothing here prints.
 * Deterministic: groups and accounts are sorted.
 */
import { hintFor } from './hints.js';

export interface SummaryRow {
  pack: string;
  region: string;
  wave?: string;
  accountId: string;
  name?: string;
  ouPath?: string;
  /** AWS's status, or packsmith's word for the row (NOT_DEPLOYED, not-reported, …). */
  status: string;
  /** Whether the row is a failure to group by cause. */
  failed: boolean;
  errorCode?: string;
  errorMessage?: string;
  /** The hint already chosen for the row; else `hintFor(errorCode, errorMessage)`. */
  hint?: string;
}

/** Rows per status of one pack, Region or wave. */
export interface GroupCounts {
  key: string;
  rows: number;
  statuses: Record<string, number>;
}

export interface CauseAccount {
  accountId: string;
  name?: string;
  ouPath?: string;
  /** Where it fails: `pack Region` pairs, sorted. */
  places: string[];
}

export interface FailureCause {
  errorCode?: string;
  hint?: string;
  /** One affected row's message (the messages of one cause differ in details only). */
  errorMessage?: string;
  /** Rows (account × pack × Region) with this cause. */
  rows: number;
  accounts: CauseAccount[];
  /** The OUs of the accounts, with how many accounts each. */
  ous: Array<{ ouPath: string; accounts: number }>;
  packs: string[];
  regions: string[];
  /** What fixes or retries them, once the cause is fixed. */
  command: string;
}

export interface AccountSummary {
  rows: number;
  /** Distinct accounts. */
  accounts: number;
  statuses: Record<string, number>;
  byPack: GroupCounts[];
  byRegion: GroupCounts[];
  /** Only rows that belong to a wave. */
  byWave: GroupCounts[];
  failures: FailureCause[];
}

export interface SummaryOptions {
  /** The command that retries a failed rollout: `deploy` (default) or `destroy`. */
  retry?: 'deploy' | 'destroy';
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function summarizeAccounts(rows: readonly SummaryRow[], options: SummaryOptions = {}): AccountSummary {
  return {
    rows: rows.length,
    accounts: new Set(rows.map((r) => r.accountId)).size,
    statuses: countStatuses(rows),
    byPack: countBy(rows, (r) => r.pack),
    byRegion: countBy(rows, (r) => r.region),
    byWave: countBy(rows, (r) => r.wave),
    failures: failureCauses(rows, options.retry ?? 'deploy'),
  };
}

function countStatuses(rows: readonly SummaryRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of [...rows].sort((a, b) => compare(a.status, b.status)))
    counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

function countBy(rows: readonly SummaryRow[], keyOf: (r: SummaryRow) => string | undefined): GroupCounts[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.entries()].map(([key, rs]) => ({ key, rows: rs.length, statuses: countStatuses(rs) }));
}

/** A cause: the error code and the hint; without a hint, the code and the message. */
function causeKey(r: SummaryRow, hint: string | undefined): string {
  return JSON.stringify([r.errorCode ?? '', hint ?? '', hint ? '' : (r.errorMessage ?? '')]);
}

function failureCauses(rows: readonly SummaryRow[], retry: 'deploy' | 'destroy'): FailureCause[] {
  const groups = new Map<string, { hint: string | undefined; rows: SummaryRow[] }>();
  for (const r of rows) {
    if (!r.failed) continue;
    const hint = r.hint ?? hintFor(r.errorCode, r.errorMessage);
    const key = causeKey(r, hint);
    const group = groups.get(key) ?? { hint, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ hint, rows: rs }) => cause(rs, hint, retry))
    .sort((a, b) => b.accounts.length - a.accounts.length || compare(a.errorCode ?? '', b.errorCode ?? ''));
}

function cause(rows: SummaryRow[], hint: string | undefined, retry: 'deploy' | 'destroy'): FailureCause {
  const first = rows[0]!;
  const accounts = causeAccounts(rows);
  const packs = [...new Set(rows.map((r) => r.pack))].sort(compare);
  return {
    ...(first.errorCode ? { errorCode: first.errorCode } : {}),
    ...(hint ? { hint } : {}),
    ...(first.errorMessage ? { errorMessage: first.errorMessage } : {}),
    rows: rows.length,
    accounts,
    ous: ousOf(accounts),
    packs,
    regions: [...new Set(rows.map((r) => r.region))].sort(compare),
    command: `packsmith ${retry} ${packs.join(' ')}`,
  };
}

function causeAccounts(rows: readonly SummaryRow[]): CauseAccount[] {
  const byId = new Map<string, CauseAccount>();
  for (const r of rows) {
    const a = byId.get(r.accountId) ?? {
      accountId: r.accountId,
      ...(r.name !== undefined ? { name: r.name } : {}),
      ...(r.ouPath !== undefined ? { ouPath: r.ouPath } : {}),
      places: [],
    };
    const place = `${r.pack} ${r.region}`;
    if (!a.places.includes(place)) a.places.push(place);
    byId.set(r.accountId, a);
  }
  return [...byId.values()]
    .map((a) => ({ ...a, places: a.places.sort(compare) }))
    .sort((a, b) => compare(a.accountId, b.accountId));
}

function ousOf(accounts: readonly CauseAccount[]): Array<{ ouPath: string; accounts: number }> {
  const counts = new Map<string, number>();
  for (const a of accounts) if (a.ouPath) counts.set(a.ouPath, (counts.get(a.ouPath) ?? 0) + 1);
  return [...counts.entries()]
    .map(([ouPath, n]) => ({ ouPath, accounts: n }))
    .sort((a, b) => b.accounts - a.accounts || compare(a.ouPath, b.ouPath));
}

/** The first `max` items and how many more there are: long account lists stay one screen. */
export function firstFew<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  const shown = items.length > max ? items.slice(0, max) : [...items];
  return { shown, more: items.length - shown.length };
}
