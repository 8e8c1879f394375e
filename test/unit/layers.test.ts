/**
 * The layering rules of .dependency-cruiser.cjs (run by `npm run lint`) really refuse what they
 * forbid: an upward import, an import of the CLI from the core, and an import cycle — checked on a
 * small tree of the same shape, so a rule that stops matching fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const cruiser = join(root, 'node_modules', '.bin', 'depcruise');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  return dir;
}

function cruise(dir: string): { code: number; out: string } {
  try {
    const out = execFileSync(cruiser, ['src', '--config', join(root, '.dependency-cruiser.cjs')], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: e.stdout };
  }
}

describe('[10] layering rules', () => {
  it('accept imports that point down', () => {
    const dir = tree({
      'src/facts/limits.ts': 'export const x = 1;\n',
      'src/rollout/plan.ts': "import { x } from '../facts/limits.js';\nexport const y = x;\n",
      'src/cli/main.ts': "import { y } from '../rollout/plan.js';\nexport const z = y;\n",
    });
    expect(cruise(dir).code).toBe(0);
  }, 60_000);

  it('refuse an upward import, the core importing the CLI, and a cycle', () => {
    const dir = tree({
      'src/authoring/compose.ts': "import { plan } from '../rollout/plan.js';\nexport const c = plan;\n",
      'src/rollout/plan.ts': 'export const plan = 1;\n',
      'src/facts/limits.ts': "import { main } from '../cli/main.js';\nexport const l = main;\n",
      'src/cli/main.ts': 'export const main = 1;\n',
      'src/index.ts': 'export const api = 1;\n',
      'src/app/build.ts': "import { api } from '../index.js';\nexport const b = api;\n",
      'src/org/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/org/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    });
    const { code, out } = cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toMatch(/layer-authoring: src\/authoring\/compose\.ts → src\/rollout\/plan\.ts/);
    expect(out).toMatch(/only-cli-imports-cli: src\/facts\/limits\.ts → src\/cli\/main\.ts/);
    expect(out).toMatch(/no-circular/);
    expect(out).toMatch(/nothing-imports-the-api: src\/app\/build\.ts → src\/index\.ts/);
  }, 60_000);
});
