import { relative, sep } from 'node:path';

/** A path as reports show it: relative to `base` when inside it, always with `/`. */
export function displayPath(path: string, base: string = process.cwd()): string {
  const rel = relative(base, path);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? path : rel;
  return sep === '/' ? shown : shown.split(sep).join('/');
}
