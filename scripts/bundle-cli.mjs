/**
 * `npm run build`, second step: the CLI as one esbuild bundle, dist/cli/bin.js, beside the typed API
 * that tsc writes (dist/index.js and its .d.ts). Commands keep loading their implementation lazily:
 * each `await import(...)` of src/cli becomes a chunk of its own (dist/cli/chunks/), so
 * `packsmith --help` reads only the entry and commander.
 *
 * Dependencies are bundled too (measured: resolving and reading hundreds of small files of
 * node_modules cost more than reading them as one chunk), except better-sqlite3, a native addon.
 * CommonJS code inside an ESM bundle needs `require` for Node's built-in modules: the banner gives
 * every output file one. Source maps carry their sources (`sourcesContent`), so they point at no
 * file the package does not ship.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/bin.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.9',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['better-sqlite3'],
  sourcemap: true,
  sourcesContent: true,
  legalComments: 'linked',
  banner: {
    js: "import { createRequire as __packsmithCreateRequire } from 'node:module'; const require = __packsmithCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
