/**
 * An install that ran no install scripts (npm 11 blocks them in global installs unless allowed)
 * has better-sqlite3's files but not its compiled addon. The rollout commands must still read and
 * write the status store there: through node:sqlite where Node.js has it (22.13 and later), else
 * with a message that says what to do, never a stack trace.
 *
 * The installed package is imitated from this checkout's dist/: a package folder whose
 * node_modules links every dependency except better-sqlite3, copied without its build/ folder.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStatusStore } from '../../src/state/store.js';
import { packageRoot } from '../../src/util/package-root.js';
import { deploymentInput } from '../state/helpers.js';

const root = packageRoot();
const built = existsSync(join(root, 'dist', 'cli', 'bin.js'));
const hasNodeSqlite = (() => {
  try {
    createRequire(import.meta.url)('node:sqlite');
    return true;
  } catch {
    return false;
  }
})();

/** The package as an install without scripts leaves it. */
function unbuiltInstall(dir: string): string {
  const pkg = join(dir, 'packsmith');
  for (const entry of ['package.json', 'dist', 'templates', 'schemas', 'src/catalog/data'])
    cpSync(join(root, entry), join(pkg, entry), { recursive: true });
  const modules = join(pkg, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === 'better-sqlite3' || name === '.bin') continue;
    symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  cpSync(join(root, 'node_modules/better-sqlite3'), join(modules, 'better-sqlite3'), {
    recursive: true,
    filter: (source) => !source.includes(join('better-sqlite3', 'build')),
  });
  return join(pkg, 'dist/cli/bin.js');
}

describe.skipIf(!built && !process.env.CI)(
  `status store without a built better-sqlite3${built ? '' : ' (skipped: dist/ not built, run npm run build)'}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-sqlite-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const bin = built ? unbuiltInstall(dir) : '';
    const state = join(dir, 'state.db');
    const writer = openStatusStore(state);
    writer.startDeployment(deploymentInput({ pack: 'baseline' }));
    writer.close();

    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        timeout: 30_000,
      });

    it('really lacks the addon (the imitation holds)', () => {
      expect(existsSync(join(dir, 'packsmith/node_modules/better-sqlite3/package.json'))).toBe(true);
      expect(existsSync(join(dir, 'packsmith/node_modules/better-sqlite3/build'))).toBe(false);
    });

    it.runIf(hasNodeSqlite)(
      'reads the history through node:sqlite, with no experimental warning on stderr',
      () => {
        const result = run('history', '--state', state, '--format', 'json');
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        const document = JSON.parse(result.stdout) as { deployments: Array<{ pack: string }> };
        expect(document.deployments.map((d) => d.pack)).toEqual(['baseline']);
      },
    );

    it.runIf(!hasNodeSqlite)(`says what to do on a Node.js without node:sqlite (${process.version})`, () => {
      const result = run('history', '--state', state);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Node\.js 22\.13 or later, or build better-sqlite3/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  },
);
