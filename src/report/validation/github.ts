/**
 * `packsmith validate --format github`: GitHub Actions workflow commands, which the runner turns
 * into annotations on the pull request's files. One command per reported finding (suppressed ones
 * are only counted), then a plain summary line for the log:
 *
 *   ::error file=packs/a.yaml,line=3,col=5,endLine=3,endColumn=9,title=PS111::message%0AFix: …
 *
 * error → `::error`, warning → `::warning`, info → `::notice`. Values are escaped as the runner
 * (actions/toolkit `command.ts`) expects, so no message can end the command early or start a new
 * one. GitHub shows at most 10 annotations of each level per step; the rest stay in the log.
 */
import { printable, printableLine } from '../../util/text.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ValidationReport } from '../../validation/report.js';
import { cfnLintNote, summarySentence } from './shared.js';

/** Escaping of a command's message (after `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value (`file=…`, `title=…`): the data escapes plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const command: Record<Diagnostic['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

export function githubCommand(d: Diagnostic): string {
  const props: Array<[string, string | number]> = [];
  if (d.location) {
    const { file, line, column, endLine, endColumn } = d.location;
    props.push(['file', file], ['line', line], ['col', column]);
    if (endLine !== undefined) props.push(['endLine', endLine]);
    if (endColumn !== undefined) props.push(['endColumn', endColumn]);
  }
  props.push(['title', d.checkId]);
  // The runner's log shows ANSI sequences: values are sanitised (printable) before escaping.
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(printableLine(String(v)))}`).join(',');
  const message = keepingBreaks(d.fix ? `${d.message}\nFix: ${d.fix}` : d.message);
  return `::${command[d.severity]} ${properties}::${escapeData(message)}`;
}

/** `printable`, keeping CR as well as LF and tab: the runner's escaping carries line breaks. */
function keepingBreaks(text: string): string {
  return text
    .split('\r')
    .map((part) => printable(part))
    .join('\r');
}

export function formatGithub(report: ValidationReport): string {
  const lines = report.diagnostics.map(githubCommand);
  const note = cfnLintNote(report);
  // The summary is a plain log line; escapeData keeps a hostile reason on this one line.
  lines.push(
    `packsmith validate: ${summarySentence(report)}${note ? `; ${escapeData(keepingBreaks(note))}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
