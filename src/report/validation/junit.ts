/**
 * `packsmith validate --format junit`: JUnit XML for CI test reports (GitLab `artifacts:reports:junit`,
 * Jenkins `junit`, Azure DevOps `PublishTestResults`).
 *
 * One `<testsuite name="packsmith validate">` with one `<testcase>` per checked file
 * (`classname` and `name` = the file), plus one `(no file)` case when findings have no location.
 * - A file with errors (and, with `report.strict`, warnings) has ONE `<failure>`: `message` is its
 *   first failing finding (+ how many more), the body lists all of them with their fixes. One
 *   element, because Jenkins and GitLab show only the first `<failure>` of a test case.
 * - Warnings that do not fail the run, infos, and suppressed findings go to the case's
 *   `<system-out>`, and the case passes. Not `<skipped>`: the file WAS checked, and all three CI
 *   systems count and show skipped tests as "not run", which would misreport a clean-but-warned
 *   file; `<system-out>` is shown with the test case by GitLab ("System output"), Jenkins
 *   ("Standard Output") and Azure DevOps (the result's attachments/console), and keeps the pass
 *   and fail counts equal to the exit status.
 * Text is XML 1.0-escaped; characters XML 1.0 cannot carry (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) are replaced by U+FFFD. Deterministic: no timestamps or durations.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diagnosticLines } from '../../diagnostics/format-text.js';
import { painter } from '../../util/paint.js';
import type { SuppressedFinding, ValidationReport } from '../../validation/report.js';
import { cfnLintNote, groupByFile } from './shared.js';

const plain = painter(false);
const suiteName = 'packsmith validate';
const noFile = '(no file)';

/** Replaces what XML 1.0 forbids: everything outside #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
export function xmlChars(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
}

export function xmlText(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** For a double-quoted attribute; tabs and line breaks as character references so parsers keep them. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function where(d: Diagnostic): string | undefined {
  return d.location ? `${d.location.line}:${d.location.column}` : undefined;
}

function findingText(d: Diagnostic): string {
  return diagnosticLines(d, plain, { where: where(d) }).join('\n');
}

function suppressedText(s: SuppressedFinding): string {
  const by = s.by === 'inline' ? 'inline marker' : 'configuration';
  return `${findingText(s.diagnostic)}\n    suppressed by ${by}: ${s.reason}`;
}

export function formatJunit(report: ValidationReport): string {
  const fails = (d: Diagnostic) => d.severity === 'error' || (report.strict && d.severity === 'warning');
  const suppressedBy = new Map(
    groupByFile(report.files, report.suppressed, (s) => s.diagnostic).map((g) => [g.file ?? null, g.items]),
  );
  const groups = groupByFile(report.files, report.diagnostics, (d) => d, true);
  // A file whose only findings were suppressed still gets its case (with the suppressed list).
  for (const key of suppressedBy.keys()) {
    if (!groups.some((g) => (g.file ?? null) === key)) groups.push({ file: key ?? undefined, items: [] });
  }

  const cases: string[] = [];
  let failures = 0;
  for (const group of groups) {
    const name = group.file ?? noFile;
    const failing = group.items.filter(fails);
    const other = group.items.filter((d) => !fails(d));
    const suppressed = suppressedBy.get(group.file ?? null) ?? [];
    const body: string[] = [];
    const [first] = failing;
    if (first) {
      failures++;
      const more = failing.length > 1 ? ` (and ${failing.length - 1} more)` : '';
      const message = `${where(first) ?? ''} ${first.checkId} ${first.message}`.trim() + more;
      body.push(
        `      <failure message="${xmlAttr(message)}" type="${xmlAttr(first.checkId)}">${xmlText(failing.map(findingText).join('\n'))}</failure>`,
      );
    }
    const out = [...other.map(findingText), ...suppressed.map(suppressedText)];
    if (out.length) body.push(`      <system-out>${xmlText(out.join('\n'))}</system-out>`);
    const open = `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(name)}"`;
    cases.push(body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`);
  }

  // The common junit XSD (Jenkins junit-10.xsd, which GitLab and Azure DevOps also read) allows
  // `skipped` on <testsuite> but not on <testsuites>: name, time, tests, failures, disabled, errors.
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  const properties = [`      <property name="packsmith.version" value="${xmlAttr(report.tool.version)}"/>`];
  const status = report.tool.cfnLint;
  properties.push(
    `      <property name="cfn-lint" value="${xmlAttr(status.ran ? status.version : (cfnLintNote(report) ?? ''))}"/>`,
  );
  properties.push(`      <property name="strict" value="${report.strict}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="packsmith" ${counts}>`,
    `  <testsuite name="${suiteName}" ${counts} skipped="0">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
