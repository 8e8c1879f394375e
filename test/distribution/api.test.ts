/**
 * The programmatic API as a user gets it: `import … from 'packsmith'` resolved through the package's
 * `exports` (from dist/, as installed), in a separate Node process, and type-checked by tsc from a
 * consumer project that has packsmith in its node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const built = existsSync(join(root, 'dist', 'index.d.ts'));

/** A consumer project whose node_modules holds packsmith (this checkout). */
function consumer(source: string, file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ps-api-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'packsmith'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, file), source);
  return dir;
}

describe.skipIf(!built)(`import from 'packsmith'${built ? '' : ' (skipped: dist/ not built)'}`, () => {
  it('builds and validates the example packs, returning data and printing nothing', () => {
    const dir = consumer(
      [
        "import { build, validate } from 'packsmith';",
        `const root = ${JSON.stringify(root)};`,
        'const outcome = await build({ root });',
        "const report = await validate({ paths: [root + '/packs'], inline: false, strict: false, cfnLint: 'off' });",
        'process.stdout.write(JSON.stringify({',
        '  ok: outcome.ok,',
        '  packs: outcome.built.map((b) => b.name).sort(),',
        "  template: outcome.built[0].template.includes('AWS::Config::ConfigRule'),",
        "  errors: report.diagnostics.filter((d) => d.severity === 'error').length,",
        '}));',
        '',
      ].join('\n'),
      'use.mjs',
    );
    const run = spawnSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true,
      packs: ['iam-baseline', 'logging-baseline', 's3-data-protection'],
      template: true,
      errors: 0,
    });
  });

  it('is typed: a consumer type-checks, and a wrong call does not', () => {
    const good = [
      "import { build, plan, type BuildOutcome, type Diagnostic } from 'packsmith';",
      "const outcome: BuildOutcome = await build({ root: '.', packs: ['a'], strict: true });",
      'const first: Diagnostic | undefined = outcome.diagnostics[0];',
      "void plan({ root: '.', regions: ['eu-west-1'] });",
      'export { first };',
      '',
    ].join('\n');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const check = (source: string) => {
      const dir = consumer(source, 'use.ts');
      try {
        execFileSync(process.execPath, [tsc, ...args, '--target', 'es2022', '--skipLibCheck', 'use.ts'], {
          cwd: dir,
          encoding: 'utf8',
        });
        return '';
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    };
    expect(check(good)).toBe('');
    expect(check(good.replace('strict: true', "strict: 'yes'"))).toContain('use.ts');
  });
});
