import type { Painter } from '../cli/terminal.js';
import type { Diagnostic } from './diagnostic.js';

/**
 * The report for people: one line per problem, `file:line:column  severity  id  message`, and the
 * fix on the next line. Grouped by file in the order given (callers sort first).
 */
export function formatDiagnosticsText(diagnostics: readonly Diagnostic[], paint: Painter): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '(no file)';
    const severity =
      d.severity === 'error'
        ? paint.red('error')
        : d.severity === 'warning'
          ? paint.yellow('warning')
          : paint.cyan('info');
    lines.push(`${paint.bold(where)}  ${severity}  ${paint.dim(d.checkId)}  ${d.message}`);
    if (d.fix) lines.push(`    ${paint.dim('fix:')} ${d.fix}`);
  }
  return lines.join('\n');
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
