import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/report/validation/github.js';
import type { ValidationReport } from '../../src/validation/report.js';
import { report as baseReport } from '../support/reports.js';

/**
 * How the Actions runner reads a workflow command (ActionCommand.TryParseV2): `::name props::data`,
 * the command ends at the first `::` after the name, properties split on `,` then the first `=`,
 * and values unescaped with `%25` last.
 */
function parseCommand(
  line: string,
): { name: string; props: Record<string, string>; data: string } | undefined {
  if (!line.startsWith('::')) return undefined;
  const end = line.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = line.slice(2, end);
  const space = head.indexOf(' ');
  const name = space < 0 ? head : head.slice(0, space);
  const props: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      props[pair.slice(0, eq)] = pair
        .slice(eq + 1)
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%3A/g, ':')
        .replace(/%2C/g, ',')
        .replace(/%25/g, '%');
    }
  }
  const data = line
    .slice(end + 2)
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%');
  return { name, props, data };
}

const at = (file: string, line: number, column: number, end?: { endLine?: number; endColumn?: number }) => ({
  file,
  line,
  column,
  ...end,
});

const report = (over: Partial<ValidationReport> = {}): ValidationReport =>
  baseReport({ files: ['packs/a.yaml', 'packs/b.yaml'], ...over });

const err: Diagnostic = {
  checkId: 'PS111',
  severity: 'error',
  message: 'unknown rule',
  fix: 'Correct it.',
  location: at('packs/a.yaml', 3, 5, { endLine: 3, endColumn: 12 }),
};
const warn: Diagnostic = {
  checkId: 'W2001',
  severity: 'warning',
  message: 'unused',
  location: at('packs/b.yaml', 9, 1),
};
const info: Diagnostic = {
  checkId: 'PS300',
  severity: 'info',
  message: 'fyi',
  location: at('packs/b.yaml', 10, 2),
};
const general: Diagnostic = { checkId: 'PS001', severity: 'error', message: 'no packs folder' };

describe('formatGithub', () => {
  it('writes one command per finding (error, warning, notice) and a summary line', () => {
    expect(formatGithub(report({ diagnostics: [general, err, warn, info] })).split('\n')).toEqual([
      '::error title=PS001::no packs folder',
      '::error file=packs/a.yaml,line=3,col=5,endLine=3,endColumn=12,title=PS111::unknown rule%0AFix: Correct it.',
      '::warning file=packs/b.yaml,line=9,col=1,title=W2001::unused',
      '::notice file=packs/b.yaml,line=10,col=2,title=PS300::fyi',
      'packsmith validate: 2 errors, 1 warning, 1 info, 0 suppressed in 2 files',
      '',
    ]);
  });

  it('does not annotate suppressed findings, but counts them; says when cfn-lint did not run', () => {
    const text = formatGithub(
      report({
        suppressed: [{ diagnostic: err, reason: 'ok', by: 'config' }],
        tool: { version: '1', cfnLint: { ran: false, reason: 'not found\n::error::injected' } },
      }),
    );
    expect(text).toBe(
      'packsmith validate: 2 files checked: no problems (1 suppressed); cfn-lint did not run: not found%0A::error::injected\n',
    );
  });

  it('escapes so that hostile messages and paths round-trip and cannot start another command', () => {
    const message = 'bad "q" 100% <x> & a,b:c\r\nline two\n::error::fake\n%0A literal';
    const file = 'dir with space/a,b:c%25ü🙂.yaml';
    const hostile: Diagnostic = {
      checkId: 'PS111',
      severity: 'warning',
      message,
      fix: 'do: this, then that',
      location: at(file, 1, 2),
    };
    const text = formatGithub(report({ diagnostics: [hostile, { ...hostile, location: undefined }] }));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const parsed = parseCommand(lines[0]!)!;
    expect(parsed).toEqual({
      name: 'warning',
      props: { file, line: '1', col: '2', title: 'PS111' },
      data: `${message}\nFix: do: this, then that`,
    });
    expect(parseCommand(lines[1]!)!.props).toEqual({ title: 'PS111' });
    expect(lines[2]!.startsWith('packsmith validate:')).toBe(true);
  });

  it('escapes data and properties as the runner expects', () => {
    expect(escapeData('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac:d,e');
    expect(escapeProperty('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac%3Ad%2Ce');
    // %25 first, so an escape sequence already in the text survives.
    expect(escapeData('%0A')).toBe('%250A');
  });
});
