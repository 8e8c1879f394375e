/**
 * docs/checks.md: every packsmith check (from its metadata) and the cfn-lint findings packsmith
 * drops for conformance packs, with the reason (from the suppression table).
 */
import { markdownText } from '../generator/render.js';
import { cfnLintSuppressions } from './cfn-lint/suppressions.js';
import { checkRuleInfo, formatChecksDoc } from './checks-doc.js';
import { allChecks } from './registry.js';

export function checksPage(): string {
  const suppressions = [
    '## cfn-lint findings packsmith drops',
    '',
    'cfn-lint checks templates against CloudFormation, which rejects a few things AWS Config accepts in',
    'conformance packs. These findings are dropped (and counted as suppressed in every report):',
    '',
    '| cfn-lint rule | Dropped finding | Why |',
    '| --- | --- | --- |',
    ...cfnLintSuppressions.map(
      (s) => `| ${s.ruleId} | ${markdownText(s.when)} | ${markdownText(s.reason)} |`,
    ),
    '',
  ].join('\n');
  return `${formatChecksDoc(allChecks().map(checkRuleInfo)).trimEnd()}\n\n${suppressions}`;
}
