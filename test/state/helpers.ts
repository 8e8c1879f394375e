import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
