/**
 * Pure mapping from cfn-lint findings to packsmith diagnostics and rule metadata. The result for one
 * template does not depend on its file name (the cache stores it without one; `attachFile` puts the
 * current display path back).
 */
import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';
import type { RuleInfo } from '../report.js';
import type { CfnLintFinding } from './findings.js';
import { findSuppression } from './suppressions.js';

/** Bump when the mapping changes (hints, positions, messages): it is part of the cache key. */
export const MAPPING_VERSION = 1;

/** A diagnostic without its file: what the cache stores. */
export interface FileFreeDiagnostic {
  checkId: string;
  severity: Severity;
  message: string;
  fix?: string;
  location: { line: number; column: number; endLine?: number; endColumn?: number };
}

/** Everything cfn-lint said about one template, mapped and split by the suppression table. */
export interface TemplateFindings {
  diagnostics: FileFreeDiagnostic[];
  suppressed: Array<{ diagnostic: FileFreeDiagnostic; reason: string }>;
  rules: RuleInfo[];
}

/** What to do about the rules conformance-pack authors meet most; other rules get no hint. */
const hints: Record<string, string> = {
  E0000: 'Fix the YAML or JSON syntax at this position.',
  E1001: 'Fix the top-level sections: a template needs `Resources`, and only known sections are allowed.',
  E1020: 'Define the referenced parameter or resource, or fix the name in the `Ref`.',
  E3001: "Fix the resource's attributes: it needs a `Type`, and its settings go under `Properties`.",
  E3002: "Remove the property or fix its spelling; see the resource type's documentation for valid names.",
  E3003: 'Add the required property.',
  E3012: 'Give the property a value of the type the resource type expects.',
  W2001: 'Use the parameter (`Ref` it) or remove it.',
};

export function severityOfLevel(level: string): Severity {
  switch (level) {
    case 'Error':
      return 'error';
    case 'Warning':
      return 'warning';
    case 'Informational':
      return 'info';
    default:
      // An unknown level is safer reported than hidden.
      return 'error';
  }
}

/** Default severity of a rule from its id's letter (E/W/I), falling back to the finding's level. */
function severityOfRule(id: string, level: string): Severity {
  if (id.startsWith('E')) return 'error';
  if (id.startsWith('W')) return 'warning';
  if (id.startsWith('I')) return 'info';
  return severityOfLevel(level);
}

/** One line: cfn-lint messages sometimes span lines (e.g. listing allowed values). */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

const atLeastOne = (n: number): number => (Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1);

/** Maps one finding (without its file); positions are clamped to 1-based values. */
export function mapFinding(finding: CfnLintFinding): FileFreeDiagnostic {
  const { Start, End } = finding.Location;
  const line = atLeastOne(Start.LineNumber);
  const column = atLeastOne(Start.ColumnNumber);
  const location: FileFreeDiagnostic['location'] = { line, column };
  if (End) {
    const endLine = atLeastOne(End.LineNumber);
    const endColumn = atLeastOne(End.ColumnNumber);
    if (endLine > line || (endLine === line && endColumn >= column)) {
      location.endLine = endLine;
      location.endColumn = endColumn;
    }
  }
  const diagnostic: FileFreeDiagnostic = {
    checkId: finding.Rule.Id,
    severity: severityOfLevel(finding.Level),
    message: oneLine(finding.Message) || oneLine(finding.Rule.ShortDescription ?? finding.Rule.Id),
    location,
  };
  const fix = hints[finding.Rule.Id];
  if (fix) diagnostic.fix = fix;
  return diagnostic;
}

/** Rule metadata from a finding's `Rule` block. */
export function ruleInfoOf(finding: CfnLintFinding): RuleInfo {
  const { Id, ShortDescription, Description, Source } = finding.Rule;
  const name = oneLine(ShortDescription ?? Id);
  const summary = oneLine(Description ?? ShortDescription ?? `cfn-lint rule ${Id}`);
  const hint = hints[Id];
  const help =
    (hint ? `${hint} ` : '') +
    `Reported by cfn-lint rule ${Id} (${name})` +
    (Source ? `; see ${Source}.` : '.');
  const info: RuleInfo = {
    id: Id,
    name,
    summary,
    help,
    severity: severityOfRule(Id, finding.Level),
    source: 'cfn-lint',
  };
  if (Source) info.helpUri = Source;
  return info;
}

/** Maps all findings of one template, drops the documented suppressions and collects rule metadata. */
export function mapTemplateFindings(findings: readonly CfnLintFinding[]): TemplateFindings {
  const result: TemplateFindings = { diagnostics: [], suppressed: [], rules: [] };
  const rules = new Map<string, RuleInfo>();
  for (const finding of findings) {
    const diagnostic = mapFinding(finding);
    const suppression = findSuppression(finding);
    if (suppression) result.suppressed.push({ diagnostic, reason: suppression.reason });
    else result.diagnostics.push(diagnostic);
    if (!rules.has(finding.Rule.Id)) rules.set(finding.Rule.Id, ruleInfoOf(finding));
  }
  result.rules = [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return result;
}

/** Puts the display path back on a file-free diagnostic. */
export function attachFile(diagnostic: FileFreeDiagnostic, file: string): Diagnostic {
  return { ...diagnostic, location: { file, ...diagnostic.location } };
}
