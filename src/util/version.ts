import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

interface Manifest {
  version: string;
  homepage?: string;
  repository?: string | { url?: string };
}

let cached: Manifest | undefined;
const manifest = (): Manifest =>
  (cached ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as Manifest);

/** packsmith's own version, from its package.json. */
export function packsmithVersion(): string {
  return manifest().version;
}

/**
 * packsmith's home page and where its documentation of this release is, from its package.json
 * (`homepage`, a GitHub `repository`): links are given only where the manifest names them.
 */
export function packsmithLinks(m: Manifest = manifest()): { homepage?: string; docsBase?: string } {
  const url = typeof m.repository === 'string' ? m.repository : m.repository?.url;
  const github = url?.match(/github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/);
  const docsBase = github ? `https://github.com/${github[1]}/${github[2]}/blob/v${m.version}/` : undefined;
  const homepage = m.homepage ?? (github ? `https://github.com/${github[1]}/${github[2]}` : undefined);
  return { ...(homepage ? { homepage } : {}), ...(docsBase ? { docsBase } : {}) };
}
