/**
 * Issue 14, "Done when": no string `arn:aws:` is built outside the one partition-aware helper
 * (src/facts/partitions.ts). Every other ARN, placeholder or fix text takes its partition from the
 * Region (`arnPrefix`, `partitionArnPrefix`) or says `arn:<partition>:`. Comments are not code and
 * are skipped; data files (the managed-rule catalog quoting AWS's documented defaults) are not .ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const helper = 'src/facts/partitions.ts';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line` of each code line (not a comment line) holding a literal commercial ARN prefix. */
export function commercialArns(file: string, text: string): string[] {
  const found: string[] = [];
  let inBlock = false;
  text.split('\n').forEach((line, i) => {
    let code = line;
    if (inBlock) {
      const end = code.indexOf('*/');
      if (end < 0) return;
      code = code.slice(end + 2);
      inBlock = false;
    }
    // Block comments opened on this line (JSDoc and /* */), then a trailing // comment.
    for (let start = code.indexOf('/*'); start >= 0; start = code.indexOf('/*')) {
      const end = code.indexOf('*/', start + 2);
      if (end < 0) {
        code = code.slice(0, start);
        inBlock = true;
        break;
      }
      code = code.slice(0, start) + code.slice(end + 2);
    }
    const trimmed = code.trimStart();
    if (trimmed.startsWith('//')) return;
    if (code.includes('arn:aws:')) found.push(`${file}:${i + 1}`);
  });
  return found;
}

describe('ARNs are built for the partition of the Region', () => {
  it('the scanner finds a literal prefix in code and skips it in comments', () => {
    const sample = [
      '/**',
      ' * arn:aws:iam::1:role/in-a-comment',
      ' */',
      "const a = 'arn:aws:iam::1:role/x';",
      '// arn:aws: in a line comment',
      'const b = `arn:${p}:iam::1:role/x`; /* arn:aws: */',
    ].join('\n');
    expect(commercialArns('sample.ts', sample)).toEqual(['sample.ts:4']);
  });

  it(`no file of src/ but ${helper} holds "arn:aws:"`, () => {
    const offenders = tsFiles(join(root, 'src'))
      .map((path) => relative(root, path).split('\\').join('/'))
      .filter((file) => file !== helper)
      .flatMap((file) => commercialArns(file, readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
