/**
 * V8's compile cache for packsmith's own code (`module.enableCompileCache`, Node ≥ 22.1): the second
 * start reads compiled code instead of compiling the bundle again. Node 20 has no such function and
 * nothing happens. The entry point (bin.ts) turns it on before it loads the rest of the CLI.
 *
 * The folder is per user, never a shared world-writable one (Node's own default is
 * `<tmpdir>/node-compile-cache`, which on most systems is /tmp, where another user could plant
 * entries): `NODE_COMPILE_CACHE` when set (Node itself then enables it at start-up), else the user's
 * cache folder. `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as Node documents.
 */
import module from 'node:module';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

type EnableCompileCache = (directory?: string) => { status: number; message?: string; directory?: string };

/**
 * The folder for packsmith's compile cache, or undefined when there is no safe one: the platform's
 * per-user cache folder (XDG_CACHE_HOME when absolute, else ~/.cache; ~/Library/Caches on macOS;
 * LOCALAPPDATA on Windows), under `packsmith/compile-cache`.
 */
export function compileCacheDirectory(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string | undefined,
): string | undefined {
  const { isAbsolute, join } = platform === 'win32' ? win32 : posix;
  const absolute = (path: string | undefined) => (path && isAbsolute(path) ? path : undefined);
  const base =
    platform === 'win32'
      ? absolute(env.LOCALAPPDATA)
      : platform === 'darwin'
        ? absolute(home) && join(home!, 'Library', 'Caches')
        : (absolute(env.XDG_CACHE_HOME) ?? (absolute(home) && join(home!, '.cache')));
  return base ? join(base, 'packsmith', 'compile-cache') : undefined;
}

/**
 * Turns the compile cache on where Node has it; returns the folder in use, or undefined when it
 * stays off (Node 20, disabled, no safe folder, or the folder cannot be made). Never throws: a
 * cache is only ever an optimisation.
 */
export function enableCompileCache(
  env: NodeJS.ProcessEnv = process.env,
  // null: this Node has no compile cache (an explicit undefined would select the default).
  enable: EnableCompileCache | null = (module as { enableCompileCache?: EnableCompileCache })
    .enableCompileCache ?? null,
): string | undefined {
  if (!enable) return undefined;
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') return undefined;
  try {
    // NODE_COMPILE_CACHE set: Node has enabled it already, in the user's chosen folder.
    if (env.NODE_COMPILE_CACHE) return enable().directory;
    let home: string | undefined;
    try {
      home = homedir();
    } catch {
      home = undefined;
    }
    const directory = compileCacheDirectory(env, process.platform, home);
    if (directory === undefined) return undefined;
    const result = enable(directory);
    return result.directory;
  } catch {
    return undefined;
  }
}
