/**
 * `packsmith validate --format markdown` (and `--summary FILE`): a summary for a GitHub job summary
 * ($GITHUB_STEP_SUMMARY) or a pull-request comment. The counts by severity, then the findings as a
 * table (severity, file:line, check id, message), at most `maxRows` of them and each message cut
 * to `maxMessageLength`, with "and N more" for the rest: GitHub refuses a step summary over 1 MiB.
 *
 * Text from files and tools is escaped so that it renders as the same text and nothing else: HTML
 * is written as entities, Markdown punctuation is backslash-escaped (a `|` cannot end a cell, a
 * backtick cannot open code, a `[` cannot start a link), and control characters, line breaks
 * included, are shown as escapes (`printableLine`), so a value stays in its cell.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { printableLine } from '../../util/text.js';
import { reportFailed, type ValidationReport } from '../../validation/report.js';
import { cfnLintNote, reportCounts, summarySentence } from './shared.js';

export interface MarkdownOptions {
  /** Findings listed in the table; the rest are counted. Default 100. */
  maxRows?: number;
  /** Characters of a message (or a path) kept in a cell; longer ones end with "…". Default 300. */
  maxMessageLength?: number;
}

const defaults = { maxRows: 100, maxMessageLength: 300 } as const;

/** Characters with a meaning in (GitHub-flavoured) Markdown inline text or tables. */
const markdownPunctuation = /[\\`*_{}[\]()#+\-.!|~@:]/g;
const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * `text` as literal Markdown inline text on one line: rendered as exactly these characters (after
 * control characters are made visible), never as markup, HTML, a link or a new table cell.
 */
export function markdownText(text: string, maxLength = Infinity): string {
  const chars = [...printableLine(text)];
  const kept = chars.length > maxLength ? `${chars.slice(0, maxLength).join('')}…` : chars.join('');
  return kept.replace(/[&<>"]/g, (c) => htmlEntities[c]!).replace(markdownPunctuation, '\\$&');
}

const severityLabel: Record<Diagnostic['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
};

function row(d: Diagnostic, maxLength: number): string {
  const where = d.location ? `${markdownText(d.location.file, maxLength)}:${d.location.line}` : '(no file)';
  const cells = [
    severityLabel[d.severity],
    where,
    markdownText(d.checkId, 40),
    markdownText(d.message, maxLength),
  ];
  return `| ${cells.join(' | ')} |`;
}

export function formatMarkdown(report: ValidationReport, options: MarkdownOptions = {}): string {
  const maxRows = Math.max(0, options.maxRows ?? defaults.maxRows);
  const maxLength = Math.max(1, options.maxMessageLength ?? defaults.maxMessageLength);
  const counts = reportCounts(report);
  const out: string[] = ['## packsmith validate', ''];
  const verdict = reportFailed(report) ? '**Failed**' : '**Passed**';
  const strictNote =
    report.strict && counts.errors === 0 && reportFailed(report) ? ' (--strict: warnings fail)' : '';
  out.push(
    `${verdict}: ${markdownText(summarySentence(report))}${strictNote === '' ? '' : markdownText(strictNote)}`,
    '',
  );
  out.push(
    '| Errors | Warnings | Info | Suppressed | Files checked |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${counts.errors} | ${counts.warnings} | ${counts.infos} | ${counts.suppressed} | ${report.files.length} |`,
    '',
  );
  const note = cfnLintNote(report);
  if (note) out.push(`> ${markdownText(note, maxLength)}`, '');
  if (report.diagnostics.length > 0) {
    const shown = report.diagnostics.slice(0, maxRows);
    out.push('| Severity | Location | Check | Message |', '| --- | --- | --- | --- |');
    for (const d of shown) out.push(row(d, maxLength));
    out.push('');
    const more = report.diagnostics.length - shown.length;
    if (more > 0) {
      out.push(`… and ${more} more (run \`packsmith validate\` for every finding).`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
