/**
 * Every check of every stage (authoring, template, deployment configuration, preflight, the YAML
 * reading and suppression checks) has one complete metadata record, and at least one test that
 * names it; no diagnostic in src/ is built from a bare id literal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/validation/registry.js';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

describe('[10] one metadata record and a test per check', () => {
  const checks = allChecks();

  it('every check has an id, a severity, a summary, a rationale and a fix', () => {
    expect(checks.length).toBeGreaterThan(60);
    for (const c of checks) {
      expect(c.id, c.name).toMatch(/^PS\d{3}$/);
      expect(['error', 'warning', 'info'], c.id).toContain(c.severity);
      for (const field of ['name', 'summary', 'rationale', 'fix'] as const) {
        expect(c[field].trim().length, `${c.id} ${field}`).toBeGreaterThan(0);
      }
    }
  });

  it('every check is named by at least one test or test fixture', () => {
    const self = relative(root, new URL(import.meta.url).pathname);
    const corpus = files(join(root, 'test'))
      .filter((f) => relative(root, f) !== self && !f.includes(`${join('test', 'golden', 'expected')}`))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // A test names a check by its id, or by its metadata key (`deployChecks['preflight-wrong-caller']`).
    const untested = checks
      .filter((c) => !corpus.includes(c.id) && !corpus.includes(`'${c.name}'`))
      .map((c) => `${c.id} ${c.name}`);
    expect(untested).toEqual([]);
  });

  it('no diagnostic in src/ is built from an id literal instead of its metadata', () => {
    const literal = /checkId:\s*['"]PS\d{3}['"]/;
    const offenders = files(join(root, 'src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.generated.ts'))
      .filter((f) => literal.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});
