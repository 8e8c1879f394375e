import type { Severity } from './diagnostic.js';

/**
 * What every check declares about itself. The docs page (docs/checks.md) is generated from these,
 * SARIF rule metadata too, so a check's id, severity and doc live in exactly one place.
 */
export interface CheckMeta {
  /** Stable id, `PS` + three digits; never reused. */
  id: string;
  /** Short kebab-case name. */
  name: string;
  /** Default severity; a repository may change it. */
  severity: Severity;
  /** One sentence: what the check finds. */
  summary: string;
  /** Why it matters: what AWS does with such a template. */
  rationale: string;
  /** The one-line fix shown with each finding. */
  fix: string;
  /**
   * cfn-lint rules that find the same defect: a cfn-lint finding of one of them on the line where
   * this check reports is folded into this check's finding (listed in its `alsoReportedBy`).
   */
  sameAs?: readonly string[];
}
