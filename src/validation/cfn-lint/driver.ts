/**
 * The cfn-lint driver (driver.py beside this file, shipped in the package): one Python process that
 * imports cfnlint once and forks workers that take the templates one at a time, instead of one
 * cfn-lint process per batch, each paying cfn-lint's start-up (~1.9 s) and balanced only by
 * estimates. Used for the default `cfn-lint` when its script names a Python interpreter (directly,
 * or through a pyenv shim) and that Python can import cfnlint and fork; run.ts keeps the batches
 * otherwise. The protocol is described in driver.py.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../util/package-root.js';
import { onPath } from './detect.js';
import { duration, stderrExcerpt } from './messages.js';

/** The driver script, relative to the package folder (package.json `files` ships it). */
export const DRIVER_SCRIPT = 'src/validation/cfn-lint/driver.py';
const UNAVAILABLE_EXIT = 3;

/**
 * The interpreter a script's first lines start it with: `#!/path/python`, `#!/usr/bin/env python3`,
 * or pip's `#!/bin/sh` + `'''exec' "/path/python" "$0" "$@"` form for long or spaced paths.
 * Undefined for a script that is not a Python script (a shell wrapper, a pyenv shim, a binary).
 */
export function pythonOfScript(head: string): string | undefined {
  const pip = /^#!\/bin\/sh\r?\n'''exec' "?([^"\n]*?python[^"\n/]*)"? /.exec(head);
  if (pip) return pip[1];
  const line = /^#!([^\r\n]*)/.exec(head)?.[1]?.trim();
  if (!line) return undefined;
  const words = line.split(/\s+/);
  let program = words[0]!;
  if (/(^|\/)env$/.test(program))
    program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
  return /(^|\/)python[\d.]*$/.test(program) ? program : undefined;
}

/**
 * The Python that runs `cfn-lint` as found on PATH: its script's interpreter; for a pyenv shim,
 * that of the script `pyenv which cfn-lint` names. Undefined when none is found (Windows, a binary,
 * a wrapper): the caller runs the executable itself.
 */
export async function findDriverPython(
  executable: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const found = await onPath(executable, env);
  if (!found) return undefined;
  const head = async (path: string) =>
    readFile(path).then(
      (b) => b.subarray(0, 1024).toString('latin1'),
      () => '',
    );
  const script = await realpath(found).catch(() => found);
  const text = await head(script);
  const direct = pythonOfScript(text);
  if (direct) return direct;
  if (!/^#!.*\b(ba)?sh\b/.test(text) || !/pyenv/.test(text)) return undefined;
  const { execa } = await import('execa');
  const which = await execa('pyenv', ['which', executable], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 30_000,
  });
  const real = which.exitCode === 0 ? which.stdout.trim() : '';
  return real ? pythonOfScript(await head(real)) : undefined;
}

/** Why the driver stopped: `index` is the file it was linting when it failed, if known. */
export class DriverFailure extends Error {
  constructor(
    message: string,
    readonly index?: number,
  ) {
    super(message);
  }
}

export type DriverHello = { version: string } | { unavailable: string };

export interface DriverOptions {
  python: string;
  workers: number;
  cwd: string;
  /** From the start: the driver is stopped after this (TERM, then KILL). */
  timeoutMs: number;
  /** Largest total output (characters) accepted. */
  maxBuffer: number;
}

type Message = { version: string } | { unavailable: string } | { error: string; i?: number } | FileResult;
interface FileResult {
  i: number;
  ms: number;
  output: string;
}

/**
 * One driver process: `hello` first, then `lint` once (or `close`). Started through execa (like
 * every cfn-lint process), whose clean-up stops it should packsmith itself exit or be killed.
 */
export class Driver {
  readonly hello: Promise<DriverHello>;
  private readonly lines: AsyncIterator<string>;
  private readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private stderr = '';
  private received = 0;
  private timedOut = false;
  private overflow = false;
  private readonly timer: NodeJS.Timeout;

  /** Starts the driver (execa is loaded here, only when cfn-lint is about to run). */
  static async start(options: DriverOptions): Promise<Driver> {
    const { execa } = await import('execa');
    const script = join(packageRoot(), DRIVER_SCRIPT);
    // Streams, not buffers: the output is read line by line as each template is done.
    const child = execa(options.python, [script, String(options.workers)], {
      cwd: options.cwd,
      buffer: false,
      reject: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    return new Driver(options, child as unknown as ChildProcessWithoutNullStreams);
  }

  private constructor(
    private readonly options: DriverOptions,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    const spawned = new Promise<Error | undefined>((done) => {
      this.child.once('spawn', () => done(undefined));
      this.child.once('error', (error) => done(error));
    });
    this.exited = new Promise((done) => this.child.once('close', (code, signal) => done({ code, signal })));
    this.child.stdin.on('error', () => undefined); // a driver that died: its exit says why
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      // The end of stderr says why a process failed: keep the last 64 KiB.
      this.stderr = (this.stderr + chunk).slice(-65_536);
    });
    this.lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity })[Symbol.asyncIterator]();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.kill();
    }, options.timeoutMs);
    this.timer.unref();
    this.hello = spawned.then(async (error) => {
      if (error) return { unavailable: `cannot start ${options.python}: ${error.message}` };
      const first = await this.next();
      if (!first) {
        const { code } = await this.exited;
        if (code === UNAVAILABLE_EXIT) return { unavailable: 'it stopped before saying why' };
        throw await this.failure('while loading cfnlint');
      }
      if ('version' in first || 'unavailable' in first) return first;
      throw await this.failure('while loading cfnlint', first);
    });
  }

  /** The driver's process id (its workers are its children). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private kill(): void {
    this.child.kill('SIGTERM');
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }

  /** The next message, undefined at the end of the output. */
  private async next(): Promise<Message | undefined> {
    const { value, done } = await this.lines.next();
    if (done) return undefined;
    this.received += value.length;
    if (this.received > this.options.maxBuffer) {
      this.overflow = true;
      this.kill();
      return undefined;
    }
    try {
      return JSON.parse(value) as Message;
    } catch {
      return { error: `the driver printed a line that is not JSON: ${JSON.stringify(value.slice(0, 200))}` };
    }
  }

  /** What went wrong, once the process has ended. */
  private async failure(what: string, message?: Message): Promise<DriverFailure> {
    const { code, signal } = await this.exited;
    clearTimeout(this.timer);
    if (this.timedOut) {
      return new DriverFailure(
        `cfn-lint did not finish within ${duration(this.options.timeoutMs)} and was stopped, ${what}`,
      );
    }
    if (this.overflow) {
      return new DriverFailure(
        `cfn-lint printed more than ${this.options.maxBuffer} characters and was stopped, ${what}`,
      );
    }
    if (message && 'error' in message) {
      return new DriverFailure(`cfn-lint failed ${what}: ${message.error}`, message.i);
    }
    const why = signal ? `was killed by ${signal}` : `crashed (exit code ${code})`;
    return new DriverFailure(`cfn-lint ${why} ${what}.${stderrExcerpt(this.stderr)}`);
  }

  /**
   * Lints `files` (cfn-lint arguments, glob-escaped), telling `onFile` each one's JSON output and
   * time as it is done. Throws a DriverFailure when the driver fails; `what` completes its message,
   * given the file that failed when the driver names one.
   */
  async lint(
    files: readonly string[],
    what: (index?: number) => string,
    onFile: (index: number, output: string, ms: number) => Promise<void>,
  ): Promise<void> {
    this.child.stdin.end(JSON.stringify({ files }));
    let seen = 0;
    for (;;) {
      const message = await this.next();
      if (!message) break;
      if ('error' in message) throw await this.failure(what(message.i), message);
      if (!('i' in message) || typeof message.output !== 'string' || files[message.i] === undefined) {
        throw await this.failure(what(), {
          error: `unexpected message ${JSON.stringify(message).slice(0, 200)}`,
        });
      }
      seen++;
      await onFile(message.i, message.output, message.ms);
    }
    const { code } = await this.exited;
    clearTimeout(this.timer);
    if (code !== 0 || seen !== files.length || this.timedOut || this.overflow)
      throw await this.failure(what());
  }

  /** Ends a driver that has nothing to lint. */
  async close(): Promise<void> {
    this.child.stdin.end(JSON.stringify({ files: [] }));
    await this.exited;
    clearTimeout(this.timer);
  }

  /** Stops the driver (and so its workers) at once. */
  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    clearTimeout(this.timer);
  }
}
