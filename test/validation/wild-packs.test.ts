/**
 * Packs published on GitHub by people other than AWS's sample folder (../shared/samples/
 * wild-conformance-packs, with SOURCES.md giving each file's expected verdict): `validate` gives no
 * error on a file expected to deploy, and the errors SOURCES.md predicts on the others, with
 * cfn-lint off and on. Skipped visibly when ../shared is absent; under CI its absence fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { tool } from '../support/tools.js';

const wild = join(packageRoot(), '../shared/samples/wild-conformance-packs');
const haveWild = existsSync(join(wild, 'SOURCES.md'));
if (!haveWild && process.env.CI) throw new Error(`CI is set but ${wild} is missing`);

interface Expected {
  file: string;
  verdict: string;
  /** The check ids the verdict's reason predicts; empty when the file is expected to deploy. */
  errors: string[];
}

/** The Files table of SOURCES.md: `| # | \`file\` | repo | … | verdict |`. */
function expectations(): Expected[] {
  const rows = readFileSync(join(wild, 'SOURCES.md'), 'utf8')
    .split('\n')
    .filter((l) => /^\| \d+ \| `/.test(l));
  return rows.map((row) => {
    const cells = row.split(' | ');
    const file = /`([^`]+)`/.exec(cells[1]!)![1]!;
    const verdict = cells.at(-1)!.replace(/\s*\|\s*$/, '');
    const rejects = /\breject|not deployable/i.test(verdict);
    // The reasons SOURCES.md gives for a rejection, as packsmith's checks: a placeholder in a value
    // resolved at creation (PS302), an intrinsic where AWS requires a literal role ARN (PS118).
    const errors = !rejects ? [] : /AutomationAssumeRole/.test(verdict) ? ['PS118'] : ['PS302'];
    return { file, verdict, errors };
  });
}

interface Report {
  files: string[];
  diagnostics: Array<{ checkId: string; severity: string; message: string; location?: { file: string } }>;
  cfnLint: { ran: boolean };
}

async function validate(cfnLint: 'off' | 'require'): Promise<Report> {
  const r = await runCli(['validate', '--format', 'json', '--no-cache', '--cfn-lint', cfnLint, wild]);
  expect(r.stderr).not.toMatch(/unexpected|stack/i);
  return JSON.parse(r.stdout) as Report;
}

function errorIdsByFile(report: Report): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const d of report.diagnostics) {
    if (d.severity !== 'error' || !d.location) continue;
    const name = d.location.file.split('/').at(-1)!;
    byFile.set(name, [...new Set([...(byFile.get(name) ?? []), d.checkId])].sort());
  }
  return byFile;
}

function expectVerdicts(report: Report): void {
  const expected = expectations();
  expect(expected.length).toBeGreaterThanOrEqual(20);
  expect(report.files).toHaveLength(expected.length);
  const found = errorIdsByFile(report);
  const actual = Object.fromEntries(expected.map((e) => [e.file, found.get(e.file) ?? []]));
  const wanted = Object.fromEntries(expected.map((e) => [e.file, e.errors]));
  expect(actual).toEqual(wanted);
}

describe.skipIf(!haveWild)(
  `wild conformance packs${haveWild ? '' : ' — skipped: ../shared/samples/wild-conformance-packs is not present'}`,
  () => {
    it('the verdicts are read from SOURCES.md: four files are expected to be rejected', () => {
      const rejected = expectations().filter((e) => e.errors.length > 0);
      expect(rejected.map((e) => e.errors.join())).toEqual(['PS302', 'PS302', 'PS302', 'PS118']);
    });

    it('no error on files expected to deploy, the predicted errors on the others (cfn-lint off)', async () => {
      expectVerdicts(await validate('off'));
    });

    const cfnLint = tool('cfn-lint');
    it.skipIf(!cfnLint.available)(
      `the same with cfn-lint${cfnLint.available ? '' : ` — skipped: ${cfnLint.reason}`}`,
      async () => {
        const report = await validate('require');
        expect(report.cfnLint.ran).toBe(true);
        expectVerdicts(report);
      },
      300_000,
    );
  },
);
