/**
 * A directory cache of packsmith's own results per file, `<cacheDir>/<sha256>.json`, as the cfn-lint
 * cache (cfn-lint/cache.ts) keeps cfn-lint's: what `validate` learnt from a file's text alone (what
 * kind of file it is and, for a template checked against the shipped catalog, its findings), so an
 * unchanged file is neither parsed nor checked again.
 *
 * The key covers everything those results depend on: the text, packsmith's version and code (the
 * file that holds this module: a bundle chunk's name carries a hash of its content), the set of
 * checks, the shipped catalog's data files, and the options that change findings (`--inline`,
 * `--region`). The repository configuration is applied after the cache (finalizeDiagnostics), so it
 * is not part of it. Entries hold no file name; a read entry is used only when its shape is exactly
 * what this version writes (anything else: the file is checked again and the entry rewritten). The
 * folder is bounded: past `maxEntries` the least recently written entries are removed.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readEntryFile, writeEntryFile } from './cache-entry.js';
import { cacheFile, isFileFreeDiagnostic } from './cfn-lint/cache.js';
import type { FileFreeDiagnostic } from './cfn-lint/map.js';
import { isObject } from './template-values.js';

/** Bump when the entry layout or what it means changes. */
export const CHECK_CACHE_FORMAT = 1;

/** At most this many entries stay in the folder (a few MB): enough for large repositories. */
export const CHECK_CACHE_MAX_ENTRIES = 5000;

/**
 * What a file is, from its text alone: `template` (Resources or AWSTemplateFormatVersion),
 * `authoring` (a packsmith kind), `broken` (YAML syntax errors: which one it is then depends on its
 * path), `neither`.
 */
export type FileKind = 'template' | 'authoring' | 'broken' | 'neither';

export interface CheckCacheEntry {
  kind: FileKind;
  /**
   * For `template` and `broken`: the diagnostics of packsmith's own template checks (or the syntax
   * errors), against the shipped catalog, without the file. Absent: not known (the template was
   * checked against a repository's catalog, maps to authoring files, or holds Guard policies).
   */
  diagnostics?: FileFreeDiagnostic[];
}

export interface CheckCacheKeyParts {
  text: string;
  packsmithVersion: string;
  /** Identifies packsmith's code and data (see `codeFingerprint`). */
  code: string;
  checkIds: readonly string[];
  inline: boolean;
  regions: readonly string[];
}

export function checkCacheKey(parts: CheckCacheKeyParts): string {
  // The parts as a JSON array (self-delimiting), then the text as it is: no escaped copy of every
  // file's text is made only to be hashed.
  return createHash('sha256')
    .update(
      JSON.stringify([
        'packsmith-checks',
        CHECK_CACHE_FORMAT,
        parts.packsmithVersion,
        parts.code,
        parts.checkIds,
        parts.inline,
        parts.regions,
      ]),
    )
    .update(parts.text)
    .digest('hex');
}

/**
 * packsmith's code and data as they are on disk: this module's file (in the CLI bundle, a chunk
 * whose name changes with its content) and the shipped catalog's data files, each by name, size and
 * modification time. A development checkout that edits a check without changing the version gets
 * new keys after its next build.
 */
export function codeFingerprint(dataFiles: readonly string[]): string {
  const files = [fileURLToPath(import.meta.url), ...dataFiles];
  return JSON.stringify(
    files.map((file) => {
      try {
        const s = statSync(file);
        return [file, s.size, s.mtimeMs];
      } catch {
        return [file];
      }
    }),
  );
}

const kinds: readonly FileKind[] = ['template', 'authoring', 'broken', 'neither'];

function isEntry(v: unknown): v is CheckCacheEntry {
  if (!isObject(v) || !kinds.includes(v.kind as FileKind)) return false;
  if (v.diagnostics === undefined) return true;
  return (
    (v.kind === 'template' || v.kind === 'broken') &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every(isFileFreeDiagnostic)
  );
}

/** The entry for a key; undefined when absent, unreadable or not exactly the expected shape. */
export function readCheckCacheEntry(cacheDir: string, key: string): Promise<CheckCacheEntry | undefined> {
  return readEntryFile(
    cacheFile(cacheDir, key),
    { format: CHECK_CACHE_FORMAT, key, field: 'entry' },
    isEntry,
  );
}

/**
 * Writes the entries (creating the folder) and keeps the folder within `maxEntries`: when it holds
 * more, the oldest entries by modification time go, down to 90% of the bound. Errors are returned,
 * not thrown: the results are correct without the cache, only the next run is slower.
 */
export async function storeCheckCacheEntries(
  cacheDir: string,
  entries: ReadonlyArray<[key: string, entry: CheckCacheEntry]>,
  maxEntries = CHECK_CACHE_MAX_ENTRIES,
): Promise<Error | undefined> {
  if (entries.length === 0) return undefined;
  try {
    await mkdir(cacheDir, { recursive: true });
    await Promise.all(
      entries.map(([key, entry]) =>
        writeEntryFile(cacheFile(cacheDir, key), { format: CHECK_CACHE_FORMAT, key, entry }),
      ),
    );
    const names = (await readdir(cacheDir)).filter((n) => n.endsWith('.json'));
    if (names.length > maxEntries) {
      const dated = await Promise.all(
        names.map(async (name) => ({
          name,
          mtime: await stat(join(cacheDir, name)).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        })),
      );
      dated.sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : 1));
      const excess = dated.slice(0, names.length - Math.floor(maxEntries * 0.9));
      await Promise.all(excess.map((d) => rm(join(cacheDir, d.name), { force: true })));
    }
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** A diagnostic of one file, stored without it. */
export function withoutFile(diagnostic: Diagnostic): FileFreeDiagnostic | undefined {
  const { location, ...rest } = diagnostic;
  if (!location) return undefined;
  const { file: _file, ...place } = location;
  return { ...rest, location: place };
}
