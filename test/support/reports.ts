/** Small hand-made validation reports for the formatter tests. */
import type { SourceLocation } from '../../src/diagnostics/diagnostic.js';
import type { ValidationReport } from '../../src/validation/report.js';

export const at = (file: string, line: number, column: number): SourceLocation => ({ file, line, column });

/** A report over three files with no findings; `over` replaces any field. */
export function report(over: Partial<ValidationReport> = {}): ValidationReport {
  return {
    files: ['packs/a.yaml', 'packs/b.yaml', 'packs/c.yaml'],
    diagnostics: [],
    suppressed: [],
    rules: [],
    tool: { version: '1.2.3', cfnLint: { ran: true, version: '1.51.0' } },
    strict: false,
    ...over,
  };
}
