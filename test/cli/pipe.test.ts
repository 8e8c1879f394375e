/** The CLI as a real process: a reader that stops early (`| head`) ends it quietly, not with a crash. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

describe('packsmith in a pipe', () => {
  it('exits 0 without a stack trace when the reader closes the pipe early', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(packageRoot(), 'src/cli/bin.ts'), 'catalog', 'list'],
      {
        cwd: packageRoot(),
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const firstChunk = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    );
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(firstChunk).toContain('IDENTIFIER');
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|at .*\.(ts|js):\d+/);
  }, 60_000);
});
