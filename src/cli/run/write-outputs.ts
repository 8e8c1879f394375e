/**
 * Writes a set of output files all or nothing: every changed file goes to a temporary file beside
 * its target first; only when every one is written are they renamed into place. A failed write (a
 * full disk, a folder that is not writable) removes every temporary file and leaves the previous
 * outputs untouched. Renames within one folder do not fail for lack of space; should one fail
 * anyway, the remaining temporary files are removed and the message says which outputs were replaced.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { displayPath } from '../../util/paths.js';
import { CliError, UsageError } from '../errors.js';

/** The file-system calls the writer makes (a test injects failures through it). */
export interface OutputFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, content: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
}

export const nodeOutputFs: OutputFs = { mkdir, readFile, writeFile, rename, rm };

export interface OutputFile {
  path: string;
  content: string;
}

/** Writes `files` into `dir` (created if missing); for each file, true when it was already current. */
export async function writeAllOrNothing(
  dir: string,
  files: readonly OutputFile[],
  fs: OutputFs = nodeOutputFs,
): Promise<boolean[]> {
  await prepareFolder(dir, fs);
  const unchanged = await Promise.all(files.map((f) => isCurrent(f, fs)));
  const changed = files.filter((_, i) => !unchanged[i]);
  const temps: string[] = [];
  for (const file of changed) {
    const temp = `${file.path}.${process.pid}.tmp`;
    temps.push(temp);
    try {
      await fs.writeFile(temp, file.content, 'utf8');
    } catch (error) {
      await removeAll(temps, fs);
      throw writeError(file.path, error, 'nothing was written; the previous outputs are unchanged');
    }
  }
  for (const [i, file] of changed.entries()) {
    try {
      await fs.rename(temps[i]!, file.path);
    } catch (error) {
      await removeAll(temps.slice(i), fs);
      const replaced = changed.slice(0, i).map((f) => displayPath(f.path));
      throw writeError(
        file.path,
        error,
        replaced.length ? `only ${replaced.join(', ')} were replaced` : 'nothing was replaced',
      );
    }
  }
  return unchanged;
}

async function prepareFolder(dir: string, fs: OutputFs): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UsageError(
        `the output folder ${displayPath(dir)} is a file (or lies under one); pass a folder with --out`,
      );
    }
    throw new CliError(
      `cannot create the output folder ${displayPath(dir)}: ${reason(error)}; choose a writable folder with --out`,
    );
  }
}

/** True when `file` already holds exactly its content; a path that cannot be read as a file is refused. */
async function isCurrent(file: OutputFile, fs: OutputFs): Promise<boolean> {
  try {
    return (await fs.readFile(file.path, 'utf8')) === file.content;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw writeError(file.path, error, 'nothing was written');
  }
}

async function removeAll(paths: readonly string[], fs: OutputFs): Promise<void> {
  await Promise.all(paths.map((p) => fs.rm(p, { force: true }).catch(() => undefined)));
}

function writeError(path: string, error: unknown, outcome: string): CliError {
  return new CliError(`cannot write ${displayPath(path)}: ${reason(error)}; ${outcome}. ${advice(error)}`);
}

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file',
};

function reason(error: unknown): string {
  const code = errorCode(error);
  return code ? `${reasons[code] ?? 'the write failed'} (${code})` : 'the write failed';
}

function advice(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free some space and run `packsmith build` again.';
    case 'EISDIR':
    case 'ENOTDIR':
      return 'Remove what is in the way or choose another folder with --out.';
    default:
      return 'Make the folder writable or choose another one with --out.';
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
