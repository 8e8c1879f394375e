/**
 * The HTTP edge: CloudFormation's awsQuery protocol (`POST /`, form-encoded `Action=...`, XML
 * answers) in front of the engine, so the real `CloudFormationClient` works against it, plus a
 * control API under `/__emulator/`:
 * - `GET /__emulator/accounts/{account}/{region}`: what the stack instances deployed there
 * - `GET /__emulator/accounts/{account}/roles/{roleName}`: `{exists, regions}` (IAM is global)
 * - `GET /__emulator/roles/{roleName}`: `{accounts}` where a stack instance created that role
 * - `GET /__emulator/deployed`: every account and Region with what was deployed there
 * - `GET` / `POST` (merge) / `DELETE /__emulator/faults`: `{accountFailures: {id: {reason, regions?, actions?} | null}, throttle: {rate, actions?} | null, latency: {ms, actions?} | null}`
 * - `GET` / `DELETE /__emulator/stats`: requests and accepted operations per action
 * - `POST /__emulator/auto-deploy`: auto-deployment against the organization as it is now
 * - `POST /__emulator/tick` `{"ms": n}` (manual clock only)
 * The Region of a request is its SigV4 credential scope (stack sets live in the Region they were
 * created in); signatures are not checked.
 */
import http from 'node:http';
import { closeServer, listenOnLoopback, readBody } from '../http.js';
import { requestRegion } from '../config-emulator/server.js';
import { seededRandom } from '../config-emulator/random.js';
import {
  StackSetEngine,
  type DeployedStack,
  type FaultConfig,
  type FaultState,
  type OrganizationSource,
  type RecorderSource,
  type TemplateUrlReader,
  type TrustedAccessSource,
} from './engine.js';
import { errorXml, parseQuery, responseXml, StackSetsError, validationError } from './query.js';

export interface StackSetEmulatorOptions {
  /** The organization (OUs, accounts with status and parent), read when an operation is accepted. */
  organization: OrganizationSource;
  /** Reads TemplateURL templates; without it a TemplateURL is a ValidationError. */
  readTemplateUrl?: TemplateUrlReader;
  /** Whether an account has a configuration recorder (for AWS::Config::ConformancePack); default yes. */
  recorders?: RecorderSource;
  /** Whether trusted access for StackSets is enabled (checked by CreateStackSet, CreateStackInstances); default yes. */
  trustedAccess?: TrustedAccessSource;
  /** Default 0: a free port on 127.0.0.1. */
  port?: number;
  /** The Region of requests without a SigV4 credential scope; default us-east-1. */
  region?: string;
  /** Default 123456789012 (moto's default account). */
  managementAccountId?: string;
  /** Per-instance run time; default 1000 ms + up to 500 ms of jitter (seeded). */
  delay?: { baseMs?: number; jitterMs?: number };
  /** Default 1. */
  seed?: number;
  /** `manual`: time moves only through `tick(ms)`, starting at `startTime`. Default `real`. */
  clock?: 'real' | 'manual';
  /** Manual clock start, epoch ms; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  faults?: FaultConfig;
}

export interface StackSetEmulatorStats {
  /** Every request per action, throttled ones included. */
  requests: Record<string, number>;
  /** Requests answered with Throttling, per action. */
  throttled: Record<string, number>;
  /**
   * Operations accepted (answered with an OperationId), per action: a request refused (an
   * OperationId already used, an operation in progress, a throttled one) starts none. What "no
   * redundant operation" is counted with.
   */
  operations: Record<string, number>;
  total: number;
}

export interface StackSetEmulator {
  endpoint: string;
  port: number;
  region: string;
  close(): Promise<void>;
  /** Present with `clock: 'manual'`. */
  tick?: (ms: number) => void;
  stats(): StackSetEmulatorStats;
  resetStats(): void;
  faults: { set(config: FaultConfig): void; reset(): void; get(): FaultState };
  /** What the stack instances deployed in this account and Region. */
  deployed(account: string, region: string): DeployedStack[];
  /** Whether a stack instance created IAM role `roleName` in `account` (in any Region). */
  roleExists(account: string, roleName: string): boolean;
  /** Every account and Region where a stack instance deployed something. */
  allDeployed(): { account: string; region: string; stacks: DeployedStack[] }[];
  /** The accounts where a stack instance created IAM role `roleName`. */
  roleAccounts(roleName: string): string[];
  /** Runs auto-deployment against the organization now; returns the operations it started. */
  autoDeploy(): Promise<string[]>;
}

let requestCounter = 0;
const nextRequestId = (): string => {
  requestCounter += 1;
  return `00000000-0000-4000-8000-${String(requestCounter).padStart(12, '0')}`;
};

function send(
  res: http.ServerResponse,
  status: number,
  text: string,
  contentType: string,
  requestId: string,
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export async function startStackSetEmulator(options: StackSetEmulatorOptions): Promise<StackSetEmulator> {
  const region = options.region ?? 'us-east-1';
  const manual = options.clock === 'manual';
  let manualNow = options.startTime ?? Date.UTC(2026, 0, 1);
  const now = manual ? () => manualNow : () => Date.now();
  const tick = (ms: number): void => {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`tick(ms) needs a finite ms ≥ 0, got ${ms}`);
    manualNow += ms;
  };
  const engine = new StackSetEngine({
    organization: options.organization,
    ...(options.readTemplateUrl === undefined ? {} : { readTemplateUrl: options.readTemplateUrl }),
    ...(options.recorders === undefined ? {} : { recorders: options.recorders }),
    ...(options.trustedAccess === undefined ? {} : { trustedAccess: options.trustedAccess }),
    managementAccountId: options.managementAccountId ?? '123456789012',
    now,
    random: seededRandom(options.seed ?? 1),
    throttleRandom: seededRandom(((options.seed ?? 1) ^ 0x5bd1e995) >>> 0),
    delay: { baseMs: options.delay?.baseMs ?? 1000, jitterMs: options.delay?.jitterMs ?? 500 },
  });
  if (options.faults) engine.setFaults(options.faults);
  let requests: Record<string, number> = {};
  let throttled: Record<string, number> = {};
  let operations: Record<string, number> = {};
  let total = 0;
  const stats = (): StackSetEmulatorStats => ({
    requests: { ...requests },
    throttled: { ...throttled },
    operations: { ...operations },
    total,
  });
  const resetStats = (): void => {
    requests = {};
    throttled = {};
    operations = {};
    total = 0;
  };

  const json = (res: http.ServerResponse, status: number, body: unknown): void =>
    send(res, status, JSON.stringify(body), 'application/json', nextRequestId());

  const control = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ): Promise<void> => {
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return json(res, 400, { error: 'The request body is not valid JSON' });
      }
    }
    if (path === '/__emulator/deployed' && req.method === 'GET') return json(res, 200, engine.allDeployed());
    const roleEverywhere = /^\/__emulator\/roles\/([^/]+)$/.exec(path);
    if (roleEverywhere && req.method === 'GET') {
      return json(res, 200, {
        accounts: engine.roleAccounts(decodeURIComponent(roleEverywhere[1] as string)),
      });
    }
    const role = /^\/__emulator\/accounts\/(\d{12})\/roles\/([^/]+)$/.exec(path);
    if (role && req.method === 'GET') {
      const regions = engine.roleRegions(role[1] as string, decodeURIComponent(role[2] as string));
      return json(res, 200, { exists: regions.length > 0, regions });
    }
    const account = /^\/__emulator\/accounts\/(\d{12})\/([a-z0-9-]+)$/.exec(path);
    if (account && req.method === 'GET') {
      return json(res, 200, {
        account: account[1],
        region: account[2],
        stacks: engine.deployedIn(account[1] as string, account[2] as string),
      });
    }
    if (path === '/__emulator/faults') {
      if (req.method === 'POST') engine.setFaults(body as FaultConfig);
      if (req.method === 'DELETE') engine.resetFaults();
      if (req.method === 'GET' || req.method === 'POST' || req.method === 'DELETE')
        return json(res, 200, engine.faults());
    }
    if (path === '/__emulator/stats') {
      if (req.method === 'DELETE') resetStats();
      if (req.method === 'GET' || req.method === 'DELETE') return json(res, 200, stats());
    }
    if (path === '/__emulator/auto-deploy' && req.method === 'POST') {
      return json(res, 200, { operationIds: await engine.autoDeploy() });
    }
    if (path === '/__emulator/tick' && req.method === 'POST') {
      if (!manual) return json(res, 400, { error: 'tick needs the emulator started with clock: manual' });
      const ms = body.ms;
      if (typeof ms !== 'number' || !(ms >= 0)) return json(res, 400, { error: 'tick needs {"ms": n ≥ 0}' });
      tick(ms);
      return json(res, 200, { now: manualNow });
    }
    return json(res, 404, { error: `No control endpoint ${req.method ?? ''} ${path}` });
  };

  const api = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
  ): Promise<void> => {
    const text = await readBody(req);
    if (req.method !== 'POST') throw validationError('Expected a POST with a form-encoded awsQuery body');
    const params = parseQuery(text);
    const action = typeof params.Action === 'string' ? params.Action : undefined;
    if (action === undefined) throw new StackSetsError('MissingAction', 'Missing Action parameter');
    requests[action] = (requests[action] ?? 0) + 1;
    total += 1;
    if (engine.throttled(action)) {
      throttled[action] = (throttled[action] ?? 0) + 1;
      throw new StackSetsError('Throttling', 'Rate exceeded', 400);
    }
    const latency = engine.latencyOf(action);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const auth = req.headers.authorization;
    const r = requestRegion(typeof auth === 'string' ? auth : undefined, region);
    const result = await engine.handle(action, params, r);
    if (typeof result.OperationId === 'string') operations[action] = (operations[action] ?? 0) + 1;
    send(res, 200, responseXml(action, result, requestId), 'text/xml', requestId);
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/__emulator/')) {
      control(req, res, path).catch((error: unknown) => {
        const status = error instanceof StackSetsError ? error.httpStatus : 500;
        json(res, status, { error: (error as Error)?.message ?? String(error) });
      });
      return;
    }
    const requestId = nextRequestId();
    api(req, res, requestId).catch((error: unknown) => {
      if (error instanceof StackSetsError) {
        return send(
          res,
          error.httpStatus,
          errorXml(error.code, error.message, requestId, 'Sender'),
          'text/xml',
          requestId,
        );
      }
      send(
        res,
        500,
        errorXml('InternalFailure', (error as Error)?.message ?? String(error), requestId, 'Receiver'),
        'text/xml',
        requestId,
      );
    });
  });

  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    close: () => closeServer(server),
    ...(manual ? { tick } : {}),
    stats,
    resetStats,
    faults: {
      set: (c) => engine.setFaults(c),
      reset: () => engine.resetFaults(),
      get: () => engine.faults(),
    },
    deployed: (account, r) => engine.deployedIn(account, r),
    roleExists: (account, roleName) => engine.roleRegions(account, roleName).length > 0,
    autoDeploy: () => engine.autoDeploy(),
    allDeployed: () => engine.allDeployed(),
    roleAccounts: (roleName) => engine.roleAccounts(roleName),
  };
}
