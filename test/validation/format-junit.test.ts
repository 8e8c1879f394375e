import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatJunit, xmlAttr, xmlText } from '../../src/report/validation/junit.js';
import { at, report } from '../support/reports.js';
import { junit10Problems, parseXml, type El } from '../support/xml.js';

const all = (el: El, name: string): El[] =>
  el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);

const errA: Diagnostic = {
  checkId: 'PS111',
  severity: 'error',
  message: 'unknown rule',
  fix: 'Correct it.',
  location: at('packs/a.yaml', 3, 5),
};
const warnA: Diagnostic = {
  checkId: 'W2001',
  severity: 'warning',
  message: 'unused A',
  location: at('packs/a.yaml', 9, 1),
};
const warnB: Diagnostic = {
  checkId: 'W2001',
  severity: 'warning',
  message: 'unused B',
  location: at('packs/b.yaml', 2, 1),
};
const infoB: Diagnostic = {
  checkId: 'PS300',
  severity: 'info',
  message: 'fyi',
  location: at('packs/b.yaml', 4, 1),
};
const general: Diagnostic = { checkId: 'PS001', severity: 'error', message: 'no packs folder' };

const mixed = (strict: boolean) =>
  report({
    strict,
    diagnostics: [general, errA, warnA, warnB, infoB],
    suppressed: [
      { diagnostic: { ...warnB, location: at('packs/c.yaml', 1, 1) }, reason: 'accepted', by: 'config' },
    ],
  });

function cases(xml: string) {
  const root = parseXml(xml);
  const suite = all(root, 'testsuite')[0]!;
  return { root, suite, cases: all(suite, 'testcase') };
}

describe('formatJunit', () => {
  it('writes one suite, one test case per checked file, and one for findings without a file', () => {
    const { root, suite, cases: tcs } = cases(formatJunit(mixed(false)));
    expect(root.name).toBe('testsuites');
    expect(all(root, 'testsuite')).toHaveLength(1);
    expect(suite.attrs.name).toBe('packsmith validate');
    expect(tcs.map((c) => [c.attrs.classname, c.attrs.name])).toEqual([
      ['packs/a.yaml', 'packs/a.yaml'],
      ['packs/b.yaml', 'packs/b.yaml'],
      ['packs/c.yaml', 'packs/c.yaml'],
      ['(no file)', '(no file)'],
    ]);
  });

  it('fails the files with errors; warnings, infos and suppressed findings go to system-out', () => {
    const { root, suite, cases: tcs } = cases(formatJunit(mixed(false)));
    for (const el of [root, suite]) {
      expect(el.attrs).toMatchObject({ tests: '4', failures: '2', errors: '0' });
    }
    expect(suite.attrs.skipped).toBe('0');
    // junit-10.xsd: the attributes <testsuites> may carry (skipped is not one of them).
    const allowed = ['name', 'time', 'tests', 'failures', 'disabled', 'errors'];
    expect(Object.keys(root.attrs).filter((a) => !allowed.includes(a))).toEqual([]);
    const [a, b, c, none] = tcs;
    expect(all(a!, 'failure')).toHaveLength(1);
    const failure = all(a!, 'failure')[0]!;
    expect(failure.attrs.message).toBe('3:5 PS111 unknown rule');
    expect(failure.text).toBe('3:5  error  PS111  unknown rule\n    fix: Correct it.');
    expect(all(a!, 'system-out')[0]!.text).toBe('9:1  warning  W2001  unused A');
    expect(all(b!, 'failure')).toHaveLength(0);
    expect(all(b!, 'system-out')[0]!.text).toBe('2:1  warning  W2001  unused B\n4:1  info  PS300  fyi');
    expect(all(c!, 'system-out')[0]!.text).toBe(
      '1:1  warning  W2001  unused B\n    suppressed by configuration: accepted',
    );
    expect(all(none!, 'failure')[0]!.text).toBe('error  PS001  no packs folder');
    expect(all(suite, 'skipped')).toHaveLength(0);
  });

  it('with strict, warnings fail too, in the one failure of their file', () => {
    const { suite, cases: tcs } = cases(formatJunit(mixed(true)));
    expect(suite.attrs).toMatchObject({ tests: '4', failures: '3' });
    const failure = all(tcs[0]!, 'failure')[0]!;
    expect(failure.attrs.message).toBe('3:5 PS111 unknown rule (and 1 more)');
    expect(failure.text).toContain('9:1  warning  W2001  unused A');
    expect(all(tcs[0]!, 'system-out')).toHaveLength(0);
    expect(all(tcs[1]!, 'failure')[0]!.text).toBe('2:1  warning  W2001  unused B');
    expect(all(tcs[1]!, 'system-out')[0]!.text).toBe('4:1  info  PS300  fyi');
  });

  it('a clean report is one passing test per file', () => {
    const xml = formatJunit(report());
    const { suite, cases: tcs } = cases(xml);
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '0' });
    expect(tcs.every((c) => c.children.length === 0)).toBe(true);
    expect(xml).toContain('<testcase name="packs/c.yaml" classname="packs/c.yaml"/>');
  });

  it('records the versions and why cfn-lint did not run as suite properties', () => {
    const { suite } = cases(
      formatJunit(report({ tool: { version: '9', cfnLint: { ran: false, reason: 'absent & <gone>' } } })),
    );
    const props = Object.fromEntries(all(suite, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toEqual({
      'packsmith.version': '9',
      'cfn-lint': 'cfn-lint did not run: absent & <gone>',
      strict: 'false',
    });
  });

  it('escapes markup and quotes, and replaces characters XML 1.0 cannot carry', () => {
    const file = 'dir with space/a<&"\'>\u0001\u001b\ud800ü🙂.yaml';
    const hostile: Diagnostic = {
      checkId: 'PS111',
      severity: 'error',
      message: 'x ]]> <script>alert("&amp;")</script>\u0000 \'%,:\nsecond line\ttab',
      location: at(file, 1, 1),
    };
    const xml = formatJunit(
      report({
        files: [file],
        diagnostics: [hostile],
        suppressed: [
          { diagnostic: { ...hostile, severity: 'warning' }, reason: 'why <\u0002> & "so"', by: 'inline' },
        ],
      }),
    );
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    const tc = cases(xml).cases[0]!;
    expect(tc.attrs.name).toBe('dir with space/a<&"\'>\ufffd\ufffd\ufffdü🙂.yaml');
    const failure = all(tc, 'failure')[0]!;
    // The attribute keeps the line break and tab (as character references); NUL is replaced.
    expect(failure.attrs.message).toBe(
      '1:1 PS111 x ]]> <script>alert("&amp;")</script>\ufffd \'%,:\nsecond line\ttab',
    );
    // The body is the text line format, which shows control characters as escapes.
    expect(failure.text).toBe(
      '1:1  error  PS111  x ]]> <script>alert("&amp;")</script>\\x00 \'%,:\n    second line\ttab',
    );
    expect(all(tc, 'system-out')[0]!.text).toContain('suppressed by inline marker: why <\ufffd> & "so"');
  });

  it('the checker above rejects what is not well-formed', () => {
    const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${decl}<a>x & y</a>`)).toThrow(/bare &/);
    expect(() => parseXml(`${decl}<a b="<"/>`)).toThrow(/not well-formed/);
    expect(() => parseXml(`${decl}<a><b></a></b>`)).toThrow(/closes/);
    expect(() => parseXml(`${decl}<a>\u0001</a>`)).toThrow(/not allowed/);
    expect(() => parseXml(`${decl}<a/><b/>`)).toThrow(/one root/);
    expect(parseXml(`${decl}<a b="&quot;&#10;">&lt;&#x1F642;</a>`)).toMatchObject({
      attrs: { b: '"\n' },
      text: '<🙂',
    });
  });

  it('escapers cover text and attribute contexts', () => {
    expect(xmlText('a<b>&c\r')).toBe('a&lt;b&gt;&amp;c&#13;');
    expect(xmlAttr('"x"\n\t\u0007')).toBe('&quot;x&quot;&#10;&#9;\ufffd');
  });

  it('passes junit-10.xsd (as its rules are checked here), strict or not, with or without files', () => {
    for (const xml of [
      formatJunit(mixed(false)),
      formatJunit(mixed(true)),
      formatJunit(report({ files: [], diagnostics: [], suppressed: [] })),
    ]) {
      expect(junit10Problems(xml)).toEqual([]);
    }
    // The checker rejects what the XSD rejects: skipped on <testsuites> (what packsmith wrote before).
    const before = formatJunit(mixed(false)).replace(
      '<testsuites name="packsmith"',
      '<testsuites name="packsmith" skipped="0"',
    );
    expect(junit10Problems(before)).toEqual(['<testsuites> skipped=']);
  });
});
