/**
 * What `npm pack` would publish: the license, no source map that points at a file the package does
 * not hold, and runtime dependencies that the shipped code imports. Reads the file list npm itself
 * computes (`npm pack --dry-run --json`), over the dist/ that `npm ci` (prepare) built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { DRIVER_SCRIPT } from '../../src/validation/cfn-lint/driver.js';

const root = packageRoot();
const built = existsSync(join(root, 'dist', 'cli', 'bin.js'));

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [entry] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return entry!.files.map((f) => f.path);
}

describe.skipIf(!built && !process.env.CI)(
  `npm pack${built ? '' : ' (skipped: dist/ not built, run npm run build)'}`,
  () => {
    const files = built ? packedFiles() : [];

    it('ships the license the manifest declares', () => {
      expect(files).toContain('LICENSE');
      expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('Apache License');
      expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
    });

    it('ships the cfn-lint driver where the built CLI looks for it', () => {
      expect(files).toContain(DRIVER_SCRIPT);
    });

    it('every shipped source map carries its sources or points at shipped files', () => {
      const shipped = new Set(files);
      const maps = files.filter((f) => f.endsWith('.js.map'));
      expect(maps.length).toBeGreaterThan(50);
      const dangling = maps.filter((map) => {
        const data = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
          sources: string[];
          sourcesContent?: Array<string | null>;
        };
        return data.sources.some((source, i) => {
          if (typeof data.sourcesContent?.[i] === 'string') return false;
          return !shipped.has(join(map, '..', source));
        });
      });
      expect(dangling).toEqual([]);
    });

    it('runtime dependencies are only what the shipped code imports', () => {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      const code = files
        .filter((f) => f.startsWith('dist/') && f.endsWith('.js'))
        .map((f) => readFileSync(join(root, f), 'utf8'))
        .join('\n');
      const unused = Object.keys(manifest.dependencies).filter(
        (name) => !code.includes(`'${name}'`) && !code.includes(`'${name}/`) && !code.includes(`"${name}`),
      );
      expect(unused).toEqual([]);
    });
  },
);
