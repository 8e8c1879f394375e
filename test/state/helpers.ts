import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { SqliteBackend } from '../../src/state/sqlite.js';
import type { StartDeploymentInput } from '../../src/state/store.js';

/** A fresh temporary folder and a cleanup for it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-state-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The 12-digit account id number `n`. */
export const account = (n: number): string => String(100000000000 + n);

export function deploymentInput(overrides: Partial<StartDeploymentInput> = {}): StartDeploymentInput {
  return {
    pack: 'baseline',
    orgPackName: 'packsmith-baseline',
    region: 'us-east-1',
    operation: 'create',
    templateSha256: 'a'.repeat(64),
    parameters: { MaxAccessKeyAge: '90' },
    excludedAccounts: 2,
    callerAccount: '123456789012',
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

/**
 * The SQLite bindings the store can use, each with whether this Node.js has it: better-sqlite3 is
 * built by `npm ci`; node:sqlite exists from Node 22.13 (the suite runs on 22 and 24 too).
 */
export function sqliteBackends(): Array<{ name: SqliteBackend; available: boolean; reason: string }> {
  const require = createRequire(import.meta.url);
  let nodeSqlite = true;
  try {
    require('node:sqlite');
  } catch {
    nodeSqlite = false;
  }
  return [
    { name: 'better-sqlite3', available: true, reason: '' },
    {
      name: 'node:sqlite',
      available: nodeSqlite,
      reason: `skipped: Node.js ${process.version} has no node:sqlite (22.13 and later have it)`,
    },
  ];
}
