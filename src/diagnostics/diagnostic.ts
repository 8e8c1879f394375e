/** A problem found in a user's files, located where the user can fix it. */
export type Severity = 'error' | 'warning' | 'info';

export interface SourceLocation {
  /** Path relative to the working directory, always with `/`. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units of the line as the editor shows it. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface Diagnostic {
  /** Stable id of the check that found the problem, e.g. `PS111`. */
  checkId: string;
  severity: Severity;
  message: string;
  /** One line that says what to do. */
  fix?: string;
  location?: SourceLocation;
  /** Rules of other tools (cfn-lint) that found the same defect at the same place, folded into this one. */
  alsoReportedBy?: string[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: by file, line, column, then id, so reports and tests are deterministic. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.column ?? 0;
    const cb = b.location?.column ?? 0;
    if (ca !== cb) return ca - cb;
    if (a.checkId !== b.checkId) return a.checkId < b.checkId ? -1 : 1;
    return severityRank[a.severity] - severityRank[b.severity];
  });
}
