/**
 * One pack repository holding every kind of authoring mistake at once: each is reported exactly
 * once, at its file:line:column, with its check id, and nothing else is reported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRepository } from '../../src/authoring/compose.js';
import { loadRepository } from '../../src/authoring/repository.js';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { runCli } from '../support/cli.js';

const root = join(import.meta.dirname, '../fixtures/mistakes');
const dir = 'test/fixtures/mistakes/packs';

const expected = [
  [`${dir}/mistakes.yaml`, 12, 5, 'PS115', /rule name "encrypted-volumes" is already used by rules\[7\]/],
  [`${dir}/mistakes.yaml`, 13, 5, 'PS110', /no rule block named "no-such-rule"/],
  [
    `${dir}/rules/bad-type.yaml`,
    6,
    26,
    'PS114',
    /"MinimumPasswordLength" is int: "fourteen" is not an integer/,
  ],
  [`${dir}/rules/broken-syntax.yaml`, 4, 12, 'PS100', /double quote is never closed/],
  [`${dir}/rules/change-only-frequency.yaml`, 5, 28, 'PS116', /runs only on configuration changes/],
  [`${dir}/rules/missing-required.yaml`, 5, 1, 'PS113', /requires the parameter "desyncMode" \(CSV\)/],
  [`${dir}/rules/schema-error.yaml`, 5, 28, 'PS101', /must be one of "One_Hour"/],
  [`${dir}/rules/unknown-identifier.yaml`, 4, 12, 'PS111', /did you mean S3_BUCKET_VERSIONING_ENABLED\?/],
  [
    `${dir}/rules/unknown-parameter.yaml`,
    6,
    3,
    'PS112',
    /no parameter "maxAccessKeyAgeDays" \(did you mean "maxAccessKeyAge"\?\)/,
  ],
] as const;

describe('a repository with every authoring mistake', () => {
  it('reports each mistake once, where it is', async () => {
    const repo = await loadRepository(root);
    const result = composeRepository(repo);
    const diagnostics = sortDiagnostics([...repo.diagnostics, ...result.diagnostics]);
    expect(
      diagnostics.map((d) => [d.location?.file, d.location?.line, d.location?.column, d.checkId]),
    ).toEqual(expected.map(([file, line, column, id]) => [file, line, column, id]));
    diagnostics.forEach((d, i) => {
      expect(d.message).toMatch(expected[i]![4]);
      expect(d.severity).toBe('error');
      expect(d.fix).toBeTruthy();
    });
    // A pack with broken parts is not composed into a template.
    expect(result.packs).toEqual([]);
  });

  it('makes `packsmith build` exit 1, print every problem and write nothing', async () => {
    const out = join(root, 'never-written');
    const { code, stdout, stderr } = await runCli(['build', '--root', root, '--out', out]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    for (const [file, line, column, id] of expected) {
      expect(stderr).toContain(`${file}:${line}:${column}  error  ${id}`);
    }
    expect(stderr).toContain('build failed: 9 error(s), 0 warning(s); nothing was written');
    expect(stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/); // no stack trace
  });

  it('reports the same positions for CRLF and BOM files', async () => {
    const { parseRepository } = await import('../../src/authoring/repository.js');
    const { loadCatalog } = await import('../../src/catalog/catalog.js');
    const { extendCatalog } = await import('../../src/catalog/extensions.js');
    const text = 'kind: rule\nname: x\nsource:\n  managed: S3_BUCKET_VERSIONNG_ENABLED\n';
    const variants = [text, text.replace(/\n/g, '\r\n'), `\uFEFF${text}`];
    const locations = variants.map((t) => {
      const repo = parseRepository('/r', '/r/packs', [{ path: '/r/packs/rules/x.yaml', text: t }], {
        base: loadCatalog,
        extend: extendCatalog,
      });
      const d = composeRepository(repo).diagnostics;
      expect(d).toHaveLength(1);
      return [d[0]!.location!.line, d[0]!.location!.column];
    });
    expect(locations).toEqual([
      [4, 12],
      [4, 12],
      [4, 12],
    ]);
  });
});
