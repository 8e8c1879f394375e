import type { Painter } from '../cli/terminal.js';
import type { Diagnostic, Severity } from './diagnostic.js';

/**
 * Text that is safe to print on one terminal line: C0/C1 control characters (except tab), DEL and
 * the bidirectional overrides that can make a line read differently than it is ("Trojan Source")
 * are shown as `\xNN` / `\uNNNN`. Newlines are the caller's business (see `diagnosticLines`).
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

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
