/**
 * `packsmith test --format junit`: one test case per Guard test case (classname: the rule, name: the
 * case), a failure for a wrong verdict or an evaluation that failed. Within the common junit XSD
 * (junit-10.xsd): `skipped` only on <testsuite>.
 */
import type { GuardCaseResult } from '../validation/guard/test-cases.js';
import { xmlAttr, xmlText } from './validation/junit.js';

export function formatGuardTestsJunit(cases: readonly GuardCaseResult[], cfnGuardVersion: string): string {
  const failures = cases.filter((c) => !c.ok).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  const body = cases.map((c) => {
    const open = `    <testcase name="${xmlAttr(c.case)}" classname="${xmlAttr(c.rule)}"`;
    if (c.ok) return `${open}/>`;
    const at = `${c.location.file}:${c.location.line}:${c.location.column}`;
    const message = c.error ?? `expected ${c.expected}, got ${c.actual}`;
    return [
      `${open}>`,
      `      <failure message="${xmlAttr(message)}" type="${c.error ? 'evaluation' : 'verdict'}">${xmlText(`${at}  ${message}`)}</failure>`,
      '    </testcase>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="packsmith" ${counts}>`,
    `  <testsuite name="packsmith test" ${counts} skipped="0">`,
    '    <properties>',
    `      <property name="cfn-guard" value="${xmlAttr(cfnGuardVersion)}"/>`,
    '    </properties>',
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
