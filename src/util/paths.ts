import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A path as reports show it: relative to `base` (with `../` when outside it), always with `/`.
 * Only a path on another drive, which has no relative form, stays absolute.
 */
export function displayPath(path: string, base: string = process.cwd()): string {
  const rel = relative(base, path);
  const shown = rel === '' ? '.' : isAbsolute(rel) ? path : rel;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** Absolute path of a file named relative to an authoring file. */
export function resolveBeside(authoringFile: string, relativePath: string): string {
  return resolve(dirname(authoringFile), relativePath);
}
