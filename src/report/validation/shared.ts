/** What several report formats need: counts, the summary sentence, findings grouped by file. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { summarize } from '../../diagnostics/format-text.js';
import type { ValidationReport } from '../../validation/report.js';

export interface ReportCounts {
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
}

export function reportCounts(report: ValidationReport): ReportCounts {
  return { ...summarize(report.diagnostics), suppressed: report.suppressed.length };
}

/** `1 error`, `2 errors`; `info` does not take an s. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

/**
 * The last line of the text and GitHub formats: `2 errors, 1 warning, 0 suppressed in 3 files`
 * (infos only when there are some), or `3 files checked: no problems` (+ ` (1 suppressed)`).
 * `M files` counts the files checked, the same number in both forms.
 */
export function summarySentence(report: ValidationReport): string {
  const c = reportCounts(report);
  const files = plural(report.files.length, 'file');
  if (report.diagnostics.length === 0) {
    return `${files} checked: no problems${c.suppressed ? ` (${c.suppressed} suppressed)` : ''}`;
  }
  const parts = [plural(c.errors, 'error'), plural(c.warnings, 'warning')];
  if (c.infos) parts.push(plural(c.infos, 'info'));
  parts.push(`${c.suppressed} suppressed`);
  return `${parts.join(', ')} in ${files}`;
}

/** `cfn-lint did not run: <reason>` when it did not, else undefined. */
export function cfnLintNote(report: ValidationReport): string | undefined {
  const status = report.tool.cfnLint;
  return status.ran ? undefined : `cfn-lint did not run: ${status.reason}`;
}

export interface FileGroup<T> {
  /** Undefined for findings without a location. */
  file: string | undefined;
  items: T[];
}

/**
 * Items grouped by the file of their diagnostic: the files of `report.files` in that order, then
 * files only named by findings in the order they first appear, then the findings without a
 * location. `allFiles` also yields the checked files that have no finding (JUnit: one test each).
 */
export function groupByFile<T>(
  files: readonly string[],
  items: readonly T[],
  diagnosticOf: (item: T) => Diagnostic,
  allFiles = false,
): Array<FileGroup<T>> {
  const byFile = new Map<string, T[]>();
  for (const file of files) byFile.set(file, []);
  const unlocated: T[] = [];
  for (const item of items) {
    const file = diagnosticOf(item).location?.file;
    if (file === undefined) {
      unlocated.push(item);
      continue;
    }
    const list = byFile.get(file);
    if (list) list.push(item);
    else byFile.set(file, [item]);
  }
  const groups: Array<FileGroup<T>> = [];
  for (const [file, list] of byFile) if (allFiles || list.length) groups.push({ file, items: list });
  if (unlocated.length) groups.push({ file: undefined, items: unlocated });
  return groups;
}
