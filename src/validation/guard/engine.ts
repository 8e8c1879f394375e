/**
 * The Guard engine (cfn-guard 3): found like cfn-lint (an executable that reports its version), and
 * asked only to parse policies (`cfn-guard parse-tree --rules FILE`, which reads no data and exits 0
 * when the policy parses). One process per distinct policy text (about 20 ms each), two at a time.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { mapLimit } from '../../util/map-limit.js';
import { packageRoot } from '../../util/package-root.js';

export type CfnGuardMode = 'auto' | 'require' | 'off';

/** The environment variable that names the cfn-guard executable (a path or a name on PATH). */
export const CFN_GUARD_ENV = 'PACKSMITH_CFN_GUARD';
export const CFN_GUARD_INSTALL_HINT =
  'install it with `node scripts/install-cfn-guard.mjs` (packsmith checkout), put cfn-guard on PATH, or set PACKSMITH_CFN_GUARD to its path';

export type CfnGuardDetection =
  { found: true; executable: string; version: string } | { found: false; problem: string };

/**
 * execa, loaded when a process is started: a build with no Guard policy starts none and need not load
 * it (~250 KB of the CLI bundle).
 */
const loadExeca = async () => (await import('execa')).execa;

/** Where cfn-guard is looked for, in order: PACKSMITH_CFN_GUARD, PATH, the project's `.tools/bin`. */
export async function cfnGuardCandidates(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const configured = env[CFN_GUARD_ENV];
  if (configured) return [configured];
  const out: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'cfn-guard');
    if (await executable(candidate)) {
      out.push(candidate);
      break;
    }
  }
  const tools = join(packageRoot(), '.tools', 'bin', 'cfn-guard');
  if (await executable(tools)) out.push(tools);
  return out;
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

const detections = new Map<string, Promise<CfnGuardDetection>>();

/** Finds a working cfn-guard (`cfn-guard --version` → `cfn-guard 3.1.1`), once per process. */
export function detectCfnGuard(env: NodeJS.ProcessEnv = process.env): Promise<CfnGuardDetection> {
  const key = `${env[CFN_GUARD_ENV] ?? ''}\0${env.PATH ?? ''}`;
  let detection = detections.get(key);
  if (!detection) {
    detection = detect(env);
    detections.set(key, detection);
  }
  return detection;
}

async function detect(env: NodeJS.ProcessEnv): Promise<CfnGuardDetection> {
  const candidates = await cfnGuardCandidates(env);
  if (candidates.length === 0) {
    return { found: false, problem: 'is not installed (not on PATH, no .tools/bin/cfn-guard)' };
  }
  const problems: string[] = [];
  const execa = await loadExeca();
  for (const file of candidates) {
    const result = await execa(file, ['--version'], { reject: false, stdin: 'ignore', timeout: 30_000 });
    const version = /\b(\d+\.\d+\.\d+[\w.+-]*)/.exec(`${result.stdout}`)?.[1];
    if (!result.failed && version) return { found: true, executable: file, version };
    problems.push(
      result.code === 'ENOENT'
        ? `\`${file}\` not found`
        : `\`${file} --version\` ${result.exitCode ? `exited with code ${result.exitCode}` : 'printed no version'}`,
    );
  }
  return { found: false, problem: `does not work (${problems.join('; ')})` };
}

/** A syntax error the engine reported: 1-based line and column in the policy text. */
export interface GuardParseError {
  line: number;
  column: number;
  message: string;
}

/**
 * The engine's parse error (`… Error parsing file  at line 2 at column 7, when handling expecting …,
 * fragment …`) as a position and a one-line message. Unknown shapes keep the whole text at 1:1.
 */
export function parseGuardError(stderr: string): GuardParseError {
  const match = /at line (\d+) at column (\d+), when handling ([^]*?), fragment ([^]*)$/.exec(stderr.trim());
  if (!match) {
    const text = stderr.trim().replace(/\s+/g, ' ') || 'the policy does not parse';
    return { line: 1, column: 1, message: text.replace(/^Error occurred /, '') };
  }
  const expected = match[3]!.trim();
  const firstLine = match[4]!.replace(/`\s*$/, '').split(/\r?\n/)[0]!;
  const fragment = firstLine.trim();
  // The engine points just after what it read (`x ==| "Enabled`); the fragment's own start is where
  // the author looks, so skip the blanks before it on the same line.
  const skip = fragment ? firstLine.length - firstLine.trimStart().length : 0;
  const message = [
    expected ? `${expected}` : 'unexpected text',
    fragment
      ? `at \`${fragment.slice(0, 60)}${fragment.length > 60 ? '…' : ''}\``
      : 'at the end of the policy',
  ].join(' ');
  return { line: Number(match[1]), column: Number(match[2]) + skip, message };
}

/** Parses each distinct text with the engine; the result maps a text to its error (undefined: it parses). */
export async function parsePolicies(
  texts: readonly string[],
  executablePath: string,
  options: { timeoutMs?: number; concurrency?: number } = {},
): Promise<Map<string, GuardParseError | undefined>> {
  const distinct = [...new Set(texts)];
  const out = new Map<string, GuardParseError | undefined>();
  if (distinct.length === 0) return out;
  const execa = await loadExeca();
  const dir = await mkdtemp(join(tmpdir(), 'packsmith-guard-'));
  try {
    const results = await mapLimit(distinct, options.concurrency ?? 2, async (text, i) => {
      const file = join(dir, `policy-${i}.guard`);
      await writeFile(file, text);
      const result = await execa(executablePath, ['parse-tree', '--rules', file], {
        reject: false,
        stdin: 'ignore',
        stdout: 'ignore',
        timeout: options.timeoutMs ?? 60_000,
      });
      if (result.timedOut) throw new Error(`cfn-guard parse-tree timed out on a Guard policy`);
      if (result.exitCode === 0) return undefined;
      return parseGuardError(result.stderr);
    });
    distinct.forEach((text, i) => out.set(text, results[i]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
