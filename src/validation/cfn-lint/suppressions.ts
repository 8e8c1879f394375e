/**
 * cfn-lint findings that are wrong for conformance packs. cfn-lint checks a template against
 * CloudFormation's rules, but AWS Config deploys conformance packs itself and accepts a few things
 * CloudFormation rejects. Each entry says what it drops and why, so the docs can list the table.
 *
 * Evidence: cfn-lint 1.51 over the 122 AWS sample conformance packs (valid, deployed templates; see
 * awslabs/aws-config-rules, aws-config-conformance-packs/) reports 238 findings:
 * - E3001 `'Controls' was unexpected`: 233 findings in 4 packs (NZISM Foundation 91, NZISM
 *   NZTransition 61, SWIFT CSP 69, NZISM Extension 12): suppressed below.
 * - E3001 `'Description' was unexpected`: 2 findings in custom-conformance-pack.yaml: suppressed below.
 * - W2001 unused parameter: 3 findings in ABS-CCIGv2-Material-Part-1 (the parameters really are
 *   unused: their rules moved to Part 2): right for packs, kept.
 * Informational rules (`--include-checks I`) add nothing on the samples.
 */
import type { CfnLintFinding } from './findings.js';

export interface CfnLintSuppression {
  /** cfn-lint rule id. */
  ruleId: string;
  /** What is dropped, in words (for the docs). */
  when: string;
  /** Why the finding is wrong for a conformance pack. */
  reason: string;
  matches(finding: CfnLintFinding): boolean;
}

/** Bump when the table changes: it is part of the cache key, so cached results are recomputed. */
export const SUPPRESSIONS_VERSION = 1;

/** `Resources.<name>.<attribute>`: an attribute directly on a resource, beside Type and Properties. */
const resourceAttribute =
  (attribute: string) =>
  (finding: CfnLintFinding): boolean => {
    const path = finding.Location.Path;
    return path !== null && path.length === 3 && path[0] === 'Resources' && path[2] === attribute;
  };

export const cfnLintSuppressions: readonly CfnLintSuppression[] = [
  {
    ruleId: 'E3001',
    when: 'a resource-level `Controls` attribute ("Additional properties are not allowed (\'Controls\' was unexpected)")',
    reason:
      'Conformance packs accept a resource-level `Controls` list that maps a rule to compliance controls; ' +
      "AWS's own sample packs use it (NZISM, SWIFT CSP). CloudFormation's resource schema does not know it.",
    matches: (f) => f.Rule.Id === 'E3001' && resourceAttribute('Controls')(f),
  },
  {
    ruleId: 'E3001',
    when: 'a resource-level `Description` attribute ("Additional properties are not allowed (\'Description\' was unexpected)")',
    reason:
      "Conformance packs accept (and ignore) a `Description` beside a rule's `Type`, as in AWS's sample " +
      'custom-conformance-pack.yaml; the description shown in AWS Config is `Properties.Description`.',
    matches: (f) => f.Rule.Id === 'E3001' && resourceAttribute('Description')(f),
  },
];

/** The suppression that drops this finding, if any. */
export function findSuppression(finding: CfnLintFinding): CfnLintSuppression | undefined {
  return cfnLintSuppressions.find((s) => s.matches(finding));
}
