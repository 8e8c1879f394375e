import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compileCacheDirectory, enableCompileCache } from '../../src/cli/compile-cache.js';

describe('compileCacheDirectory', () => {
  it("is the user's cache folder, never the shared temporary folder", () => {
    expect(compileCacheDirectory({}, 'linux', '/home/ana')).toBe('/home/ana/.cache/packsmith/compile-cache');
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/ana')).toBe(
      '/xdg/packsmith/compile-cache',
    );
    expect(compileCacheDirectory({}, 'darwin', '/Users/ana')).toBe(
      '/Users/ana/Library/Caches/packsmith/compile-cache',
    );
    expect(
      compileCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'win32', 'C:\\Users\\ana'),
    ).toMatch(/AppData.Local.packsmith.compile-cache$/);
    expect(compileCacheDirectory({}, 'linux', '/home/ana')!.startsWith(tmpdir())).toBe(false);
  });

  it('a relative XDG_CACHE_HOME is ignored (the XDG spec); no home folder means no cache', () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ana')).toBe(
      '/home/ana/.cache/packsmith/compile-cache',
    );
    expect(compileCacheDirectory({}, 'linux', undefined)).toBeUndefined();
    expect(compileCacheDirectory({}, 'linux', '')).toBeUndefined();
    expect(compileCacheDirectory({}, 'win32', 'C:\\Users\\ana')).toBeUndefined();
  });
});

describe('enableCompileCache', () => {
  const enabled = (directory?: string) => ({ status: 1, directory: directory ?? '/from/env' });

  it('does nothing where Node has no compile cache (Node 20)', () => {
    expect(enableCompileCache({}, null)).toBeUndefined();
  });

  it("enables it in the user's cache folder", () => {
    const enable = vi.fn(enabled);
    const directory = enableCompileCache({ XDG_CACHE_HOME: '/xdg' }, enable);
    expect(enable).toHaveBeenCalledWith(posix.join('/xdg', 'packsmith', 'compile-cache'));
    expect(directory).toBe(posix.join('/xdg', 'packsmith', 'compile-cache'));
  });

  it('respects NODE_COMPILE_CACHE (Node enabled it in that folder) and NODE_DISABLE_COMPILE_CACHE', () => {
    const enable = vi.fn(enabled);
    expect(enableCompileCache({ NODE_COMPILE_CACHE: '/mine' }, enable)).toBe('/from/env');
    expect(enable).toHaveBeenCalledWith();
    const never = vi.fn(enabled);
    expect(enableCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1' }, never)).toBeUndefined();
    expect(never).not.toHaveBeenCalled();
  });

  it('a failure to enable it is not an error', () => {
    const failing = () => {
      throw new Error('EACCES');
    };
    expect(enableCompileCache({ XDG_CACHE_HOME: '/xdg' }, failing)).toBeUndefined();
    expect(
      enableCompileCache({ XDG_CACHE_HOME: '/xdg' }, () => ({ status: 3, message: 'no' })),
    ).toBeUndefined();
  });
});
