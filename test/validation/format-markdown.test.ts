import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatMarkdown, markdownText } from '../../src/report/validation/markdown.js';
import { printableLine } from '../../src/util/text.js';
import { at, report } from '../support/reports.js';

/** The cells of a GFM table row: split on `|` not escaped by a backslash, outer pipes dropped. */
function cells(row: string): string[] {
  expect(row.startsWith('| ') && row.endsWith(' |'), row).toBe(true);
  const parts: string[] = [];
  let current = '';
  for (let i = 1; i < row.length - 1; i++) {
    const c = row[i]!;
    if (c === '\\') {
      current += c + (row[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

/** What a Markdown renderer shows for text that has only escapes and entities in it. */
function rendered(cell: string): string {
  return cell
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Markup that would act on the page: HTML tags, code spans, emphasis, links, a line break. */
function activeMarkup(cell: string): string[] {
  const bare = cell.replace(/\\[!-/:-@[-`{-~]/g, '');
  return [...bare.matchAll(/[<>`*_[\]|~\n\r]/g)].map((m) => m[0]);
}

const hostile: Diagnostic = {
  checkId: 'E3012|x',
  severity: 'error',
  message:
    'bad | value `rm -rf` <script>alert(1)</script> **bold** [link](https://evil.example) ![img](x) ' +
    '&lt;entity&gt; @someone ~~struck~~ line\nbreak\r\n| --- | injected row |',
  location: at('packs/we|ird `name` <b>.yaml', 12, 3),
};

describe('markdown summary', () => {
  it('counts by severity and says whether validation passed', () => {
    const out = formatMarkdown(report());
    expect(rendered(out)).toContain('**Passed**: 3 files checked: no problems');
    expect(out).toContain('| 0 | 0 | 0 | 0 | 3 |');
    expect(out).not.toContain('| Severity |');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('lists the findings with file:line, check id and message', () => {
    const out = formatMarkdown(
      report({
        diagnostics: [
          {
            checkId: 'PS111',
            severity: 'error',
            message: 'unknown rule',
            location: at('packs/a.yaml', 3, 5),
          },
          { checkId: 'W2001', severity: 'warning', message: 'unused parameter' },
        ],
      }),
    );
    expect(out).toContain('**Failed**');
    expect(out).toContain('| 1 | 1 | 0 | 0 | 3 |');
    const rows = out.split('\n').filter((l) => l.startsWith('| error') || l.startsWith('| warning'));
    expect(rows.map(cells)).toEqual([
      ['error', 'packs/a\\.yaml:3', 'PS111', 'unknown rule'],
      ['warning', '(no file)', 'W2001', 'unused parameter'],
    ]);
  });

  it('shows hostile text as text: one row of four cells, no markup, every character kept', () => {
    const out = formatMarkdown(report({ diagnostics: [hostile] }));
    const rows = out.split('\n').filter((l) => l.startsWith('| error'));
    expect(rows).toHaveLength(1);
    const [severity, where, id, message] = cells(rows[0]!);
    expect(cells(rows[0]!)).toHaveLength(4);
    expect(severity).toBe('error');
    for (const cell of [where!, id!, message!]) expect(activeMarkup(cell), cell).toEqual([]);
    expect(rendered(where!)).toBe(`${hostile.location!.file}:12`);
    expect(rendered(id!)).toBe('E3012|x');
    expect(rendered(message!)).toBe(printableLine(hostile.message));
    expect(out).not.toMatch(/<script|<b>/);
  });

  it('escapes every Markdown and HTML character', () => {
    const all = '\\`*_{}[]()#+-.!|~@:<>&"';
    expect(rendered(markdownText(all))).toBe(all);
    expect(activeMarkup(markdownText(all))).toEqual([]);
  });

  it('caps the table and the cells, counting what is left out', () => {
    const many: Diagnostic[] = Array.from({ length: 7 }, (_, i) => ({
      checkId: 'PS111',
      severity: 'warning',
      message: `finding ${i} ${'x'.repeat(50)}`,
      location: at('packs/a.yaml', i + 1, 1),
    }));
    const out = formatMarkdown(report({ diagnostics: many }), { maxRows: 5, maxMessageLength: 20 });
    const rows = out.split('\n').filter((l) => l.startsWith('| warning'));
    expect(rows).toHaveLength(5);
    expect(rendered(cells(rows[0]!)[3]!)).toBe(`finding 0 ${'x'.repeat(10)}…`);
    expect(out).toContain('and 2 more');
    // The default cap keeps a large report far below GitHub's 1 MiB step-summary limit.
    const huge = Array.from({ length: 5000 }, () => ({ ...hostile }));
    const big = formatMarkdown(report({ diagnostics: huge }));
    expect(Buffer.byteLength(big)).toBeLessThan(200_000);
    expect(big).toContain('and 4900 more');
  });

  it('notes that cfn-lint did not run, escaped', () => {
    const out = formatMarkdown(
      report({ tool: { version: '1.2.3', cfnLint: { ran: false, reason: 'not installed <b>|</b>' } } }),
    );
    const note = out.split('\n').find((l) => l.startsWith('> '))!;
    expect(rendered(note.slice(2))).toBe('cfn-lint did not run: not installed <b>|</b>');
    expect(activeMarkup(note.slice(2))).toEqual([]);
  });
});
