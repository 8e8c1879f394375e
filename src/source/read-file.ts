/**
 * Reading a file a user names, bounded and confined: the one edge every user-supplied file goes
 * through. The path is resolved through its symbolic links; with a root, the real path must lie
 * inside it; only a regular file is opened (checked before opening, so a FIFO never blocks and a
 * device is never read) and at most `maxBytes` + 1 bytes are read, so a file that grows or reports
 * a wrong size cannot exhaust memory. Every refusal is a value, never an exception, and no message
 * holds any of the file's content.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { inputFileLimits, limits } from '../facts/limits.js';

export type RefusalReason = 'missing' | 'outside' | 'not-regular' | 'too-large' | 'unreadable';

export interface FileText {
  ok: true;
  text: string;
  /** The real path that was read (symbolic links resolved). */
  realPath: string;
}

export interface FileRefusal {
  ok: false;
  reason: RefusalReason;
  /** What is wrong, as a clause to follow the file's name: `is not a regular file (a FIFO)`. */
  message: string;
  /** One line that says what to do. */
  fix: string;
}

export type FileRead = FileText | FileRefusal;

export interface ReadFileOptions {
  /** What the file is, for the fix: "Guard policy file", "pack template". */
  purpose: string;
  /** The largest size accepted, in bytes. */
  maxBytes: number;
  /** Why the size limit, appended to the message: "AWS cannot deploy a larger template". */
  limitReason?: string;
  /** What to do about a file over the limit (default: keep it within the limit). */
  limitFix?: string;
  /** When given, the file must resolve, after following symbolic links, inside this folder. */
  root?: string;
}

/** Reads `path` as UTF-8 text when it is safe to; otherwise says why not. Never throws for a bad file. */
export function readUserFile(path: string, options: ReadFileOptions): FileRead {
  let real: string;
  try {
    // The native realpath: one system call, where the JavaScript one lstat()s every component of
    // the path (measured: a third of reading a repository's small files).
    real = realpathSync.native(path);
  } catch (error) {
    return failure(error, options);
  }
  if (options.root !== undefined && !isInside(realRoot(options.root), real)) {
    return {
      ok: false,
      reason: 'outside',
      message: `leads outside the repository (to ${real})`,
      fix: `Move the ${options.purpose} inside the repository and name it by a path there; packsmith reads no file outside it.`,
    };
  }
  return readRealFile(real, options);
}

/**
 * Reads the file at `real`, a path the caller knows to hold no symbolic link (a folder walk that
 * met no link below a resolved folder): what readUserFile does after resolving the path, without
 * resolving it again (glibc's realpath reads every component's link, and a repository has hundreds
 * of files). The last component is still opened without following a link, so a file swapped for
 * a link since the walk is refused. `options.root` is not consulted: the caller confined the folder.
 */
export function readRealFile(real: string, options: ReadFileOptions): FileRead {
  let stats: Stats;
  try {
    stats = statSync(real);
  } catch (error) {
    return failure(error, options);
  }
  const before = checkStats(stats, options);
  if (before) return before;
  let fd: number;
  try {
    // O_NONBLOCK: should the file have been swapped for a FIFO since the check, opening does not wait.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return failure(error, options);
  }
  try {
    const opened = checkStats(fstatSync(fd), options);
    if (opened) return opened;
    const bytes = readAtMost(fd, options.maxBytes + 1, stats.size);
    if (bytes.length > options.maxBytes) return tooLarge(`more than ${options.maxBytes}`, options);
    return { ok: true, text: bytes.toString('utf8'), realPath: real };
  } catch (error) {
    return failure(error, options);
  } finally {
    closeSync(fd);
  }
}

/**
 * A CloudFormation template a user names explicitly (validate, import): no containment, but a
 * regular file of at most the size AWS can deploy; a larger one is not parsed at all.
 */
export function readTemplateFile(path: string): FileRead {
  return readUserFile(path, {
    purpose: 'template',
    maxBytes: inputFileLimits.templateBytes,
    limitReason: `AWS deploys no conformance pack template over ${limits.templateS3Bytes} bytes (300 KB), so this one cannot be deployed and was not parsed`,
    limitFix: 'Split the pack into smaller packs, each template within 300 KB.',
  });
}

/** Whether `path` lies inside the folder `root` (both real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of a folder, or the path itself when it cannot be resolved. */
export function realRoot(root: string): string {
  try {
    return realpathSync.native(root);
  } catch {
    return root;
  }
}

function checkStats(stats: Stats, options: ReadFileOptions): FileRefusal | undefined {
  if (!stats.isFile()) {
    return {
      ok: false,
      reason: 'not-regular',
      message: `is not a regular file (${kindOf(stats)})`,
      fix: `A regular file is needed: name the ${options.purpose} itself, not a folder, FIFO, socket or device.`,
    };
  }
  if (stats.size > options.maxBytes) return tooLarge(String(stats.size), options);
  return undefined;
}

function tooLarge(size: string, options: ReadFileOptions): FileRefusal {
  const reason = options.limitReason ? `; ${options.limitReason}` : '';
  return {
    ok: false,
    reason: 'too-large',
    message: `is ${size} bytes, over the limit of ${options.maxBytes} bytes${reason}`,
    fix: options.limitFix ?? `Keep the ${options.purpose} within ${options.maxBytes} bytes.`,
  };
}

/**
 * Reads up to `cap` bytes, growing the buffer from the size the file reported (one byte more, to see
 * the end at once). Buffers are not zero-filled: only the bytes read are ever returned. (A 64 KB
 * zero-filled buffer per file cost more than parsing the file, for the small files of a repository.)
 */
function readAtMost(fd: number, cap: number, reported: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(cap, Math.max(reported + 1, 4096)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length >= cap) break;
      const bigger = Buffer.allocUnsafe(Math.min(cap, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const got = readSync(fd, buffer, length, buffer.length - length, null);
    if (got === 0) break;
    length += got;
  }
  return buffer.subarray(0, length);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a file';
}

const errnoMessages: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of its path is not a folder)',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (operation not permitted)',
  ELOOP: 'cannot be read (a loop of symbolic links, or a link put in its place)',
  EISDIR: 'is not a regular file (a folder)',
};

function failure(error: unknown, options: ReadFileOptions): FileRefusal {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const missing = code === 'ENOENT' || code === 'ENOTDIR';
  return {
    ok: false,
    reason: missing ? 'missing' : 'unreadable',
    message: Object.hasOwn(errnoMessages, code)
      ? errnoMessages[code]!
      : `cannot be read (${code || 'error'})`,
    fix: missing
      ? `Correct the path of the ${options.purpose}, or create the file.`
      : `Make the ${options.purpose} readable.`,
  };
}
