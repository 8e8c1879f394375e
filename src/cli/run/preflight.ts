/** `packsmith preflight`, and how preflight findings are shown. */
import { printableLine } from '../../util/text.js';
import type { PreflightFinding } from '../../rollout/preflight.js';
import { preflight } from '../../app/preflight.js';
import type { PreflightCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { fewOf } from '../account-summary-text.js';
import { jsonDocument, processOutput, type Output } from '../output.js';
import { connectFor, fromCore, printDiagnostics, selectionOf } from './rollout-context.js';

/** Account ids a finding lists in text; the rest are counted (JSON keeps them all). */
export const accountsShownInFinding = 10;

export function formatFindings(findings: readonly PreflightFinding[], io: Output): string {
  const p = io.paint;
  const sev = (s: PreflightFinding['severity']) =>
    s === 'error' ? p.red('error') : s === 'warning' ? p.yellow('warning') : p.cyan('notice');
  const lines = findings.map((f) => {
    const where = [f.pack && `pack ${f.pack}`, f.region, f.accountId && `account ${f.accountId}`]
      .filter(Boolean)
      .join(', ');
    const accounts =
      f.accountIds && f.accountIds.length
        ? `\n    ${f.accountIds.length} accounts: ${printableLine(fewOf(f.accountIds, accountsShownInFinding))}`
        : '';
    const [message, fix] = [printableLine(f.message), printableLine(f.fix)];
    return `${sev(f.severity)} ${p.dim(f.checkId)} ${where ? `[${printableLine(where)}] ` : ''}${message}${accounts}\n    ${p.dim(`fix: ${fix}`)}`;
  });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  lines.push(
    errors === 0
      ? p.green(`preflight passed${warnings ? ` with ${warnings} warning(s)` : ''}`)
      : p.red(`preflight found ${errors} error(s)${warnings ? ` and ${warnings} warning(s)` : ''}`),
  );
  return lines.join('\n');
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
