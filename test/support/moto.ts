/**
 * A real moto_server for tests: one per test FILE (see useMoto), on a free loopback port.
 * The server, its no-orphan launcher and the SDK clients live in src/sandbox/moto.ts (the
 * `npm run sandbox` uses them too); this module adds the tool detection and the vitest hooks.
 *
 * One server per test file, not a vitest globalSetup: files run in parallel worker processes
 * (pool: forks); with one shared server, `reset()` in one file would wipe the state another file
 * is using at that moment. A server costs about 1 s of start-up, paid in parallel by each file
 * that needs one, and files that do not import this module pay nothing.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto, type MotoServer, type StartMotoOptions } from '../../src/sandbox/moto.js';
import { tool, type ToolStatus } from './tools.js';

export {
  ACCOUNT_HEADER,
  actAsAccount,
  configClient,
  FAKE_CREDENTIALS,
  findMotoServer,
  MOTO_DEFAULT_ACCOUNT_ID,
  motoClients,
  MotoNotInstalledError,
  organizationsClient,
  pidAlive,
  s3Client,
  startMoto,
  stsClient,
} from '../../src/sandbox/moto.js';
export type { MotoClientOptions, MotoClients, MotoServer, StartMotoOptions } from '../../src/sandbox/moto.js';

/** moto_server has no --version: `--help` tells whether it is installed and runs. */
export function motoStatus(): ToolStatus {
  return tool('moto_server', ['--help']);
}

/** Appended to test names that are skipped because moto_server is missing. */
export function motoSkipNote(): string {
  const s = motoStatus();
  return s.available ? '' : ` — skipped: ${s.reason ?? 'moto_server is not available'}`;
}

export interface MotoHandle {
  /** The running server (throws before beforeAll or when moto_server is missing). */
  readonly server: MotoServer;
  readonly endpoint: string;
}

/**
 * Registers beforeAll (start), afterAll (stop) and, unless `resetBeforeEach: false`, beforeEach
 * (reset) for the calling test file. Use it inside `describe.skipIf(!motoStatus().available)` or
 * at top level of a file that only runs when moto is available.
 */
export function useMoto(options: { resetBeforeEach?: boolean } & StartMotoOptions = {}): MotoHandle {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  if (options.resetBeforeEach !== false) {
    beforeEach(async () => {
      await server?.reset();
    });
  }
  const get = (): MotoServer => {
    if (!server) throw new Error('moto is not running (used before beforeAll, or moto_server is missing)');
    return server;
  };
  return {
    get server() {
      return get();
    },
    get endpoint() {
      return get().endpoint;
    },
  };
}
