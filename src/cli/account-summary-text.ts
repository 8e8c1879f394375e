/**
 * The text of an account summary (src/rollout/account-summary.ts): counts first, then each failure
 * cause once with its accounts (the first few, and how many more), their OUs and the command to
 * run. Every value from AWS or the configuration goes through `printableLine`.
 */
import type { AccountSummary, FailureCause, GroupCounts } from '../rollout/account-summary.js';
import { firstFew } from '../rollout/account-summary.js';
import { printableLine } from '../util/text.js';
import type { Painter } from './terminal.js';

/** Accounts listed per cause in text; the rest are counted ("… and N more"). */
export const accountsShownPerCause = 8;

/** `STATUS n, STATUS n` in the summary's order. */
export function statusList(statuses: Record<string, number>): string {
  return printableLine(
    Object.entries(statuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', '),
  );
}

function groupLine(label: string, groups: readonly GroupCounts[]): string[] {
  if (groups.length === 0) return [];
  return [
    `${label}:`,
    ...groups.map((g) => `  ${printableLine(g.key)}: ${g.rows} (${statusList(g.statuses)})`),
  ];
}

/** Totals, then per pack, Region and wave. */
export function formatCounts(summary: AccountSummary, p: Painter): string[] {
  if (summary.rows === 0) return ['no account rows'];
  return [
    `${p.bold(`${summary.accounts} account(s)`)}, ${summary.rows} row(s) (account × pack × Region): ${statusList(summary.statuses)}`,
    ...groupLine('per pack', summary.byPack),
    ...groupLine('per Region', summary.byRegion),
    ...groupLine('per wave', summary.byWave),
  ];
}

/** A `list` of labels, the first few of them and "… and N more". */
export function fewOf(list: readonly string[], max: number): string {
  const { shown, more } = firstFew(list, max);
  return shown.join(', ') + (more > 0 ? ` … and ${more} more` : '');
}

function causeLines(c: FailureCause, p: Painter): string[] {
  const where = `${c.packs.join(', ')}; ${c.regions.join(', ')}`;
  const places = c.packs.length * c.regions.length;
  const { shown, more } = firstFew(c.accounts, accountsShownPerCause);
  const accounts = shown.map((a) => {
    const label = `${a.accountId}${a.name ? ` ${a.name}` : ''}${a.ouPath ? ` (${a.ouPath})` : ''}`;
    const at = a.places.length < places ? ` in ${a.places.join(', ')}` : '';
    return `      ${printableLine(label + at)}`;
  });
  return [
    `  ${p.red(printableLine(c.errorCode ?? 'no error code'))}: ${c.accounts.length} account(s), ${c.rows} row(s) [${printableLine(where)}]`,
    ...(c.errorMessage ? [`    ${printableLine(c.errorMessage)}`] : []),
    ...(c.hint ? [`    ${p.cyan('hint:')} ${printableLine(c.hint)}`] : []),
    ...(c.ous.length
      ? [
          `    OUs: ${printableLine(
            fewOf(
              c.ous.map((o) => `${o.ouPath} (${o.accounts})`),
              5,
            ),
          )}`,
        ]
      : []),
    '    accounts:',
    ...accounts,
    ...(more > 0 ? [`      … and ${more} more`] : []),
    `    retry once fixed: ${printableLine(c.command)}`,
  ];
}

/** Every failure cause once; nothing when there is no failure. */
export function formatFailureCauses(causes: readonly FailureCause[], p: Painter): string[] {
  if (causes.length === 0) return [];
  const accounts = new Set(causes.flatMap((c) => c.accounts.map((a) => a.accountId))).size;
  return [
    p.red(`Failures by cause (${causes.length} cause(s), ${accounts} account(s)):`),
    ...causes.flatMap((c) => causeLines(c, p)),
  ];
}
