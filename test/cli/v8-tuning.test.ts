import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tierUpFlag } from '../../src/cli/v8-tuning.js';
import { packageRoot } from '../../src/util/package-root.js';

describe('the tier-up budget for short commands', () => {
  it('is raised on V8 11 (Node 20) only: later V8 has no such flag', () => {
    expect(tierUpFlag('11.3.244.8-node.38')).toBe('--interrupt-budget=300000');
    expect(tierUpFlag('12.4.254.21-node.57')).toBeUndefined();
    expect(tierUpFlag('13.6.233.17-node.63')).toBeUndefined();
    expect(tierUpFlag('not a version')).toBeUndefined();
  });

  it('sets, on the Node running this suite, nothing V8 refuses (no "unrecognized flag" on stderr)', () => {
    // The suite runs on Node 20, 22 and 24 (.ci/run): each checks its own V8.
    const module = join(packageRoot(), 'src', 'cli', 'v8-tuning.ts');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { tuneV8ForShortCommands } = await import(${JSON.stringify(module)}); tuneV8ForShortCommands(); console.log('done');`,
      ],
      { encoding: 'utf8', cwd: packageRoot() },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('done\n');
  });
});
