/** `packsmith preflight`, and how preflight findings are shown. */
import { printableLine } from '../../util/text.js';
import type { PreflightFinding } from '../../rollout/preflight.js';
import { preflight } from '../../app/preflight.js';
import type { PreflightCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { fewOf } from '../account-summary-text.js';
import { jsonDocument, processOutput, type Output } from '../output.js';
import type { Painter } from '../terminal.js';
import { connectFor, fromCore, printDiagnostics, selectionOf } from './rollout-context.js';

/** Account ids a finding lists in text; the rest are counted (JSON keeps them all). */
export const accountsShownInFinding = 10;

export function formatFindings(findings: readonly PreflightFinding[], io: Output): string {
  const p = io.paint;
  const lines = groupFindings(findings).map((group) =>
    group.length === 1 ? findingText(group[0]!, p) : groupText(group, p),
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  lines.push(
    errors === 0
      ? p.green(`preflight passed${warnings ? ` with ${warnings} warning(s)` : ''}`)
      : p.red(`preflight found ${errors} error(s)${warnings ? ` and ${warnings} warning(s)` : ''}`),
  );
  return lines.join('\n');
}

const severityText = (s: PreflightFinding['severity'], p: Painter): string =>
  s === 'error' ? p.red('error') : s === 'warning' ? p.yellow('warning') : p.cyan('notice');

/**
 * Findings of one account each that share their problem (check, pack, detail) in one group, in the
 * order they came: the text names the problem once with its accounts and Regions.
 */
function groupFindings(findings: readonly PreflightFinding[]): PreflightFinding[][] {
  const groups = new Map<string, PreflightFinding[]>();
  findings.forEach((f, i) => {
    const key =
      f.accountId !== undefined && f.detail !== undefined
        ? JSON.stringify([f.checkId, f.severity, f.pack ?? '', f.detail, f.fix])
        : String(i);
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  });
  return [...groups.values()];
}

function findingText(f: PreflightFinding, p: Painter): string {
  const where = [f.pack && `pack ${f.pack}`, f.region, f.accountId && `account ${f.accountId}`]
    .filter(Boolean)
    .join(', ');
  const accounts =
    f.accountIds && f.accountIds.length
      ? `\n    ${f.accountIds.length} accounts: ${printableLine(fewOf(f.accountIds, accountsShownInFinding))}`
      : '';
  const [message, fix] = [printableLine(f.message), printableLine(f.fix)];
  return `${severityText(f.severity, p)} ${p.dim(f.checkId)} ${where ? `[${printableLine(where)}] ` : ''}${message}${accounts}\n    ${p.dim(`fix: ${fix}`)}`;
}

function groupText(group: readonly PreflightFinding[], p: Painter): string {
  const f = group[0]!;
  const ids = [...new Set(group.map((g) => g.accountId ?? ''))].sort();
  const regions = [...new Set(group.flatMap((g) => (g.region ? [g.region] : [])))];
  const place = regions.length ? ` in ${regions.join(', ')}` : '';
  const head = `${ids.length} account${ids.length === 1 ? '' : 's'}${place}: ${f.detail ?? ''}`;
  return (
    `${severityText(f.severity, p)} ${p.dim(f.checkId)} ${f.pack ? `[${printableLine(`pack ${f.pack}`)}] ` : ''}${printableLine(head)}` +
    `\n    accounts: ${printableLine(fewOf(ids, accountsShownInFinding))}\n    ${p.dim(`fix: ${printableLine(f.fix)}`)}`
  );
}

export async function runPreflightCommand(
  packs: string[],
  options: PreflightCommandOptions,
): Promise<number> {
  const io = processOutput();
  const concurrency = Number(options.concurrency);
  if (options.checkRecorders && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UsageError('--concurrency must be a positive integer');
  const request = options.checkRecorders
    ? { checkRecorders: { concurrency, ...(options.roleName ? { roleName: options.roleName } : {}) } }
    : {};
  const { ok, findings, diagnostics } = await fromCore(io, () =>
    preflight(selectionOf(packs, options), request, { connect: connectFor(options, io) }),
  );
  printDiagnostics(diagnostics, io);
  if (options.format === 'json') io.out(jsonDocument('preflight', { ok, findings }));
  else io.out(formatFindings(findings, io));
  return ok ? 0 : 1;
}
