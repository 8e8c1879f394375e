import { describe, expect, it } from 'vitest';
import { authoringChecks } from '../../src/authoring/problems.js';
import {
  checkAnchor,
  checkRuleInfo,
  compareRuleIds,
  formatChecksDoc,
} from '../../src/validation/checks-doc.js';
import type { RuleInfo } from '../../src/validation/report.js';

/** The anchor GitHub gives a heading: lower case, punctuation other than `-`/`_` removed, spaces → `-`. */
const githubSlug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const rule = (over: Partial<RuleInfo> & { id: string }): RuleInfo => ({
  name: 'a-name',
  summary: 'Finds a thing.',
  help: 'Why it matters.',
  severity: 'error',
  source: 'packsmith',
  ...over,
});

describe('formatChecksDoc', () => {
  it('gives every check a heading whose GitHub anchor is its lower-case id', () => {
    const checks = Object.values(authoringChecks).map(checkRuleInfo);
    const doc = formatChecksDoc(checks);
    const headings = doc
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headings.sort()).toEqual(checks.map((c) => c.id).sort());
    for (const c of checks) {
      expect(githubSlug(c.id)).toBe(checkAnchor(c.id));
      expect(c.helpUri).toBe(`docs/checks.md#${githubSlug(c.id)}`);
      expect(doc).toContain(`| [${c.id}](#${checkAnchor(c.id)}) |`);
    }
    expect(checkAnchor('PS111')).toBe('ps111');
  });

  it('writes name, default severity, summary, rationale and fix under each heading', () => {
    const doc = formatChecksDoc([checkRuleInfo(authoringChecks['unknown-managed-rule'])]);
    const section = doc.slice(doc.indexOf('## PS111'));
    expect(section).toBe(
      [
        '## PS111',
        '',
        '**unknown-managed-rule** · default severity: **error**',
        '',
        'The managed rule identifier is not in the catalog.',
        '',
        'AWS rejects a conformance pack whose rule names an unknown SourceIdentifier, at deploy time.',
        '',
        '**Fix:** Correct the identifier, or declare a newer rule in a catalog extension file (docs/catalog.md).',
        '',
      ].join('\n'),
    );
    expect(doc.startsWith('# Checks\n')).toBe(true);
  });

  it('orders checks by id number, not as strings or as given', () => {
    const doc = formatChecksDoc([
      rule({ id: 'PS100' }),
      rule({ id: 'PS99' }),
      rule({ id: 'E3002' }),
      rule({ id: 'PS1000' }),
    ]);
    const order = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(order).toEqual(['E3002', 'PS99', 'PS100', 'PS1000']);
    expect(compareRuleIds('PS2', 'PS10')).toBeLessThan(0);
  });

  it('keeps table rows one line and escapes pipes; marks cfn-lint rules and links their docs', () => {
    const doc = formatChecksDoc([
      rule({ id: 'PS200', name: 'pipe', summary: 'A | B\nand more' }),
      rule({
        id: 'W2001',
        source: 'cfn-lint',
        helpUri: 'https://example.com/rules#W2001',
        severity: 'warning',
      }),
    ]);
    expect(doc).toContain('| [PS200](#ps200) | `pipe` | error | A \\| B and more |');
    expect(doc).toContain('**a-name** · default severity: **warning** · from cfn-lint');
    expect(doc).toContain('More: <https://example.com/rules#W2001>');
    // A relative helpUri (packsmith's own page) is not repeated as a link.
    expect(formatChecksDoc([checkRuleInfo(authoringChecks.schema)])).not.toContain('More:');
    expect(doc.endsWith('\n')).toBe(true);
    expect(doc.endsWith('\n\n')).toBe(false);
  });
});
