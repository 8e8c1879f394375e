/**
 * `packsmith validate` for people: the findings grouped by file (a bold header, then
 * `  line:column  severity  id  message` and the fix below), then one summary line. The lines use
 * the shared problem-line format of src/diagnostics/format-text.ts.
 */
import { diagnosticLines, printable } from '../../diagnostics/format-text.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Painter } from '../../util/paint.js';
import { reportFailed, type SuppressedFinding, type ValidationReport } from '../../validation/report.js';
import { cfnLintNote, groupByFile, reportCounts, summarySentence } from './shared.js';

export interface TextFormatOptions {
  /** Also list the suppressed findings, each with its reason (`--show-suppressed`). */
  showSuppressed?: boolean;
}

const noFile = '(no file)';

function lines(d: Diagnostic, paint: Painter, indent: string): string[] {
  const where = d.location ? `${d.location.line}:${d.location.column}` : undefined;
  return diagnosticLines(d, paint, { where, indent });
}

function suppressedLines(s: SuppressedFinding, paint: Painter): string[] {
  const by = s.by === 'inline' ? 'inline marker' : 'configuration';
  return [
    ...lines(s.diagnostic, paint, '  '),
    `      ${paint.dim(`suppressed by ${by}:`)} ${printable(s.reason.replace(/\r\n|\r|\n/g, ' '))}`,
  ];
}

export function formatText(
  report: ValidationReport,
  paint: Painter,
  options: TextFormatOptions = {},
): string {
  const out: string[] = [];
  for (const group of groupByFile(report.files, report.diagnostics, (d) => d)) {
    out.push(paint.bold(group.file === undefined ? noFile : printable(group.file)));
    for (const d of group.items) out.push(...lines(d, paint, '  '));
    out.push('');
  }
  if (options.showSuppressed && report.suppressed.length) {
    out.push(paint.bold('Suppressed findings'));
    for (const group of groupByFile(report.files, report.suppressed, (s) => s.diagnostic)) {
      out.push(`${paint.bold(group.file === undefined ? noFile : printable(group.file))}`);
      for (const s of group.items) out.push(...suppressedLines(s, paint));
    }
    out.push('');
  }

  const counts = reportCounts(report);
  const sentence = summarySentence(report);
  let summary: string;
  if (reportFailed(report)) {
    const strictNote = report.strict && counts.errors === 0 ? ' (--strict: warnings fail)' : '';
    summary = paint.bold(paint.red(`${sentence}${strictNote}`));
  } else if (counts.warnings > 0) summary = paint.bold(paint.yellow(sentence));
  else summary = paint.green(sentence);
  out.push(summary);

  const note = cfnLintNote(report);
  if (note) out.push(paint.yellow(printable(note.replace(/\r\n|\r|\n/g, ' '))));
  return `${out.join('\n')}\n`;
}
