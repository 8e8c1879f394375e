import { describe, expect, it } from 'vitest';
import { painter } from '../../src/cli/terminal.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../src/diagnostics/format-text.js';
import { formatText } from '../../src/report/validation/text.js';
import { at, report } from '../support/reports.js';

const plain = painter(false);
const color = painter(true);

const err: Diagnostic = {
  checkId: 'PS111',
  severity: 'error',
  message: 'unknown managed rule "S3_NOPE"',
  fix: 'Correct the identifier.',
  location: at('packs/a.yaml', 3, 5),
};
const warn: Diagnostic = {
  checkId: 'W2001',
  severity: 'warning',
  message: 'unused',
  location: at('packs/a.yaml', 9, 1),
};
const info: Diagnostic = {
  checkId: 'PS300',
  severity: 'info',
  message: 'fyi',
  location: at('packs/c.yaml', 1, 1),
};
const general: Diagnostic = { checkId: 'PS001', severity: 'error', message: 'no packs folder' };

describe('formatText', () => {
  it('groups findings under a header per file, fix below, then the summary', () => {
    const text = formatText(report({ diagnostics: [general, err, warn, info] }), plain);
    expect(text).toBe(
      [
        'packs/a.yaml',
        '  3:5  error  PS111  unknown managed rule "S3_NOPE"',
        '      fix: Correct the identifier.',
        '  9:1  warning  W2001  unused',
        '',
        'packs/c.yaml',
        '  1:1  info  PS300  fyi',
        '',
        '(no file)',
        '  error  PS001  no packs folder',
        '',
        '2 errors, 1 warning, 1 info, 0 suppressed in 3 files',
        '',
      ].join('\n'),
    );
  });

  it('orders files as the report lists them, then files only findings name', () => {
    const other = { ...warn, location: at('extra/z.yaml', 2, 2) };
    const c = { ...info, severity: 'warning' as const };
    const text = formatText(
      report({ files: ['packs/c.yaml', 'packs/a.yaml'], diagnostics: [err, other, c] }),
      plain,
    );
    const headers = text.split('\n').filter((l) => l && !l.startsWith(' '));
    expect(headers.slice(0, 3)).toEqual(['packs/c.yaml', 'packs/a.yaml', 'extra/z.yaml']);
  });

  it('counts suppressed findings and lists them, with the reason, only on request', () => {
    const r = report({
      diagnostics: [err],
      suppressed: [{ diagnostic: warn, reason: 'accepted risk', by: 'inline' }],
    });
    const text = formatText(r, plain);
    expect(text).toContain('1 error, 0 warnings, 1 suppressed in 3 files');
    expect(text).not.toContain('accepted risk');
    const shown = formatText(r, plain, { showSuppressed: true });
    expect(shown).toContain(
      '  9:1  warning  W2001  unused\n      suppressed by inline marker: accepted risk',
    );
  });

  it('says a clean report is clean, with the suppressed count and singular words', () => {
    expect(formatText(report(), plain)).toBe('3 files checked: no problems\n');
    expect(
      formatText(
        report({ files: ['a.yaml'], suppressed: [{ diagnostic: warn, reason: 'r', by: 'config' }] }),
        plain,
      ),
    ).toBe('1 file checked: no problems (1 suppressed)\n');
  });

  it('adds the reason when cfn-lint did not run, and nothing when it did', () => {
    const notRun = report({
      tool: { version: '1', cfnLint: { ran: false, reason: 'cfn-lint not found on PATH' } },
    });
    expect(formatText(notRun, plain)).toBe(
      '3 files checked: no problems\ncfn-lint did not run: cfn-lint not found on PATH\n',
    );
    expect(formatText(report({ diagnostics: [err] }), plain)).not.toContain('cfn-lint');
  });

  it('says why warnings alone fail a strict run', () => {
    expect(formatText(report({ diagnostics: [warn], strict: true }), plain)).toContain(
      '0 errors, 1 warning, 0 suppressed in 3 files (--strict: warnings fail)',
    );
    expect(formatText(report({ diagnostics: [warn] }), plain)).not.toContain('--strict');
  });

  it('keeps a hostile message on its finding: later lines indented, control characters visible', () => {
    const hostile: Diagnostic = {
      checkId: 'PS111',
      severity: 'error',
      message: 'first\nsecond\r\n\u001b[31mred\u202e',
      location: at('dir with space/ü.yaml', 1, 2),
    };
    const text = formatText(report({ files: ['dir with space/ü.yaml'], diagnostics: [hostile] }), plain);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'dir with space/ü.yaml',
      '  1:2  error  PS111  first',
      '      second',
      '      \\x1b[31mred\\u202e',
    ]);
    expect(text).not.toContain('\u001b');
  });

  it('paints through the Painter only: bold file header, red error, no escapes without colour', () => {
    const text = formatText(report({ diagnostics: [err] }), color);
    expect(text).toContain('\u001b[1mpacks/a.yaml\u001b[22m');
    expect(text).toContain('\u001b[31merror\u001b[39m');
    expect(formatText(report({ diagnostics: [err] }), plain)).not.toContain('\u001b');
  });
});

describe('formatDiagnosticsText (shared line format, other commands)', () => {
  it('prints file:line:column lines and the fix as before', () => {
    expect(formatDiagnosticsText([err, general], plain)).toBe(
      [
        'packs/a.yaml:3:5  error  PS111  unknown managed rule "S3_NOPE"',
        '    fix: Correct the identifier.',
        '(no file)  error  PS001  no packs folder',
      ].join('\n'),
    );
    expect(summarize([err, warn, info, general])).toEqual({ errors: 2, warnings: 1, infos: 1 });
  });
});
