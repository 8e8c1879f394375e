import type { Painter } from '../util/paint.js';
import { printable } from '../util/text.js';
import type { Diagnostic, Severity } from './diagnostic.js';

export { printable };

export function paintSeverity(severity: Severity, paint: Painter): string {
  return severity === 'error'
    ? paint.red('error')
    : severity === 'warning'
      ? paint.yellow('warning')
      : paint.cyan('info');
}

/**
 * The lines of one problem: `<indent><where>  severity  id  message`, then `<indent>    fix: …`.
 * `where` is printed as given (the caller paints it); without it the line starts at the severity.
 * A message of several lines keeps its later lines under the first, indented like the fix, so a
 * problem never produces a line that looks like the start of another.
 */
export function diagnosticLines(
  d: Diagnostic,
  paint: Painter,
  options: { where?: string; indent?: string } = {},
): string[] {
  const indent = options.indent ?? '';
  const [first = '', ...rest] = d.message.split(/\r\n|\r|\n/);
  const also = d.alsoReportedBy?.length ? paint.dim(` (also cfn-lint ${d.alsoReportedBy.join(', ')})`) : '';
  const head = [
    options.where,
    paintSeverity(d.severity, paint),
    paint.dim(d.checkId),
    `${printable(first)}${also}`,
  ];
  const lines = [`${indent}${head.filter((part) => part !== undefined).join('  ')}`];
  for (const line of rest) lines.push(`${indent}    ${printable(line)}`);
  if (d.fix) lines.push(`${indent}    ${paint.dim('fix:')} ${printable(d.fix.replace(/\r\n|\r|\n/g, ' '))}`);
  return lines;
}

/** `file:line:column`, or `(no file)` for a problem of the whole project. */
export function diagnosticWhere(d: Diagnostic): string {
  return d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '(no file)';
}

/**
 * The report for people: one line per problem, `file:line:column  severity  id  message`, and the
 * fix on the next line. Grouped by file in the order given (callers sort first).
 */
export function formatDiagnosticsText(diagnostics: readonly Diagnostic[], paint: Painter): string {
  return diagnostics
    .flatMap((d) => diagnosticLines(d, paint, { where: paint.bold(printable(diagnosticWhere(d))) }))
    .join('\n');
}

export function summarize(diagnostics: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
  infos: number;
} {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    infos: diagnostics.filter((d) => d.severity === 'info').length,
  };
}
