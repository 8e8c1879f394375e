/**
 * The rollout use cases are core: they take their dependencies and return values, so they never
 * import the CLI and never touch the process (streams, exit, signals, environment, working
 * directory, arguments).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const appDir = join(packageRoot(), 'src', 'app');
const files = readdirSync(appDir).filter((f) => f.endsWith('.ts'));

describe('src/app', () => {
  it('holds the use cases of plan, preflight, deploy and destroy', () => {
    expect(files).toEqual(
      expect.arrayContaining(['context.ts', 'plan.ts', 'preflight.ts', 'deploy.ts', 'destroy.ts']),
    );
  });

  it.each(files)('%s imports nothing of src/cli and uses no process state', (file) => {
    const text = readFileSync(join(appDir, file), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
    expect(imports.filter((i) => i.includes('/cli/'))).toEqual([]);
    expect(text).not.toMatch(/\bprocess\.(env|cwd|argv|exit|on|off|stdin|stdout|stderr|kill|pid)\b/);
    expect(text).not.toMatch(/\bconsole\./);
  });
});
