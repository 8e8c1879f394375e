/**
 * Golden outputs: the example packs' built templates and Markdown pages are committed under
 * test/golden/expected/ and compared byte for byte, so any change to what packsmith writes is a diff a
 * reviewer sees. After an intended change: `npx vitest run test/golden -u`, then review the diff.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

const root = packageRoot();
const golden = join(root, 'test', 'golden', 'expected');

describe('golden outputs of the example packs', () => {
  it('build writes exactly the committed templates and pages', async () => {
    const out = mkdtempSync(join(tmpdir(), 'packsmith-golden-'));
    const result = await runCli(['build', '--out', out], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const written = readdirSync(out).sort();
    expect(written).toEqual(readdirSync(golden).sort());
    for (const name of written) {
      await expect(readFileSync(join(out, name), 'utf8'), name).toMatchFileSnapshot(join(golden, name));
    }
  });
});
