import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ValidateOutputSchema } from '../../src/report/schemas/validate.js';
import { outputSchemaVersion } from '../../src/cli/output.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatJson } from '../../src/report/validation/json.js';
import type { ValidationReport } from '../../src/validation/report.js';
import { report as baseReport } from '../support/reports.js';

const validate = new Ajv({ strict: false, allErrors: true }).compile(ValidateOutputSchema);

const report = (over: Partial<ValidationReport> = {}): ValidationReport =>
  baseReport({ files: ['packs/a.yaml', 'packs/b.yaml'], ...over });

const err: Diagnostic = {
  checkId: 'PS111',
  severity: 'error',
  message: 'bad "x"\nline < & %',
  fix: 'Fix it.',
  location: { file: 'packs/a.yaml', line: 3, column: 5, endLine: 3, endColumn: 9 },
};
const warn: Diagnostic = { checkId: 'W2001', severity: 'warning', message: 'unused' };
const info: Diagnostic = {
  checkId: 'I3011',
  severity: 'info',
  message: 'fyi',
  location: { file: 'packs/b.yaml', line: 1, column: 1 },
};

function parse(text: string): Record<string, unknown> {
  const doc = JSON.parse(text) as Record<string, unknown>;
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
}

describe('formatJson', () => {
  it('writes a validate document with every field, valid against its schema', () => {
    const doc = parse(
      formatJson(
        report({
          diagnostics: [err, warn, info],
          suppressed: [
            { diagnostic: { ...warn, checkId: 'PS200' }, reason: 'accepted: ticket 12', by: 'config' },
          ],
          tool: { version: '1.2.3', cfnLint: { ran: false, reason: 'not installed' } },
        }),
      ),
    );
    expect(doc).toEqual({
      schemaVersion: outputSchemaVersion,
      kind: 'validate',
      ok: false,
      strict: false,
      files: ['packs/a.yaml', 'packs/b.yaml'],
      diagnostics: [err, warn, info],
      suppressed: [
        { diagnostic: { ...warn, checkId: 'PS200' }, reason: 'accepted: ticket 12', by: 'config' },
      ],
      summary: { errors: 1, warnings: 1, infos: 1, suppressed: 1 },
      cfnLint: { ran: false, reason: 'not installed' },
    });
  });

  it('is ok with warnings, not ok with warnings when strict', () => {
    expect(parse(formatJson(report({ diagnostics: [warn] }))).ok).toBe(true);
    expect(parse(formatJson(report({ diagnostics: [warn], strict: true }))).ok).toBe(false);
    expect(parse(formatJson(report())).ok).toBe(true);
  });

  it('keeps only the schema fields of a diagnostic, whatever else it carries', () => {
    const extra = { ...err, internal: 1, location: { ...err.location!, path: ['Resources'] } } as Diagnostic;
    const doc = parse(formatJson(report({ diagnostics: [extra] })));
    expect(doc.diagnostics).toEqual([err]);
  });

  it('reports cfn-lint as it ran', () => {
    expect(parse(formatJson(report())).cfnLint).toEqual({ ran: true, version: '1.51.0' });
  });

  it('the schema rejects what the formatter must never write', () => {
    const good = JSON.parse(formatJson(report({ diagnostics: [err] }))) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => validate({ ...good, ...patch });
    expect(bad({})).toBe(true);
    expect(bad({ summary: { errors: 1, warnings: 0, infos: 0 } })).toBe(false);
    expect(bad({ summary: { errors: 1, warnings: 0, infos: 0, suppressed: 0, extra: 1 } })).toBe(false);
    expect(bad({ cfnLint: { ran: true, reason: 'x' } })).toBe(false);
    expect(bad({ suppressed: [{ diagnostic: err, reason: 'r', by: 'someone' }] })).toBe(false);
    expect(bad({ kind: 'build' })).toBe(false);
  });
});
