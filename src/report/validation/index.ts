/** The report formats of `packsmith validate --format`: each a pure function of the report. */
import type { Painter } from '../../util/paint.js';
import type { ValidationReport } from '../../validation/report.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown, type MarkdownOptions } from './markdown.js';
import { formatSarif, type SarifOptions } from './sarif.js';
import { formatText, type TextFormatOptions } from './text.js';

export { formatChecksDoc, checkRuleInfo, checkAnchor, checksDocPath } from '../../validation/checks-doc.js';
export { formatGithub, formatJson, formatJunit, formatMarkdown, formatSarif, formatText };
export type { MarkdownOptions, SarifOptions, TextFormatOptions };

import type { ValidateFormat } from './formats.js';
export { validateFormats, type ValidateFormat } from './formats.js';

/** The report in `format`; every format ends with a newline. `paint` is used by `text` only. */
export function formatReport(
  format: ValidateFormat,
  report: ValidationReport,
  paint: Painter,
  options: TextFormatOptions & SarifOptions & MarkdownOptions = {},
): string {
  switch (format) {
    case 'text':
      return formatText(report, paint, options);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, options);
    case 'junit':
      return formatJunit(report);
    case 'github':
      return formatGithub(report);
    case 'markdown':
      return formatMarkdown(report, options);
  }
}
