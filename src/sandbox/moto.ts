/**
 * moto_server for the sandbox and the tests: started on a free loopback port, stopped by PID.
 *
 * - No orphans: the server is stopped by PID in stop() (SIGTERM, then SIGKILL), by a process
 *   'exit' hook if the owner ends without stopping it, and, on Linux, by the kernel when the owner
 *   dies any other way (even SIGKILL): the child is started through a tiny Python launcher that
 *   sets PR_SET_PDEATHSIG and then exec()s moto_server, so the PID we hold is moto's own.
 * - Clients get `maxAttempts: 1` (moto answers unimplemented calls with HTML, which the SDK would
 *   otherwise retry three times before failing with a JSON SyntaxError), fake credentials,
 *   us-east-1, path-style S3, and optionally an `x-moto-account-id` header to act as another
 *   account.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { OrganizationsClient, type OrganizationsClientConfig } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';

/** moto's default account: the caller when no account header or assumed role says otherwise. */
export const MOTO_DEFAULT_ACCOUNT_ID = '123456789012';
export const ACCOUNT_HEADER = 'x-moto-account-id';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** PID of the moto_server (Python) process itself. */
  readonly pid: number;
  /** POST /moto-api/reset: forget every resource in every account and Region. */
  reset(): Promise<void>;
  /** Stops the process and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer; default 20 s (a cold start takes about 1 s). */
  startTimeoutMs?: number;
}

// Sets "kill me when my parent dies" (Linux prctl PR_SET_PDEATHSIG = 1) and becomes moto_server.
// exec keeps the PID, and the death signal survives exec (moto_server is not set-uid).
const LAUNCHER = [
  'import ctypes, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None).prctl(1, signal.SIGKILL)',
  'except Exception:',
  '    pass',
  'os.execvp(sys.argv[1], sys.argv[1:])',
].join('\n');

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort when the worker exits without afterAll having run.
  process.on('exit', () => {
    for (const child of running) {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * True while a process with this PID runs. A zombie (dead, not yet reaped by its new parent after
 * an orphaning) counts as gone.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP answer means the server is up; this one is a cheap 400.
    const res = await fetch(`${endpoint}/moto-api/reset`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

let launcherWorks = process.platform === 'linux';

async function startOnce(timeoutMs: number): Promise<MotoServer | 'port-taken' | 'no-launcher'> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child = launcherWorks
    ? spawn('python3', ['-c', LAUNCHER, 'moto_server', ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      })
    : spawn('moto_server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
  // moto logs every request on stderr: keep draining it (a full pipe would block the server) and
  // keep the tail for error messages.
  // "Running on" is printed once the socket is bound: only then is an answer on the port ours and
  // not another process's that took the port between freePort() and moto's bind.
  let tail = '';
  let bound = false;
  const boundLine = `Running on ${endpoint}`;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
    if (tail.includes(boundLine)) bound = true;
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) {
      // No python3 on PATH (moto installed some other way): start moto_server directly.
      if (launcherWorks && (spawnError as NodeJS.ErrnoException).code === 'ENOENT') return 'no-launcher';
      throw new Error(`could not start moto_server: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/address already in use|Errno 98/i.test(tail)) return 'port-taken';
      throw new Error(`moto_server exited during start-up (${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    if (bound && (await answers(endpoint))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${tail}`);
    }
    await sleep(50);
  }

  const pid = child.pid;
  if (pid === undefined) throw new Error('moto_server has no PID');
  return {
    endpoint,
    port,
    pid,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      const body = await res.text();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
    },
    stop,
  };
}

/** Thrown by startMoto when no `moto_server` executable is on PATH. */
export class MotoNotInstalledError extends Error {
  constructor() {
    super(
      'moto_server is not installed (not on PATH): install moto with its server extra, ' +
        "e.g. `pipx install 'moto[server]'` or `pip install 'moto[server]'`",
    );
    this.name = 'MotoNotInstalledError';
  }
}

/** Path of the moto_server executable on PATH, or undefined. */
export function findMotoServer(envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'moto_server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Starts moto_server on a free loopback port and waits until it answers.
 * Throws MotoNotInstalledError when moto_server is not on PATH.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  if (findMotoServer() === undefined) throw new MotoNotInstalledError();
  const timeout = options.startTimeoutMs ?? 20_000;
  // The free port is probed and then released: another process may take it in between. Retry then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = await startOnce(timeout);
    if (server === 'no-launcher') {
      launcherWorks = false;
      attempt--;
      continue;
    }
    if (server !== 'port-taken') return server;
  }
  throw new Error('moto_server: no free port after 3 attempts');
}

// ---------------------------------------------------------------------------------------------
// SDK clients

export interface MotoClientOptions {
  /** moto (or proxy) endpoint, e.g. server.endpoint. */
  endpoint: string;
  /** Act as this account (header x-moto-account-id). Default: moto's default 123456789012. */
  accountId?: string;
  /** Default us-east-1. */
  region?: string;
  /** Default 1: see the header comment. Ignored when retryStrategy is given. */
  maxAttempts?: number;
  /** e.g. new ConfiguredRetryStrategy(5, () => 0) from @smithy/core/retry for fast retry tests. */
  retryStrategy?: NonNullable<OrganizationsClientConfig['retryStrategy']>;
}

export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIAPACKSMITHTEST000',
  secretAccessKey: 'packsmith-test-secret-not-real',
};

interface WithMiddleware {
  middlewareStack: {
    add(
      mw: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: 'build'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Makes every request of `client` carry `x-moto-account-id: accountId`, so moto scopes it to that
 * account. Added in the build step, so the header is signed like any other.
 */
export function actAsAccount<C>(client: C, accountId: string): C {
  (client as unknown as WithMiddleware).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[ACCOUNT_HEADER] = accountId;
      return next(args);
    },
    { step: 'build', name: 'packsmithMotoAccount', override: true },
  );
  return client;
}

function baseConfig(o: MotoClientOptions) {
  return {
    endpoint: o.endpoint,
    region: o.region ?? 'us-east-1',
    credentials: FAKE_CREDENTIALS,
    ...(o.retryStrategy ? { retryStrategy: o.retryStrategy } : { maxAttempts: o.maxAttempts ?? 1 }),
  };
}

function scoped<C>(client: C, o: MotoClientOptions): C {
  return o.accountId ? actAsAccount(client, o.accountId) : client;
}

export const organizationsClient = (o: MotoClientOptions): OrganizationsClient =>
  scoped(new OrganizationsClient(baseConfig(o)), o);
export const stsClient = (o: MotoClientOptions): STSClient => scoped(new STSClient(baseConfig(o)), o);
export const s3Client = (o: MotoClientOptions): S3Client =>
  scoped(new S3Client({ ...baseConfig(o), forcePathStyle: true }), o);
/** Creates `bucket` in `region`: us-east-1 takes no LocationConstraint, every other Region needs one. */
export const createBucketIn = (s3: S3Client, bucket: string, region: string) =>
  s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
    }),
  );
export const configClient = (o: MotoClientOptions): ConfigServiceClient =>
  scoped(new ConfigServiceClient(baseConfig(o)), o);

export interface MotoClients {
  organizations: OrganizationsClient;
  sts: STSClient;
  s3: S3Client;
  config: ConfigServiceClient;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/** All four clients with the same options. */
export function motoClients(o: MotoClientOptions): MotoClients {
  const c = {
    organizations: organizationsClient(o),
    sts: stsClient(o),
    s3: s3Client(o),
    config: configClient(o),
  };
  return {
    ...c,
    destroy() {
      for (const client of Object.values(c)) client.destroy();
    },
  };
}
