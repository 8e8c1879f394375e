/**
 * `packsmith validate` end to end: AWS's samples, exit codes, formats, findings on built templates
 * pointing back at authoring lines, the repository configuration and inline suppressions.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { ruleTemplate } from '../support/templates.js';
import { tool } from '../support/tools.js';

const root = packageRoot();
const samples = join(root, '../shared/samples/aws-conformance-packs');
const haveSamples = existsSync(samples);

const tmp = () => mkdtempSync(join(tmpdir(), 'packsmith-validate-'));

const template = ruleTemplate;

interface JsonReport {
  ok: boolean;
  files: string[];
  diagnostics: Array<{
    checkId: string;
    severity: string;
    message: string;
    location?: { file: string; line: number; column: number };
  }>;
  suppressed: Array<{ reason: string; by: string; diagnostic: { checkId: string } }>;
  summary: { errors: number; warnings: number; suppressed: number };
}

async function validateJson(
  args: string[],
  cwd?: string,
): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await runCli(['validate', '--format', 'json', '--cfn-lint', 'off', ...args], cwd ? { cwd } : {});
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

describe.skipIf(!haveSamples)(
  `AWS's 122 sample packs${haveSamples ? '' : ' — skipped: ../shared/samples is not present'}`,
  () => {
    it('have no error; the 51,307-byte one gets the deploy-from-S3 warning', async () => {
      const { code, report } = await validateJson([samples]);
      expect(report.files).toHaveLength(122);
      expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(code).toBe(0);
      const size = report.diagnostics.filter((d) => d.checkId === 'PS133');
      expect(size).toHaveLength(1);
      expect(size[0]!.location?.file).toMatch(/Operational-Best-Practices-for-ABS-CCIGv2-Material\.yaml$/);
      expect(size[0]!.message).toContain('51307 bytes');
      // Paths are relative, with `/`.
      for (const d of report.diagnostics) expect(d.location?.file.startsWith('/')).toBe(false);
    });

    const cfnLint = tool('cfn-lint');
    // cfn-lint needs about a second per sample here, so the suite lints a dozen of them (the largest
    // included); `npm run bench` lints all 122.
    it.skipIf(!cfnLint.available)(
      `have no error with cfn-lint either${cfnLint.available ? '' : ` — skipped: ${cfnLint.reason}`}`,
      async () => {
        const some = readdirSync(samples)
          .sort()
          .filter((f, i) => i % 10 === 0 || f.includes('ABS-CCIGv2-Material'))
          .map((f) => join(samples, f));
        const r = await runCli(['validate', '--format', 'json', '--no-cache', ...some]);
        const report = JSON.parse(r.stdout) as JsonReport & { cfnLint: { ran: boolean } };
        expect(report.cfnLint.ran).toBe(true);
        expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        // cfn-lint's Controls false positive is suppressed with its documented reason, and counted.
        expect(report.suppressed.some((s) => s.diagnostic.checkId === 'E3001')).toBe(true);
        expect(r.code).toBe(0);
      },
      300_000,
    );
  },
);

describe('packsmith validate', () => {
  it('exits 1 with errors, 0 with warnings only, 1 with warnings under --strict', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), template('NO_SUCH_RULE'));
    writeFileSync(
      join(dir, 'warn.yaml'),
      template(
        'S3_BUCKET_VERSIONING_ENABLED',
        '      Scope:\n        ComplianceResourceTypes: [AWS::EC2::Volume]\n',
      ),
    );
    const bad = await validateJson([join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.report.diagnostics.map((d) => [d.checkId, d.location?.line, d.location?.column])).toEqual([
      ['PS111', 8, 27],
    ]);
    const warn = await validateJson([join(dir, 'warn.yaml')]);
    expect(warn.code).toBe(0);
    expect(warn.report.diagnostics.map((d) => d.checkId)).toEqual(['PS301']);
    expect((await validateJson(['--strict', join(dir, 'warn.yaml')])).code).toBe(1);
  });

  it('exits 2 for usage errors', async () => {
    expect((await runCli(['validate', '/no/such/path'])).code).toBe(2);
    expect((await runCli(['validate', '--format', 'xml', '.'])).code).toBe(2);
    expect((await runCli(['validate', '--cfn-lint', 'sometimes', '.'])).code).toBe(2);
  });

  it('gives the same line and column for LF, CRLF and BOM files', async () => {
    const dir = tmp();
    const text = template('NO_SUCH_RULE');
    writeFileSync(join(dir, 'lf.yaml'), text);
    writeFileSync(join(dir, 'crlf.yaml'), text.replace(/\n/g, '\r\n'));
    writeFileSync(join(dir, 'bom.yaml'), `\uFEFF${text}`);
    const { report } = await validateJson([dir]);
    const positions = report.diagnostics.map((d) => `${d.location?.line}:${d.location?.column}`);
    expect(positions).toEqual(['8:27', '8:27', '8:27']);
  });

  it('points findings on a built template back at the authoring line', async () => {
    const repo = tmp();
    cpSync(join(root, 'packs'), join(repo, 'packs'), { recursive: true });
    expect((await runCli(['build', '--out', 'build'], { cwd: repo })).code).toBe(0);
    const built = join(repo, 'build/iam-baseline.yaml');
    writeFileSync(built, readFileSync(built, 'utf8').replace('Default: "14"', 'Default: "fourteen"'));
    const { code, report } = await validateJson(['build/iam-baseline.yaml'], repo);
    expect(code).toBe(1);
    const finding = report.diagnostics.find((d) => d.checkId === 'PS114')!;
    expect(finding.location?.file).toBe('packs/rules/iam-password-policy.yaml');
    expect(finding.location?.line).toBe(9); // `MinimumPasswordLength:` exposes the parameter
    expect(finding.message).toMatch(/\(in build\/iam-baseline\.yaml:\d+:\d+\)/);
  });

  it('validates authoring files, reporting only those asked for', async () => {
    const { code, report } = await validateJson(
      ['test/fixtures/mistakes/packs/rules/unknown-parameter.yaml'],
      root,
    );
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.checkId, d.location?.file])).toEqual([
      ['PS112', 'test/fixtures/mistakes/packs/rules/unknown-parameter.yaml'],
    ]);
  });

  it('applies the repository configuration: a severity change and a disabled check, each with its reason', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'pack.yaml'),
      template(
        'S3_BUCKET_VERSIONING_ENABLED',
        '      Scope:\n        ComplianceResourceTypes: [AWS::EC2::Volume]\n      InputParameters:\n        isMfaDeleteEnabled: <Flag>\n',
      ),
    );
    writeFileSync(
      join(dir, 'packsmith.config.yaml'),
      'checks:\n  PS302:\n    severity: error\n    reason: placeholders never ship\n  PS301:\n    enabled: false\n    reason: our catalog lags behind\n',
    );
    const { code, report } = await validateJson(['pack.yaml'], dir);
    expect(report.diagnostics.map((d) => [d.checkId, d.severity])).toEqual([['PS302', 'error']]);
    expect(report.suppressed.map((s) => [s.diagnostic.checkId, s.by, s.reason])).toEqual([
      ['PS301', 'config', 'our catalog lags behind'],
    ]);
    expect(report.summary.suppressed).toBe(1);
    expect(code).toBe(1);
  });

  it('refuses a configuration setting without a reason, naming the line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pack.yaml'), template('S3_BUCKET_VERSIONING_ENABLED'));
    writeFileSync(join(dir, 'packsmith.config.yaml'), 'checks:\n  PS301:\n    enabled: false\n');
    const r = await runCli(['validate', 'pack.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /packsmith\.config\.yaml:2:3 {2}error {2}PS101 {2}`checks\.PS301` is missing the required field `reason`/,
    );
  });

  it('honours an inline suppression with a reason and reports one without', async () => {
    const dir = tmp();
    const text = template(
      'S3_BUCKET_VERSIONING_ENABLED',
      '      Scope:\n        ComplianceResourceTypes:\n          # packsmith-ignore PS301: evaluated through the volume attachment\n          - AWS::EC2::Volume\n          - AWS::EC2::Instance # packsmith-ignore PS301\n',
    );
    writeFileSync(join(dir, 'pack.yaml'), text);
    const { code, report } = await validateJson(['pack.yaml'], dir);
    expect(report.suppressed.map((s) => [s.diagnostic.checkId, s.by, s.reason])).toEqual([
      ['PS301', 'inline', 'evaluated through the volume attachment'],
    ]);
    // The marker without a reason suppresses nothing: its finding stays, and the marker is reported.
    expect(report.diagnostics.map((d) => [d.checkId, d.location?.line])).toEqual([
      ['PS301', 13],
      ['PS002', 13],
    ]);
    expect(code).toBe(1);
  });

  it('writes SARIF whose results name rules of the driver, with relative URIs', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), template('NO_SUCH_RULE'));
    const r = await runCli(['validate', '--format', 'sarif', '--cfn-lint', 'off', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{
          ruleId: string;
          locations: Array<{
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.results.map((x) => x.ruleId)).toEqual(['PS111']);
    expect(run.tool.driver.rules.map((x) => x.id)).toContain('PS111');
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('bad.yaml');
    expect(run.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(8);
  });

  it('writes GitHub annotations and JUnit', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), template('NO_SUCH_RULE'));
    const gh = await runCli(['validate', '--format', 'github', '--cfn-lint', 'off', 'bad.yaml'], {
      cwd: dir,
    });
    expect(gh.stdout).toMatch(/^::error file=bad\.yaml,line=8,col=27.*title=PS111::/m);
    const junit = await runCli(['validate', '--format', 'junit', '--cfn-lint', 'off', 'bad.yaml'], {
      cwd: dir,
    });
    expect(junit.stdout).toContain('<testsuite');
    expect(junit.stdout).toMatch(/failures="1"/);
  });
});
