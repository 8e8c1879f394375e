/**
 * A rollout rehearsal for CLI tests: the sandbox (moto_server + Config emulator) with a small
 * organization, a temporary pack repository holding the example packs and a sandbox
 * `packsmith.deploy.yaml`, and two ways to run the CLI against it: in-process (`cli`, captured
 * output) and as a separate process (`spawnCli`), for what needs its own stdout, signals or a
 * second concurrent run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  sandboxDeployConfig,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/sandbox.js';
import { packageRoot } from '../../src/util/package-root.js';
import { afterAll, beforeAll } from 'vitest';
import type { RolloutSelection } from '../../src/app/context.js';
import { runCli, type CliResult } from './cli.js';

export interface RolloutFixtureOptions {
  /** Member accounts (besides the management account). */
  accounts: number;
  regions?: string[];
  /** Packs of the deployment configuration; default s3-data-protection. */
  packs?: string[];
  /** Per-account completion delay of the emulator. */
  delay?: { baseMs: number; jitterMs: number };
  /** The Config emulator's clock; `manual` holds every pack in progress until `sandbox.emulator.tick`. */
  clock?: 'real' | 'manual';
  depth?: number;
  fanout?: number;
  /** Members over the root and the OUs (default) or, `false`, over the OUs only. */
  membersInRoot?: boolean;
  /** How many member accounts get no recorder in moto (see SandboxOptions.withoutRecorder). */
  withoutRecorder?: number;
  /** The StackSets emulator's options (per-instance delay, clock, seed). */
  stackSets?: SandboxOptions['stackSets'];
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliChild {
  readonly proc: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once the child has exited and its pipes are closed. */
  readonly exited: Promise<ChildExit>;
  /** Resolves when stderr (or stdout) matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export interface RolloutFixture {
  sandbox: Sandbox;
  /** The temporary pack repository (`--root`). */
  repo: string;
  /** Environment pointing packsmith at the sandbox. */
  env: Record<string, string>;
  /** The status database of the configuration (statePath). */
  statePath: string;
  /** The default configuration text, as first written. */
  config: string;
  /** `packsmith <args> --root repo`, in this process. */
  cli(...args: string[]): Promise<CliResult>;
  /** `packsmith <args> --root repo` as a separate Node process. */
  spawnCli(args: string[]): CliChild;
  writeConfig(text: string): void;
  stop(): Promise<void>;
}

const cliEntry = join(packageRoot(), 'src', 'cli', 'bin.ts');

export async function startRolloutFixture(options: RolloutFixtureOptions): Promise<RolloutFixture> {
  const packs = options.packs ?? ['s3-data-protection'];
  const sandboxOptions: SandboxOptions = {
    accounts: options.accounts,
    regions: options.regions ?? ['us-east-1', 'eu-west-1'],
    depth: options.depth ?? 2,
    fanout: options.fanout ?? 2,
    emulator: {
      delay: options.delay ?? { baseMs: 100, jitterMs: 200 },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    },
    ...(options.membersInRoot === undefined ? {} : { membersInRoot: options.membersInRoot }),
    ...(options.withoutRecorder === undefined ? {} : { withoutRecorder: options.withoutRecorder }),
    ...(options.stackSets === undefined ? {} : { stackSets: options.stackSets }),
  };
  const sandbox = await startSandbox(sandboxOptions);
  const repo = mkdtempSync(join(tmpdir(), 'packsmith-cli-rollout-'));
  cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
  const config = sandboxDeployConfig(sandbox, packs).replace(
    'statePath: .packsmith/sandbox-state.db',
    'statePath: .packsmith/state.db',
  );
  writeFileSync(join(repo, 'packsmith.deploy.yaml'), config);
  const env = { ...sandbox.env, NODE_NO_WARNINGS: '1', NO_COLOR: '1' };
  const children = new Set<ChildProcessWithoutNullStreams>();

  const spawnCli = (args: string[]): CliChild => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args, '--root', repo], {
      cwd: packageRoot(),
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stdin.end(); // no terminal: confirmation needs --yes
    children.add(proc);
    let out = '';
    let err = '';
    const watchers = new Set<() => void>();
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (c: string) => {
      out += c;
      for (const w of watchers) w();
    });
    proc.stderr.on('data', (c: string) => {
      err += c;
      for (const w of watchers) w();
    });
    const exited = new Promise<ChildExit>((resolve) =>
      proc.once('close', (code, signal) => {
        children.delete(proc);
        for (const w of watchers) w();
        resolve({ code, signal, stdout: out, stderr: err });
      }),
    );
    return {
      proc,
      stdout: () => out,
      stderr: () => err,
      exited,
      waitFor(pattern, timeoutMs = 30_000) {
        return new Promise<void>((resolve, reject) => {
          const done = () => {
            watchers.delete(check);
            clearTimeout(timer);
          };
          const check = () => {
            if (pattern.test(err) || pattern.test(out)) {
              done();
              resolve();
            } else if (proc.exitCode !== null || proc.signalCode !== null) {
              done();
              reject(new Error(`the CLI exited before ${pattern}:\n${out}\n${err}`));
            }
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`));
          }, timeoutMs);
          watchers.add(check);
          check();
        });
      },
    };
  };

  return {
    sandbox,
    repo,
    env,
    statePath: join(repo, '.packsmith', 'state.db'),
    config,
    cli: (...args: string[]) => runCli([...args, '--root', repo], { env }),
    spawnCli,
    writeConfig: (text: string) => writeFileSync(join(repo, 'packsmith.deploy.yaml'), text),
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      await sandbox.stop();
      rmSync(repo, { recursive: true, force: true });
    },
  };
}

/** Opens the status database read-only, runs `read`, closes it. */
export function readDatabase<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Waits until `check` returns a value other than undefined, polling every `everyMs`. */
export async function eventually<T>(
  check: () => T | undefined,
  { timeoutMs = 30_000, everyMs = 50, what = 'the condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const deployArgs = (...more: string[]): string[] => [
  'deploy',
  '--yes',
  '--poll-interval',
  '0.1',
  '--timeout',
  '2',
  ...more,
];

/**
 * Points this process's AWS SDK at the sandbox: sets the fixture's environment (per-service
 * endpoints, fake credentials) and removes AWS_PROFILE. Returns the function that restores both.
 */
function useSandboxEnvironment(env: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  saved.set('AWS_PROFILE', process.env.AWS_PROFILE);
  delete process.env.AWS_PROFILE;
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/**
 * A sandbox rollout for a describe block that drives the core directly: started before its tests
 * with the SDK pointed at it (`useSandboxEnvironment`), stopped and the environment restored after.
 * Read `fx` and `selection` (every pack of the fixture's repository) inside the tests.
 */
export function useRolloutFixture(options: RolloutFixtureOptions): {
  readonly fx: RolloutFixture;
  readonly selection: RolloutSelection;
} {
  let fx: RolloutFixture | undefined;
  let restoreEnvironment = () => {};
  beforeAll(async () => {
    fx = await startRolloutFixture(options);
    restoreEnvironment = useSandboxEnvironment(fx.env);
  }, 120_000);
  afterAll(async () => {
    restoreEnvironment();
    await fx?.stop();
  });
  const started = () => {
    if (!fx) throw new Error('the rollout fixture is used before it started (use it inside a test)');
    return fx;
  };
  return {
    get fx() {
      return started();
    },
    get selection() {
      return { root: started().repo, shownFrom: started().repo, packs: [] };
    },
  };
}
