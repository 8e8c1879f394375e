/**
 * One cache entry file, as both result caches keep them (cfn-lint/cache.ts, check-cache.ts):
 * `{ format, key, <field>: value }`, written atomically, read back only when the format and key are
 * the expected ones and the value passes the caller's shape check.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { inputFileLimits } from '../facts/limits.js';
import { isObject } from './template-values.js';

/**
 * The entry's value; undefined when the file is absent, unreadable, not a regular file within
 * `maxBytes`, or not exactly as expected.
 */
export async function readEntryFile<T>(
  file: string,
  expected: { format: number; key: string; field: string },
  isValue: (v: unknown) => v is T,
  maxBytes: number = inputFileLimits.cacheEntryBytes,
): Promise<T | undefined> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry: unknown = JSON.parse(text);
    if (!isObject(entry) || entry.format !== expected.format || entry.key !== expected.key) return undefined;
    const value = entry[expected.field];
    return isValue(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes an entry atomically (temporary file + rename), so a reader never sees half an entry. */
export async function writeEntryFile(
  file: string,
  entry: { format: number; key: string } & Record<string, unknown>,
): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(entry)}\n`, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
