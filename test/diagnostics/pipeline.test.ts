/**
 * One diagnostics pipeline: build and validate report the same findings, suppressions and counts
 * for the same repository, and one defect found twice is reported once.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { dropDuplicates, finalizeDiagnostics, mergeEquivalent } from '../../src/diagnostics/pipeline.js';
import { allChecks } from '../../src/validation/registry.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

/** The example repository with a placeholder, a marker, a configured severity and a warning. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-pipeline-'));
  cpSync(join(packageRoot(), 'packs'), join(dir, 'packs'), { recursive: true });
  // PS302 (a template-only check) on a value that comes from an authoring line.
  const rule = join(dir, 'packs/rules/s3-bucket-logging-enabled.yaml');
  writeFileSync(
    rule,
    readFileSync(rule, 'utf8').replace(/targetBucket:\n(?: {4}.*\n)+/, 'targetBucket: logs-<Account-Id>\n'),
  );
  // The same placeholder in a second rule, silenced by an inline marker with its reason.
  const trail = join(dir, 'packs/rules/multi-region-cloud-trail-enabled.yaml');
  writeFileSync(
    trail,
    readFileSync(trail, 'utf8').replace(
      'parameters:\n',
      'parameters:\n  # packsmith-ignore PS302: filled in by the account factory\n  s3BucketName: trail-<Account-Id>\n',
    ),
  );
  writeFileSync(
    join(dir, 'packsmith.config.yaml'),
    'checks:\n  PS302:\n    severity: error\n    reason: placeholders must never reach an account\n',
  );
  return dir;
}

const json = <T>(text: string) => JSON.parse(text) as T;
type Report = { diagnostics: Diagnostic[]; suppressed: unknown[]; summary: Record<string, number> };

describe('[10] one diagnostics pipeline', () => {
  it('build and validate give the same findings, suppressions and counts on one repository', async () => {
    const dir = repository();
    const build = await runCli(['build', '--format', 'json', '--out', join(dir, 'out')], { cwd: dir });
    const validate = await runCli(['validate', 'packs', '--format', 'json', '--cfn-lint', 'off'], {
      cwd: dir,
    });
    const b = json<Report>(build.stdout);
    const v = json<Report>(validate.stdout);
    expect(b.diagnostics.map((d) => d.checkId)).toContain('PS302');
    // The configured severity applies to both, and the marker silences the second placeholder.
    expect(b.diagnostics.filter((d) => d.checkId === 'PS302').map((d) => d.severity)).toEqual(['error']);
    expect(b.suppressed).toHaveLength(1);
    expect(v.diagnostics).toEqual(b.diagnostics);
    expect(v.suppressed).toEqual(b.suppressed);
    expect(v.summary).toEqual(b.summary);
    expect(build.code).toBe(1);
    expect(validate.code).toBe(1);
  });

  it('build --strict does not fail on a suppressed warning, and build takes --config', async () => {
    const dir = repository();
    writeFileSync(
      join(dir, 'other.yaml'),
      'checks:\n  PS302:\n    enabled: false\n    reason: tracked in TICKET-1\n',
    );
    const r = await runCli(['build', '--strict', '--config', 'other.yaml', '--out', join(dir, 'out')], {
      cwd: dir,
    });
    expect(r.stderr).toMatch(/3 pack\(s\) built, 0 error\(s\), 0 warning\(s\), 2 suppressed/);
    expect(r.code).toBe(0);
  });

  it('validate reports a defect of a built template once, at the authoring line', async () => {
    const dir = repository();
    const out = join(dir, 'build');
    writeFileSync(join(dir, 'none.yaml'), 'checks: {}\n');
    await runCli(['build', '--out', out, '--config', 'none.yaml'], { cwd: dir });
    const r = await runCli(['validate', 'packs', 'build', '--format', 'json', '--cfn-lint', 'off'], {
      cwd: dir,
    });
    const report = json<Report>(r.stdout);
    const placeholders = report.diagnostics.filter((d) => d.checkId === 'PS302');
    const places = placeholders.map((d) => `${d.location?.file}:${d.location?.line}`);
    expect(places.length).toBeGreaterThan(0);
    expect(new Set(places).size).toBe(places.length);
    expect(places.every((p) => p.startsWith('packs/'))).toBe(true);
  });
});

describe('[10] duplicates and equivalent cfn-lint findings', () => {
  const at = (line: number) => ({ file: 't.yaml', line, column: 7 });
  it('folds a cfn-lint finding into packsmith finding of the same defect on the same line', () => {
    const merged = mergeEquivalent(
      [
        { checkId: 'PS210', severity: 'error', message: 'unknown property Bogus', location: at(5) },
        {
          checkId: 'E3002',
          severity: 'error',
          message: 'Additional properties are not allowed',
          location: at(5),
        },
        { checkId: 'E1020', severity: 'error', message: 'Ref X not found', location: at(9) },
      ],
      allChecks(),
    );
    expect(merged.map((d) => [d.checkId, d.alsoReportedBy])).toEqual([
      ['PS210', ['E3002']],
      ['E1020', undefined],
    ]);
  });

  it('keeps one finding per check and place', () => {
    const d: Diagnostic = { checkId: 'PS302', severity: 'warning', message: 'a', location: at(3) };
    expect(
      dropDuplicates([d, { ...d, message: 'a (in build/x.yaml:4:5)' }, { ...d, location: at(4) }]),
    ).toHaveLength(2);
  });

  it('a configured severity, a disabled check and a marker all pass through one function', () => {
    const result = finalizeDiagnostics({
      diagnostics: [
        { checkId: 'PS302', severity: 'warning', message: 'p', location: at(2) },
        { checkId: 'PS301', severity: 'warning', message: 'q', location: at(5) },
        { checkId: 'PS205', severity: 'error', message: 'r', location: at(6) },
      ],
      settings: { PS302: { severity: 'error', reason: 'x' }, PS205: { enabled: false, reason: 'y' } },
      files: new Map([['t.yaml', 'a\nb\nc\n# packsmith-ignore PS301: known\nd\n']]),
      checks: allChecks(),
    });
    expect(result.diagnostics.map((d) => [d.checkId, d.severity])).toEqual([['PS302', 'error']]);
    expect(result.suppressed.map((s) => [s.diagnostic.checkId, s.by])).toEqual([
      ['PS205', 'config'],
      ['PS301', 'inline'],
    ]);
  });
});
