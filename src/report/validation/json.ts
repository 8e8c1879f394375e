/** `packsmith validate --format json`: the report as a document of schemas/output/validate.schema.json. */
import { jsonDocument } from '../json-document.js';
import type { ValidateOutput } from '../schemas/validate.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { reportFailed, type ValidationReport } from '../../validation/report.js';
import { reportCounts } from './shared.js';

/** Only the schema's fields, in a fixed order, whatever else the object carries at run time. */
function plain(d: Diagnostic): Diagnostic {
  const out: Diagnostic = { checkId: d.checkId, severity: d.severity, message: d.message };
  if (d.fix !== undefined) out.fix = d.fix;
  if (d.location) {
    const { file, line, column, endLine, endColumn } = d.location;
    out.location = { file, line, column };
    if (endLine !== undefined) out.location.endLine = endLine;
    if (endColumn !== undefined) out.location.endColumn = endColumn;
  }
  return out;
}

export function formatJson(report: ValidationReport): string {
  const data: Omit<ValidateOutput, 'schemaVersion' | 'kind'> = {
    ok: !reportFailed(report),
    strict: report.strict,
    files: report.files,
    diagnostics: report.diagnostics.map(plain),
    suppressed: report.suppressed.map(({ diagnostic, reason, by }) => ({
      diagnostic: plain(diagnostic),
      reason,
      by,
    })),
    summary: reportCounts(report),
    cfnLint: report.tool.cfnLint.ran
      ? { ran: true, version: report.tool.cfnLint.version }
      : { ran: false, reason: report.tool.cfnLint.reason },
  };
  return jsonDocument('validate', data);
}
