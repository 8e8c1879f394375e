/**
 * Runs the CLI in-process through `main()` and captures what it writes. The suite runs in forked
 * workers (vitest pool 'forks'), so changing the working directory is allowed; it is restored, as are
 * the environment, `process.exitCode` and the stream writers, even when main throws.
 */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Working directory for the run. */
  cwd?: string;
  /**
   * Environment changes for the run; `undefined` removes a variable. `NO_COLOR=1` is set unless
   * given here (pass `{ NO_COLOR: undefined, FORCE_COLOR: '1' }` to test colour).
   */
  env?: Record<string, string | undefined>;
}

type Write = typeof process.stdout.write;

function capture(stream: NodeJS.WriteStream, sink: string[]): () => void {
  const original = stream.write;
  const fake = function write(chunk: unknown, ...rest: unknown[]): boolean {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    if (callback) queueMicrotask(callback);
    return true;
  };
  stream.write = fake as Write;
  return () => {
    stream.write = original;
  };
}

/** `packsmith <args>` as a user would run it; resolves with the exit code and the captured output. */
export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { NO_COLOR: '1', ...opts.env };
  const savedEnv = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const restoreOut = capture(process.stdout, stdout);
  const restoreErr = capture(process.stderr, stderr);
  try {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (opts.cwd) process.chdir(opts.cwd);
    process.exitCode = undefined;
    const code = await main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    restoreOut();
    restoreErr();
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Runs `run` with process.stderr claiming to be a terminal (so progress bars are drawn, into what
 * `runCli` captures), then restores it.
 */
export async function withStderrTerminal<T>(run: () => Promise<T>): Promise<T> {
  const saved = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true, writable: true });
  try {
    return await run();
  } finally {
    if (saved) Object.defineProperty(process.stderr, 'isTTY', saved);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
}
