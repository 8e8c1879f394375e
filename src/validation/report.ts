/**
 * The result of `packsmith validate`: what every output format (text, json, sarif, junit, github, markdown)
 * renders. Formatters are pure functions of this report.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** Metadata of a rule that produced findings: a packsmith check or a cfn-lint rule. */
export interface RuleInfo {
  id: string;
  /** Short kebab-case or cfn-lint name. */
  name: string;
  /** One sentence: what it finds. */
  summary: string;
  /** Longer help: why it matters and how to fix it (Markdown allowed). */
  help: string;
  /** The one-line fix, when the rule has one (packsmith checks: `CheckMeta.fix`); shown apart from `help`. */
  fix?: string;
  /** Default severity. */
  severity: Diagnostic['severity'];
  /** Documentation page, relative to the repository root for packsmith checks (docs/checks.md#id). */
  helpUri?: string;
  /** `packsmith` for own checks, `cfn-lint` for cfn-lint's. */
  source: 'packsmith' | 'cfn-lint';
}

export type { SuppressedFinding } from '../diagnostics/pipeline.js';
import type { SuppressedFinding } from '../diagnostics/pipeline.js';

export interface ValidationReport {
  /** Every file examined, relative with `/`, sorted. */
  files: string[];
  /** Findings after severity overrides, without suppressed ones, sorted. */
  diagnostics: Diagnostic[];
  suppressed: SuppressedFinding[];
  /** Metadata of every rule that can appear in `diagnostics` (at least those that do). */
  rules: RuleInfo[];
  tool: {
    version: string;
    /** cfn-lint's version when it ran; a reason when it did not. */
    cfnLint: { ran: true; version: string } | { ran: false; reason: string };
    /** cfn-guard's version when it parsed Guard policies; a reason when it did (or could) not. */
    cfnGuard?: { ran: true; version: string } | { ran: false; reason: string; missing?: boolean };
  };
  /** Whether warnings fail the run (`--strict`). */
  strict: boolean;
  /**
   * The file that stands for the whole project (e.g. the configuration file), relative with `/`.
   * SARIF anchors findings without a location there (GitHub code scanning rejects a whole upload
   * when one result has no location); when absent, the first of `files`.
   */
  projectFile?: string;
}

/** Exit status of a report: 1 with errors (or warnings when strict), else 0. */
export function reportFailed(report: ValidationReport): boolean {
  return report.diagnostics.some(
    (d) => d.severity === 'error' || (report.strict && d.severity === 'warning'),
  );
}
