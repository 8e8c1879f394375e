/**
 * Finds cfn-lint and its version (`cfn-lint --version` → `cfn-lint 1.51.0`), once per process and
 * executable.
 */
import { constants } from 'node:fs';
import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, join, sep } from 'node:path';

export const DEFAULT_EXECUTABLE = 'cfn-lint';

export type CfnLintDetection =
  | { found: true; executable: string; version: string }
  /** `problem` completes "cfn-lint …", e.g. `is not installed (not on PATH)`. */
  | { found: false; executable: string; problem: string };

const detections = new Map<string, Promise<CfnLintDetection>>();

/** The version in `cfn-lint --version` output (`cfn-lint 1.51.0` → `1.51.0`). */
export function parseCfnLintVersion(output: string): string | undefined {
  const match = /\bv?(\d+\.\d+\.\d+[\w.+-]*)/.exec(output);
  return match?.[1];
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

async function detect(executable: string): Promise<CfnLintDetection> {
  const { execa } = await import('execa');
  const result = await execa(executable, ['--version'], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  if (result.code === 'ENOENT') {
    const where = executable === DEFAULT_EXECUTABLE ? 'not on PATH' : `\`${executable}\` not found`;
    return { found: false, executable, problem: `is not installed (${where})` };
  }
  const version = result.failed ? undefined : parseCfnLintVersion(`${result.stdout}\n${result.stderr}`);
  if (version === undefined) {
    const detail = result.timedOut
      ? 'timed out'
      : result.exitCode !== undefined && result.exitCode !== 0
        ? `exited with code ${result.exitCode}`
        : result.failed
          ? (result.originalMessage ?? result.shortMessage ?? 'failed')
          : 'printed no version';
    const said = firstLine(result.stderr) || firstLine(result.stdout);
    return {
      found: false,
      executable,
      problem: `does not work (\`${executable} --version\` ${detail}${said ? `: ${said}` : ''})`,
    };
  }
  return { found: true, executable, version };
}

/** Runs `<executable> --version` at most once per process for each executable. */
export function detectCfnLint(executable: string = DEFAULT_EXECUTABLE): Promise<CfnLintDetection> {
  let detection = detections.get(executable);
  if (!detection) {
    detection = detect(executable);
    detections.set(executable, detection);
  }
  return detection;
}

/**
 * What identifies the installed cfn-lint without starting it: the executable found on PATH (its
 * real path, size and modification time) and, for a pyenv shim, the scripts the shim can run and
 * the selected Python version. An upgrade rewrites the script, so the fingerprint changes.
 * Undefined when the executable is not on PATH.
 */
export async function cfnLintFingerprint(
  executable: string = DEFAULT_EXECUTABLE,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const found = await onPath(executable, env);
  if (!found) return undefined;
  const real = await realpath(found);
  const parts: string[] = [real, await statPart(real)];
  const head = await readFile(real, 'utf8').then(
    (t) => t.slice(0, 2048),
    () => '',
  );
  if (/pyenv/.test(head)) {
    const root = env.PYENV_ROOT ?? join(homedir(), '.pyenv');
    parts.push(`PYENV_VERSION=${env.PYENV_VERSION ?? ''}`);
    parts.push(await readFile(join(root, 'version'), 'utf8').catch(() => ''));
    const versions = await readdir(join(root, 'versions')).catch(() => [] as string[]);
    for (const v of versions.sort())
      parts.push(`${v}:${await statPart(join(root, 'versions', v, 'bin', basename(executable)))}`);
  }
  return parts.join('|');
}

async function statPart(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The executable's path: as given when it names a folder, else the first match on PATH. */
export async function onPath(executable: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (executable.includes('/') || executable.includes(sep)) return executable;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, executable);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
