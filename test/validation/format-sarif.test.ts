import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { fingerprintKey, formatSarif, sarifSchemaUri } from '../../src/report/validation/sarif.js';
import type { RuleInfo, ValidationReport } from '../../src/validation/report.js';
import { packageRoot } from '../../src/util/package-root.js';

const addFormats = _addFormats.default;

/** The official SARIF 2.1.0 schema, shared by the workspace; the suite runs without it (skipped). */
const schemaPath = join(packageRoot(), '../shared/reference/sarif-2.1.0.schema.json');
const haveSchema = existsSync(schemaPath);
const schemaTest = `is valid against the SARIF 2.1.0 JSON Schema (with formats)${
  haveSchema ? '' : ` — SKIPPED: ${schemaPath} not found`
}`;

interface Region {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: Array<{
    physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Region };
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[] };
}
interface Log {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Rule[] } };
    originalUriBaseIds: Record<string, unknown>;
    invocations: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications?: Array<{ message: { text: string } }>;
    }>;
    results: Result[];
  }>;
}

const rules: RuleInfo[] = [
  {
    id: 'PS111',
    name: 'unknown-managed-rule',
    summary: 'The managed rule identifier is not in the catalog.',
    help: 'AWS rejects the pack at deploy time; see [the catalog](docs/catalog.md) and `packsmith catalog list`.',
    fix: 'Correct the identifier.',
    severity: 'error',
    helpUri: 'docs/checks.md#ps111',
    source: 'packsmith',
  },
  {
    id: 'W2001',
    name: 'Check if Parameters are Used',
    summary: 'Making sure the parameters defined are used',
    help: 'Reported by cfn-lint rule W2001.',
    severity: 'warning',
    helpUri: 'https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md#W2001',
    source: 'cfn-lint',
  },
  { id: 'PS999', name: 'never-used', summary: 's', help: 'h', severity: 'info', source: 'packsmith' },
  { id: 'PS300', name: 'fyi', summary: 'Informational.', help: '', severity: 'info', source: 'packsmith' },
  { id: 'PS001', name: 'no-packs', summary: 'No packs.', help: 'h', severity: 'error', source: 'packsmith' },
];

const at = (file: string, line: number, column: number, end?: { endLine?: number; endColumn?: number }) => ({
  file,
  line,
  column,
  ...end,
});

const err: Diagnostic = {
  checkId: 'PS111',
  severity: 'error',
  message: 'Unknown rule "S3_NOPE" <b>&amp; 100% sure, really: yes',
  fix: 'Correct the identifier.',
  location: at('packs/rules/a.yaml', 3, 5, { endLine: 3, endColumn: 12 }),
};
const warn: Diagnostic = {
  checkId: 'W2001',
  severity: 'warning',
  message: 'Parameter Unused not used.\nSecond line',
  location: at('build/my pack/päck #1.yaml', 9, 1),
};
const info: Diagnostic = {
  checkId: 'PS300',
  severity: 'info',
  message: 'fyi',
  location: at('packs/b.yaml', 1, 1),
};
const general: Diagnostic = { checkId: 'PS001', severity: 'error', message: 'no packs folder' };
const unknownRule: Diagnostic = {
  checkId: 'E9999',
  severity: 'error',
  message: 'custom',
  location: at('packs/b.yaml', 2, 1),
};

function report(over: Partial<ValidationReport> = {}): ValidationReport {
  return {
    files: ['build/my pack/päck #1.yaml', 'packs/b.yaml', 'packs/rules/a.yaml'],
    diagnostics: [general, warn, info, unknownRule, err],
    suppressed: [
      { diagnostic: { ...warn, message: 'inline one' }, reason: 'false positive: see #12', by: 'inline' },
      { diagnostic: { ...err, message: 'config one' }, reason: 'legacy pack', by: 'config' },
    ],
    rules,
    tool: { version: '1.2.3', cfnLint: { ran: true, version: '1.51.0' } },
    strict: false,
    ...over,
  };
}

const sarif = (r: ValidationReport, options?: Parameters<typeof formatSarif>[1]) =>
  JSON.parse(formatSarif(r, options)) as Log;

describe('formatSarif', () => {
  it.skipIf(!haveSchema)(schemaTest, () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    const reports = [
      report(),
      report({ diagnostics: [], suppressed: [] }),
      report({
        files: [],
        diagnostics: [general],
        tool: { version: '0', cfnLint: { ran: false, reason: 'absent' } },
      }),
    ];
    for (const r of reports) {
      expect(validate(JSON.parse(formatSarif(r))), JSON.stringify(validate.errors, null, 1)).toBe(true);
    }
    // The validator is not vacuous: a zero line or a relative helpUri fails it.
    const broken = sarif(report());
    broken.runs[0]!.results[1]!.locations![0]!.physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    const relativeHelp = sarif(report());
    relativeHelp.runs[0]!.tool.driver.rules[0]!.helpUri = 'docs/checks.md#ps111';
    expect(validate(relativeHelp)).toBe(false);
  });

  it('has the header and tool GitHub expects', () => {
    const log = sarif(report());
    expect(log.$schema).toBe(sarifSchemaUri);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'packsmith', version: '1.2.3' });
    // No made-up home page: only what packsmith's manifest names (see packsmithLinks).
    expect(run.tool.driver.informationUri).toBeUndefined();
    expect(
      sarif(report(), { informationUri: 'https://example.com/ps' }).runs[0]!.tool.driver.informationUri,
    ).toBe('https://example.com/ps');
    expect(run.originalUriBaseIds).toHaveProperty('%SRCROOT%');
    expect(run.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('every result names a rule of the driver, and ruleIndex points at it', () => {
    const run = sarif(report()).runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(run.results).toHaveLength(7);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    // The rules used, the unused PS999 left out, a placeholder for the id the report has no rule for.
    expect(ids.sort()).toEqual(['E9999', 'PS001', 'PS111', 'PS300', 'W2001']);
  });

  it('describes each rule fully: descriptions, help text and markdown, absolute helpUri, level, tags', () => {
    const byId = new Map(sarif(report()).runs[0]!.tool.driver.rules.map((r) => [r.id, r]));
    const ps111 = byId.get('PS111')!;
    expect(ps111.name).toBe('unknown-managed-rule');
    expect(ps111.shortDescription.text).toBe('The managed rule identifier is not in the catalog.');
    expect(ps111.fullDescription.text).toContain('AWS rejects the pack at deploy time');
    expect(ps111.help.markdown).toContain('[the catalog](docs/catalog.md)');
    expect(ps111.help.markdown).toContain('**Fix:** Correct the identifier.');
    expect(ps111.help.text).toContain('the catalog (docs/catalog.md) and packsmith catalog list');
    expect(ps111.help.text).not.toContain('`');
    // Without a documentation base, packsmith's rules carry their help but no guessed link.
    expect(ps111.helpUri).toBeUndefined();
    expect(ps111.help.text).not.toContain('Documentation:');
    expect(ps111.defaultConfiguration.level).toBe('error');
    expect(ps111.properties.tags).toContain('packsmith');
    const w2001 = byId.get('W2001')!;
    expect(w2001.helpUri).toBe(
      'https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md#W2001',
    );
    expect(w2001.properties.tags).toContain('cfn-lint');
    expect(byId.get('PS300')!.defaultConfiguration.level).toBe('note');
    expect(byId.get('E9999')!.shortDescription.text).toBe('E9999');
    expect(
      sarif(report(), { docsBaseUri: 'https://example.com/packsmith/' }).runs[0]!.tool.driver.rules[0]!
        .helpUri,
    ).toBe('https://example.com/packsmith/docs/checks.md#ps111');
  });

  it('maps levels and puts the fix in the message', () => {
    const results = sarif(report({ suppressed: [] })).runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['PS001', 'error'],
      ['W2001', 'warning'],
      ['PS300', 'note'],
      ['E9999', 'error'],
      ['PS111', 'error'],
    ]);
    expect(results[4]!.message.text).toBe(`${err.message}\nFix: Correct the identifier.`);
  });

  it('locates results with relative, percent-encoded URIs under %SRCROOT% and a 1-based region', () => {
    const results = sarif(report()).runs[0]!.results;
    for (const result of results) {
      expect(result.locations).toHaveLength(1);
      const { artifactLocation, region } = result.locations![0]!.physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(artifactLocation.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(artifactLocation.uri).not.toMatch(/^\//);
      expect(artifactLocation.uri).not.toMatch(/[\s\\#?]/);
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
    }
    const warning = results.find((r) => r.ruleId === 'W2001')!.locations![0]!.physicalLocation;
    expect(warning.artifactLocation.uri).toBe('build/my%20pack/p%C3%A4ck%20%231.yaml');
    expect(decodeURIComponent(warning.artifactLocation.uri)).toBe('build/my pack/päck #1.yaml');
    const error = results.find((r) => r.ruleId === 'PS111')!.locations![0]!.physicalLocation;
    expect(error).toEqual({
      artifactLocation: { uri: 'packs/rules/a.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 12 },
    });
  });

  it('never writes an invalid region: zero positions are clamped, an end before the start dropped', () => {
    const odd: Diagnostic = { ...info, location: at('packs/b.yaml', 0, 0, { endLine: 5, endColumn: 2 }) };
    const backwards: Diagnostic = {
      ...info,
      location: at('packs/b.yaml', 7, 9, { endLine: 7, endColumn: 3 }),
    };
    const [a, b] = sarif(report({ diagnostics: [odd, backwards], suppressed: [] })).runs[0]!.results;
    expect(a!.locations![0]!.physicalLocation.region).toEqual({
      startLine: 1,
      startColumn: 1,
      endLine: 5,
      endColumn: 2,
    });
    expect(b!.locations![0]!.physicalLocation.region).toEqual({ startLine: 7, startColumn: 9, endLine: 7 });
  });

  it('anchors a finding without a location at the project file, else the first file, else none', () => {
    const anchored = (r: ValidationReport) =>
      sarif(r).runs[0]!.results.find((x) => x.ruleId === 'PS001')!.locations;
    expect(anchored(report({ projectFile: '.packsmith.yaml' }))).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: '.packsmith.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 1, startColumn: 1 },
        },
      },
    ]);
    expect(anchored(report())![0]!.physicalLocation.artifactLocation.uri).toBe(
      'build/my%20pack/p%C3%A4ck%20%231.yaml',
    );
    expect(anchored(report({ files: [] }))).toBeUndefined();
  });

  it('includes suppressed findings as suppressed results: inSource for inline, external for config', () => {
    const results = sarif(report()).runs[0]!.results;
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => [r.message.text, r.suppressions])).toEqual([
      ['inline one', [{ kind: 'inSource', justification: 'false positive: see #12' }]],
      ['config one\nFix: Correct the identifier.', [{ kind: 'external', justification: 'legacy pack' }]],
    ]);
    expect(results.filter((r) => !r.suppressions)).toHaveLength(5);
  });

  it('fingerprints follow rule, file and message, not the line; equal findings are numbered', () => {
    const fp = (d: Diagnostic) =>
      sarif(report({ diagnostics: [d], suppressed: [] })).runs[0]!.results[0]!.partialFingerprints[
        fingerprintKey
      ];
    const moved = { ...err, location: at('packs/rules/a.yaml', 40, 1) };
    expect(fp(err)).toMatch(/^[0-9a-f]{32}:1$/);
    expect(fp(moved)).toBe(fp(err));
    expect(fp({ ...err, message: 'other' })).not.toBe(fp(err));
    expect(fp({ ...err, checkId: 'PS112' })).not.toBe(fp(err));
    expect(fp({ ...err, location: at('packs/other.yaml', 3, 5) })).not.toBe(fp(err));
    const twice = sarif(report({ diagnostics: [err, moved], suppressed: [] })).runs[0]!.results;
    const [h1, h2] = twice.map((r) => r.partialFingerprints[fingerprintKey]!);
    expect(h1).toBe(`${h2!.split(':')[0]}:1`);
    expect(h2).toMatch(/:2$/);
  });

  it('is deterministic and carries no time or machine path', () => {
    const text = formatSarif(report());
    expect(formatSarif(report())).toBe(text);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).not.toContain('file://');
    expect(text).not.toContain(process.cwd());
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('tells why cfn-lint did not run as a tool notification; takes a source root when given', () => {
    const run = sarif(report({ tool: { version: '1', cfnLint: { ran: false, reason: 'not on PATH' } } }), {
      srcRootUri: 'file:///repo/',
    }).runs[0]!;
    expect(run.invocations[0]!.executionSuccessful).toBe(true);
    expect(run.invocations[0]!.toolExecutionNotifications?.[0]?.message.text).toBe(
      'cfn-lint did not run: not on PATH',
    );
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
  });

  it('gives paths and fingerprints through pathFor (--sarif-root)', () => {
    const r = report({ diagnostics: [err], suppressed: [] });
    const moved = sarif(r, { pathFor: (p) => `infra/${p}` }).runs[0]!.results[0]!;
    expect(moved.locations![0]!.physicalLocation.artifactLocation.uri).toBe('infra/packs/rules/a.yaml');
    const plain = sarif(r).runs[0]!.results[0]!;
    expect(plain.locations![0]!.physicalLocation.artifactLocation.uri).toBe('packs/rules/a.yaml');
    // The fingerprint is of the path GitHub sees, so it does not depend on where validate ran.
    const fromRoot = sarif(
      report({ diagnostics: [{ ...err, location: at('infra/packs/rules/a.yaml', 3, 5) }], suppressed: [] }),
    ).runs[0]!.results[0]!;
    expect(moved.partialFingerprints).toEqual(fromRoot.partialFingerprints);
  });
});
