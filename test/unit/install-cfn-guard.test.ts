/**
 * scripts/install-cfn-guard.mjs reads the pinned npm tarball with its own small tar reader: it
 * returns the one file asked for and refuses entries that lead outside the archive or are over the
 * size bound, whatever else the archive holds.
 */
import { describe, expect, it } from 'vitest';

type Extract = (tar: Buffer, wanted: string) => Buffer;
const { extractEntry } = (await import(
  // @ts-expect-error -- a plain Node script without type declarations
  '../../scripts/install-cfn-guard.mjs'
)) as { extractEntry: Extract };

/** One ustar header (512 bytes) and its data padded to 512. */
function entry(name: string, data: Buffer, size = data.length, type = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(size.toString(8).padStart(11, '0'), 124, 12, 'ascii');
  header.write(type, 156, 1, 'ascii');
  header.write('ustar', 257, 'ascii');
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded]);
}
const end = Buffer.alloc(1024);

describe('the installer tar reader', () => {
  it('returns the file asked for, past other entries', () => {
    const tar = Buffer.concat([
      entry('package/README.md', Buffer.from('readme')),
      entry('package/bin/ubuntu/x86_64/cfn-guard', Buffer.from('#!binary')),
      end,
    ]);
    expect(extractEntry(tar, 'package/bin/ubuntu/x86_64/cfn-guard').toString()).toBe('#!binary');
    expect(() => extractEntry(tar, 'package/bin/macos/aarch64/cfn-guard')).toThrow(/not in the archive/);
  });

  it('refuses a path with .. and an entry over 64 MB', () => {
    const escape = Buffer.concat([entry('package/../../etc/passwd', Buffer.from('x')), end]);
    expect(() => extractEntry(escape, 'package/bin/ubuntu/x86_64/cfn-guard')).toThrow(/refused/);
    const huge = Buffer.concat([entry('package/big', Buffer.alloc(0), 65 * 1024 * 1024), end]);
    expect(() => extractEntry(huge, 'package/bin/ubuntu/x86_64/cfn-guard')).toThrow(/over the/);
  });
});
