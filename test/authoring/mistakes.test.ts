/**
 * One pack repository holding every kind of authoring mistake at once: each is reported exactly
 * once, at its file:line:column, with its check id, and nothing else is reported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRepository } from '../../src/authoring/compose.js';
import { authoringChecks } from '../../src/authoring/problems.js';
import { loadRepository } from '../../src/authoring/repository.js';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { runCli } from '../support/cli.js';

const root = join(import.meta.dirname, '../fixtures/mistakes');
const dir = 'test/fixtures/mistakes/packs';

const severityOf = (id: string) => Object.values(authoringChecks).find((c) => c.id === id)?.severity;

const expected = [
  [`${dir}/mistakes.yaml`, 12, 5, 'PS115', /rule name "encrypted-volumes" is already used by rules\[7\]/],
  [`${dir}/mistakes.yaml`, 13, 5, 'PS110', /no rule block named "no-such-rule"/],
  // A schema error does not hide the problems of the rest of the file, nor has consequences of its own.
  [
    `${dir}/remediations/broken-parameters.yaml`,
    7,
    3,
    'PS101',
    /`parameters` is a list; it must be a mapping/,
  ],
  [`${dir}/remediations/typo.yaml`, 5, 1, 'PS101', /unknown field `notes` in the file/],
  [
    `${dir}/remediations/typo.yaml`,
    8,
    3,
    'PS120',
    /documents no parameter "SSEAlgorithms" \(did you mean "SSEAlgorithm"\?\)/,
  ],
  [`${dir}/rules/bad-scope.yaml`, 6, 18, 'PS101', /`scope.resourceTypes` is text; it must be a list/],
  [
    `${dir}/rules/bad-scope.yaml`,
    8,
    3,
    'PS112',
    /no parameter "maxAccessKeyAges" \(did you mean "maxAccessKeyAge"\?\)/,
  ],
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
      expect(d.severity).toBe(severityOf(d.checkId));
      expect(d.fix).toBeTruthy();
    });
    // A pack with broken parts (a block with a syntax or schema error among them) is not composed.
    expect(result.packs).toEqual([]);
  });

  it('makes `packsmith build` exit 1, print every problem and write nothing', async () => {
    const out = join(root, 'never-written');
    const { code, stdout, stderr } = await runCli(['build', '--root', root, '--out', out]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    for (const [file, line, column, id] of expected) {
      expect(stderr).toContain(`${file}:${line}:${column}  ${severityOf(id)}  ${id}`);
    }
    expect(stderr).toContain('build failed: 13 error(s), 1 warning(s); nothing was written');
    expect(stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/); // no stack trace
  });

  it('reports the same positions for CRLF and BOM files', async () => {
    const { parseRepository } = await import('../../src/authoring/repository.js');
    const { loadCatalog } = await import('../../src/catalog/catalog.js');
    const { extendCatalog } = await import('../../src/authoring/catalog-extensions.js');
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

describe('[10] a file with schema errors: the rest of it is still checked, nothing twice', () => {
  const check = async (files: Record<string, string>) => {
    const { parseRepository } = await import('../../src/authoring/repository.js');
    const { loadCatalog } = await import('../../src/catalog/catalog.js');
    const { extendCatalog } = await import('../../src/authoring/catalog-extensions.js');
    const repo = parseRepository(
      '/r',
      '/r/packs',
      Object.entries(files).map(([name, text]) => ({ path: `/r/packs/${name}`, text })),
      { base: loadCatalog, extend: extendCatalog },
    );
    const result = composeRepository(repo);
    const diagnostics = sortDiagnostics([...repo.diagnostics, ...result.diagnostics]);
    return {
      found: diagnostics.map((d) => `${d.location?.file.split('/').pop()}:${d.location?.line} ${d.checkId}`),
      packs: result.packs,
    };
  };
  const rule = 'kind: rule\nname: versioning\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\n';

  it('[10] a remediation with an unknown top-level key and a runbook parameter typo reports both in one run', async () => {
    const { found } = await check({
      'versioning.yaml': rule,
      'fix.yaml': [
        'kind: remediation',
        'name: fix',
        'rule: versioning',
        'runbook: AWS-EnableS3BucketEncryption',
        'retry: 3',
        'parameters:',
        '  BucketName: { resourceId: true }',
        '  SSEAlgoritm: AES256',
        '',
      ].join('\n'),
    });
    expect(found).toEqual(['fix.yaml:5 PS101', 'fix.yaml:8 PS120']);
  });

  it('[10] a rule block with a schema error in `scope` still gets PS112 for an unknown parameter', async () => {
    const { found } = await check({
      'keys.yaml': [
        'kind: rule',
        'name: keys',
        'source:',
        '  managed: ACCESS_KEYS_ROTATED',
        'scope:',
        '  resourceTypes: [AWS::IAM::User]',
        '  tagValue: ""',
        'parameters:',
        '  maxAccessKeyAgeDays: 90',
        '',
      ].join('\n'),
    });
    // The empty tagValue is the schema error; tagValue without tagKey (PS124) is its consequence.
    expect(found).toEqual(['keys.yaml:7 PS101', 'keys.yaml:9 PS112']);
  });

  it('[10] a removed field has no consequences: no missing parameter, role or resource id, no undeclared pack parameter or condition', async () => {
    const { found, packs } = await check({
      'alb.yaml':
        'kind: rule\nname: alb\nsource:\n  managed: ALB_DESYNC_MODE_CHECK\nparameters: [desyncMode]\n',
      'versioning.yaml': rule,
      'fix.yaml': [
        'kind: remediation',
        'name: fix',
        'rule: versioning',
        'runbook: AWS-EnableS3BucketEncryption',
        'automatic: true',
        'parameters: BucketName',
        '',
      ].join('\n'),
      'fix2.yaml': [
        'kind: remediation',
        'name: fix2',
        'rule: alb',
        'runbook: AWS-EnableS3BucketEncryption',
        'parameters:',
        '  BucketName: { resourceId: true }',
        '  SSEAlgorithm: { parameter: Algorithm }',
        '',
      ].join('\n'),
      'pack.yaml': [
        'kind: pack',
        'name: p',
        'parameters: [Algorithm]',
        'conditions: 3',
        'rules:',
        '  - versioning',
        '  - use: alb',
        '    condition: HasAlb',
        'remediations: [fix2]',
        '',
      ].join('\n'),
    });
    expect(found).toEqual(['alb.yaml:5 PS101', 'fix.yaml:6 PS101', 'pack.yaml:3 PS101', 'pack.yaml:4 PS101']);
    // Checked, but not built: its manifest and one of its blocks have schema errors.
    expect(packs).toEqual([]);
  });

  it('[10] a block kept with schema errors keeps the packs using it from being built', async () => {
    const { found, packs } = await check({
      'versioning.yaml': `${rule}notes: one\n`,
      'pack.yaml': 'kind: pack\nname: p\nrules: [versioning]\n',
    });
    expect(found).toEqual(['versioning.yaml:5 PS101']);
    expect(packs).toEqual([]);
  });
});
