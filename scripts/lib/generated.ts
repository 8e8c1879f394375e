/**
 * Writes a generated file, or with `--check` compares it with the committed one and reports it
 * stale (exit code 1). Every generator script of the repository ends here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';

const check = process.argv.includes('--check');

export function writeGenerated(relative: string, content: string, regenerate: string): void {
  const path = join(packageRoot(), relative);
  if (check) {
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== content) {
      console.error(`stale: ${relative} (run ${regenerate})`);
      process.exitCode = 1;
    }
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${relative} (${Buffer.byteLength(content)} bytes)`);
}
