/**
 * The thin HTTP edge: AWS JSON 1.1 (`POST /`, `X-Amz-Target: StarlingDoveService.<Operation>`)
 * in front of the engine, plus a control API under `/__emulator/`:
 * - `GET /__emulator/faults`, `POST /__emulator/faults` (merge a FaultConfig), `DELETE /__emulator/faults`
 * - `GET /__emulator/stats`, `DELETE /__emulator/stats`
 * - `POST /__emulator/tick` `{"ms": n}` (manual clock only)
 * - `GET`/`POST`/`DELETE /__emulator/compliance` (forced rule compliance seen by the aggregators)
 * Request signatures are not checked, but their credential scope names the Region: one endpoint
 * serves every Region, with one engine per Region created on its first request.
 */
import http from 'node:http';
import { closeServer, listenOnLoopback, readBody } from '../http.js';
import { AggregatorCompliance, parseComplianceOverride } from './aggregate.js';
import type { ComplianceOverride } from './aggregate.js';
import { OrgConformancePackEngine } from './engine.js';
import type { AccountSource, RecorderSource, RuleAvailabilitySource, TemplateReader } from './engine.js';
import { EmulatorError } from './errors.js';
import { Faults, StatsCounter } from './faults.js';
import type { EmulatorStats, FaultConfig, FaultState } from './faults.js';
import { seededRandom } from './random.js';

export interface ConfigEmulatorOptions {
  /** The organization's accounts; only ACTIVE, non-excluded ones get a per-account status. */
  accounts: AccountSource;
  /** Default: every account has a recorder. */
  recorders?: RecorderSource;
  /** Which managed rules exist in which Region; default packsmith's catalog (modelled behaviour). */
  ruleAvailability?: RuleAvailabilitySource;
  /** Reads TemplateS3Uri templates; without it such Puts fail with InsufficientPermissionsException. */
  readTemplate?: TemplateReader;
  /** Default 0: a free port on 127.0.0.1. */
  port?: number;
  /** The Region of requests without a SigV4 credential scope; default the first of `regions`, else us-east-1. */
  region?: string;
  /**
   * Serve only these Regions; a request for another is answered 400 `UnrecognizedClientException`
   * (AWS has no endpoint there to answer at all). Default: every Region.
   */
  regions?: string[];
  /** Default 123456789012 (moto's default account). */
  managementAccountId?: string;
  /** Per-account completion delay; default 1000 ms + up to 500 ms of jitter. */
  delay?: { baseMs?: number; jitterMs?: number };
  /** Seeds jitter, name suffixes and throttling; default 1. */
  seed?: number;
  /** `manual`: time moves only through `tick(ms)`, starting at `startTime`. Default `real`. */
  clock?: 'real' | 'manual';
  /** Manual clock start, epoch ms; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /** How long a deleted pack stays visible as DELETE_SUCCESSFUL; default 0. */
  retainDeletedMs?: number;
  /** Faults active from the start. */
  faults?: FaultConfig;
  /**
   * Where every other Config operation goes (e.g. moto, for configuration recorders): one Config
   * endpoint serves both, as in AWS. Without it such operations are UnknownOperationException.
   */
  upstream?: string;
  /**
   * Names of the organization aggregators that exist (every one sees every Region the emulator
   * serves); `DescribeAggregateCompliance*` with another name is NoSuchConfigurationAggregatorException.
   * Default none.
   */
  aggregators?: string[];
}

export interface FaultControl {
  set(config: FaultConfig): void;
  reset(): void;
  get(): FaultState;
}

export interface ConfigEmulator {
  endpoint: string;
  port: number;
  /** The default Region (of requests without a SigV4 Authorization header). */
  region: string;
  /** The served Regions when restricted by the `regions` option. */
  regions?: string[];
  close(): Promise<void>;
  faults: FaultControl;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Names of the stored packs in `region` (default: the default Region); deleted ones disappear. */
  packNames(region?: string): string[];
  /** Present with `clock: 'manual'`: advances the emulator's clock. */
  tick?: (ms: number) => void;
  /** Forces (or with `compliance: null` releases) a rule's compliance in one account and Region. */
  setCompliance(override: ComplianceOverride): void;
  resetCompliance(): void;
}

const targetPrefix = 'StarlingDoveService.';
const jsonType = 'application/x-amz-json-1.1';

/** Served from every Region's packs at once (an organization aggregator sees them all). */
const aggregateOperations = new Set([
  'DescribeAggregateComplianceByConformancePacks',
  'DescribeAggregateComplianceByConfigRules',
]);

/** The operations the engine serves; the rest go to `upstream` when there is one. */
const emulatedOperations = new Set([
  'PutOrganizationConformancePack',
  'DescribeOrganizationConformancePacks',
  'DescribeOrganizationConformancePackStatuses',
  'GetOrganizationConformancePackDetailedStatus',
  'DeleteOrganizationConformancePack',
  ...aggregateOperations,
]);

/** Passes the request through unchanged (signature included) and the answer back. */
function forward(
  upstream: string,
  req: http.IncomingMessage,
  body: string,
  res: http.ServerResponse,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(upstream);
    const headers = { ...req.headers, host: url.host };
    const out = http.request(
      { hostname: url.hostname, port: url.port, path: req.url ?? '/', method: req.method ?? 'POST', headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

let requestCounter = 0;

function send(res: http.ServerResponse, status: number, body: unknown, contentType = jsonType): void {
  requestCounter += 1;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `emulator-${process.pid}-${requestCounter}`,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: EmulatorError, contentType = jsonType): void {
  send(res, error.httpStatus, { __type: error.type, message: error.message }, contentType);
}

/** `Credential=AKID/20260101/eu-west-1/config/aws4_request` → `eu-west-1`. */
const credentialScope = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/;

/** The Region of a request: its SigV4 credential scope, else `fallback`. */
export function requestRegion(authorization: string | undefined, fallback: string): string {
  return (authorization === undefined ? undefined : credentialScope.exec(authorization)?.[1]) ?? fallback;
}

/** Per-Region seed: the default Region keeps `seed` itself, others derive theirs from their name. */
function regionSeed(seed: number, region: string, defaultRegion: string): number {
  if (region === defaultRegion) return seed;
  let h = seed >>> 0;
  for (const c of region) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EmulatorError('SerializationException', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EmulatorError('SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export async function startConfigEmulator(options: ConfigEmulatorOptions): Promise<ConfigEmulator> {
  const served = options.regions === undefined ? undefined : [...options.regions];
  if (served !== undefined && served.length === 0)
    throw new RangeError('regions, when given, must list a Region');
  const region = options.region ?? served?.[0] ?? 'us-east-1';
  if (served !== undefined && !served.includes(region)) {
    throw new RangeError(`the default region ${region} is not among regions (${served.join(', ')})`);
  }
  const seed = options.seed ?? 1;
  // A separate stream for throttling keeps rollout timings independent of the throttle rate.
  const faults = new Faults(seededRandom((seed ^ 0x5bd1e995) >>> 0));
  if (options.faults !== undefined) faults.set(options.faults);
  const stats = new StatsCounter();
  const manual = options.clock === 'manual';
  let manualNow = options.startTime ?? Date.UTC(2026, 0, 1);
  const now = manual ? () => manualNow : () => Date.now();
  const tick = (ms: number): void => {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`tick(ms) needs a finite ms ≥ 0, got ${ms}`);
    manualNow += ms;
  };
  const engines = new Map<string, OrgConformancePackEngine>();
  // Each Region has its own packs and pending Puts, and its own random stream so its timings do
  // not depend on the traffic in other Regions.
  const engineFor = (r: string): OrgConformancePackEngine => {
    let engine = engines.get(r);
    if (engine === undefined) {
      engine = new OrgConformancePackEngine({
        accounts: options.accounts,
        recorders: options.recorders ?? (async () => true),
        ...(options.readTemplate === undefined ? {} : { readTemplate: options.readTemplate }),
        ...(options.ruleAvailability === undefined ? {} : { ruleAvailability: options.ruleAvailability }),
        region: r,
        managementAccountId: options.managementAccountId ?? '123456789012',
        delay: { baseMs: options.delay?.baseMs ?? 1000, jitterMs: options.delay?.jitterMs ?? 500 },
        retainDeletedMs: options.retainDeletedMs ?? 0,
        now,
        random: seededRandom(regionSeed(seed, r, region)),
        faults,
      });
      engines.set(r, engine);
    }
    return engine;
  };

  const aggregate = new AggregatorCompliance({
    aggregators: [...(options.aggregators ?? [])],
    seed,
    packsByRegion: () =>
      [...engines.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([r, engine]) => [r, engine.deployedPacks()]),
  });

  const control = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ): Promise<void> => {
    const json = 'application/json';
    const body = parseJson(await readBody(req));
    if (path === '/__emulator/faults') {
      if (req.method === 'GET') return send(res, 200, faults.get(), json);
      if (req.method === 'POST') {
        faults.set(body as FaultConfig);
        return send(res, 200, faults.get(), json);
      }
      if (req.method === 'DELETE') {
        faults.reset();
        return send(res, 200, faults.get(), json);
      }
    }
    if (path === '/__emulator/stats') {
      if (req.method === 'GET') return send(res, 200, stats.get(), json);
      if (req.method === 'DELETE') {
        stats.reset();
        return send(res, 200, stats.get(), json);
      }
    }
    if (path === '/__emulator/compliance') {
      if (req.method === 'GET') return send(res, 200, aggregate.listOverrides(), json);
      if (req.method === 'POST') {
        aggregate.setOverride(parseComplianceOverride(body));
        return send(res, 200, aggregate.listOverrides(), json);
      }
      if (req.method === 'DELETE') {
        aggregate.resetOverrides();
        return send(res, 200, [], json);
      }
    }
    if (path === '/__emulator/tick' && req.method === 'POST') {
      if (!manual)
        throw new EmulatorError('ValidationException', 'tick needs the emulator started with clock: manual');
      const ms = body.ms;
      if (typeof ms !== 'number' || !(ms >= 0))
        throw new EmulatorError('ValidationException', 'tick needs {"ms": n ≥ 0}');
      tick(ms);
      return send(res, 200, { now: manualNow }, json);
    }
    throw new EmulatorError('NotFound', `No control endpoint ${req.method ?? ''} ${path}`, 404);
  };

  const api = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const target = req.headers['x-amz-target'];
    const text = await readBody(req);
    if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(targetPrefix)) {
      throw new EmulatorError(
        'UnknownOperationException',
        `Expected POST with X-Amz-Target ${targetPrefix}<Operation>`,
      );
    }
    const operation = target.slice(targetPrefix.length);
    if (options.upstream && !emulatedOperations.has(operation)) {
      return forward(options.upstream, req, text, res);
    }
    const auth = req.headers.authorization;
    const r = requestRegion(typeof auth === 'string' ? auth : undefined, region);
    // Refused before counting: the request never reached a Region the emulator serves.
    if (served !== undefined && !served.includes(r)) {
      throw new EmulatorError(
        'UnrecognizedClientException',
        `The Config emulator does not serve Region ${r}; it serves ${served.join(', ')}`,
      );
    }
    const throttled = faults.shouldThrottle(operation);
    stats.count(operation, throttled, r);
    if (throttled) throw new EmulatorError('ThrottlingException', 'Rate exceeded');
    const latency = faults.latencyOf(operation);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const refusal = operation === 'PutOrganizationConformancePack' ? faults.putRefusal(r) : undefined;
    if (refusal) throw new EmulatorError(refusal.errorCode, refusal.errorMessage);
    const body = parseJson(text);
    if (aggregateOperations.has(operation)) return send(res, 200, aggregate.handle(operation, body));
    send(res, 200, await engineFor(r).handle(operation, body));
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isControl = path.startsWith('/__emulator/');
    const work = isControl ? control(req, res, path) : api(req, res);
    work.catch((error: unknown) => {
      const contentType = isControl ? 'application/json' : jsonType;
      if (error instanceof EmulatorError) return sendError(res, error, contentType);
      sendError(
        res,
        new EmulatorError('InternalFailure', (error as Error)?.message ?? String(error), 500),
        contentType,
      );
    });
  });

  const port = await listenOnLoopback(server, options.port ?? 0);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    ...(served === undefined ? {} : { regions: served }),
    close: () => closeServer(server),
    faults: { set: (c) => faults.set(c), reset: () => faults.reset(), get: () => faults.get() },
    stats: () => stats.get(),
    resetStats: () => stats.reset(),
    // No engine yet means no pack yet; asking does not create one.
    packNames: (r = region) => engines.get(r)?.packNames() ?? [],
    ...(manual ? { tick } : {}),
    setCompliance: (override) => aggregate.setOverride(parseComplianceOverride({ ...override })),
    resetCompliance: () => aggregate.resetOverrides(),
  };
}
