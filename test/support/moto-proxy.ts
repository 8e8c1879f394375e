/**
 * A loopback HTTP proxy in front of moto that makes it behave more like AWS where the rollout
 * depends on it:
 * - Organizations `List*` calls with `MaxResults` above 20 are rejected with
 *   `InvalidInputException` (reason MAX_VALUE_EXCEEDED) like AWS; moto accepts any page size.
 * - A configurable fraction of requests is answered with a throttling error, drawn from a seeded
 *   random source (same seed, same sequence of requests → same throttled requests):
 *   Organizations `TooManyRequestsException`, other JSON services `ThrottlingException`, query
 *   services (STS) `Throttling`, S3 `SlowDown` (503). The SDK classifies all of them as throttling.
 * - Requests are counted per operation ("organizations:ListAccounts", "config:PutDeliveryChannel",
 *   "sts:GetCallerIdentity", "s3:PutObject" or "s3:GET"), all of them and the throttled ones.
 * Everything else is forwarded unchanged: same method, path, raw headers and body bytes, and the
 * upstream status, raw headers and body bytes back.
 */
import http from 'node:http';
import type net from 'node:net';

export interface ThrottleOptions {
  /** 0..1: fraction of matching requests answered with a throttling error. */
  rate: number;
  /** Seed of the random source; default 1. */
  seed?: number;
  /** Only throttle operations this returns true for (default: all). */
  only?: (operation: string) => boolean;
}

export interface MotoProxyOptions {
  /** Where to forward, e.g. moto's endpoint http://127.0.0.1:PORT. */
  target: string;
  /** Largest MaxResults Organizations accepts; default 20 (AWS). `Infinity` turns the check off. */
  organizationsMaxResults?: number;
  throttle?: ThrottleOptions;
}

export interface MotoProxy {
  /** http://127.0.0.1:PORT of the proxy: give it to the SDK clients as endpoint. */
  readonly endpoint: string;
  /** Requests received per operation (throttled and rejected ones included). */
  counts(): Record<string, number>;
  /** Requests answered with a throttling error, per operation. */
  throttledCounts(): Record<string, number>;
  /** Requests rejected for MaxResults, per operation. */
  rejectedCounts(): Record<string, number>;
  /** Received requests of one operation (0 when none). */
  count(operation: string): number;
  /** Total of counts(). */
  total(): number;
  resetCounts(): void;
  /** Change or turn off (rate 0 / undefined) throttling; re-seeds the random source. */
  setThrottle(throttle: ThrottleOptions | undefined): void;
  close(): Promise<void>;
}

/** mulberry32: small, fast, good enough, and deterministic for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// X-Amz-Target prefixes → the service names used in operation keys.
const TARGET_SERVICES: Record<string, string> = {
  AWSOrganizationsV20161128: 'organizations',
  StarlingDoveService: 'config',
};

interface Classified {
  /** e.g. organizations, config, sts, s3 */
  service: string;
  operation: string;
  /** awsJson (X-Amz-Target), query (Action=...) or rest (S3) */
  protocol: 'json' | 'query' | 'rest';
}

/** The signing service from the SigV4 Authorization header's credential scope. */
function signingService(authorization: string | undefined): string | undefined {
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return m?.[1];
}

export function classify(req: http.IncomingMessage, body: Buffer): Classified {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix = '', operation = ''] = target.split('.', 2);
    const service = TARGET_SERVICES[prefix] ?? signingService(req.headers.authorization) ?? prefix;
    return { service, operation, protocol: 'json' };
  }
  const service = signingService(req.headers.authorization) ?? 'unknown';
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return { service, operation: action, protocol: 'query' };
  }
  const url = new URL(req.url ?? '/', 'http://proxy');
  const action = url.searchParams.get('x-id') ?? url.searchParams.get('Action');
  return { service, operation: action ?? req.method ?? 'GET', protocol: 'rest' };
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function throttleReply(c: Classified): Reply {
  if (c.protocol === 'json') {
    const type = c.service === 'organizations' ? 'TooManyRequestsException' : 'ThrottlingException';
    return {
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: type, message: 'Rate exceeded', Message: 'Rate exceeded' }),
    };
  }
  if (c.protocol === 'query') {
    return {
      status: 400,
      contentType: 'text/xml',
      body:
        '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>' +
        '</Error><RequestId>packsmith-proxy</RequestId></ErrorResponse>',
    };
  }
  return {
    status: 503,
    contentType: 'application/xml',
    body:
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your ' +
      'request rate.</Message><RequestId>packsmith-proxy</RequestId></Error>',
  };
}

function maxResultsReply(max: number, given: number): Reply {
  return {
    status: 400,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({
      __type: 'InvalidInputException',
      Message: `1 validation error detected: Value '${given}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      Reason: 'MAX_VALUE_EXCEEDED',
    }),
  };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export async function startMotoProxy(options: MotoProxyOptions): Promise<MotoProxy> {
  const target = new URL(options.target);
  const maxResults = options.organizationsMaxResults ?? 20;
  const agent = new http.Agent({ keepAlive: true });
  const received = new Map<string, number>();
  const throttled = new Map<string, number>();
  const rejected = new Map<string, number>();
  let throttle: ThrottleOptions | undefined;
  let random: () => number = Math.random;
  const setThrottle = (t: ThrottleOptions | undefined): void => {
    throttle = t && t.rate > 0 ? t : undefined;
    random = seededRandom(t?.seed ?? 1);
  };
  setThrottle(options.throttle);

  const send = (res: http.ServerResponse, r: Reply): void => {
    res.writeHead(r.status, {
      'content-type': r.contentType,
      'content-length': Buffer.byteLength(r.body),
      'x-amzn-requestid': 'packsmith-proxy',
    });
    res.end(r.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const c = classify(req, body);
      const key = `${c.service}:${c.operation}`;
      bump(received, key);

      if (throttle && (throttle.only?.(key) ?? true) && random() < throttle.rate) {
        bump(throttled, key);
        send(res, throttleReply(c));
        return;
      }
      if (c.service === 'organizations' && c.protocol === 'json' && c.operation.startsWith('List')) {
        let given: unknown;
        try {
          given = (JSON.parse(body.toString('utf8') || '{}') as { MaxResults?: unknown }).MaxResults;
        } catch {
          given = undefined;
        }
        if (typeof given === 'number' && given > maxResults) {
          bump(rejected, key);
          send(res, maxResultsReply(maxResults, given));
          return;
        }
      }

      // Forward byte-for-byte. rawHeaders keeps names, case, order and duplicates.
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.rawHeaders,
          agent,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        if (!res.headersSent) {
          send(res, { status: 502, contentType: 'text/plain', body: `moto proxy: ${e.message}` });
        } else {
          res.destroy(e);
        }
      });
      upstream.end(body);
    });
  });

  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  const record = (m: Map<string, number>) =>
    Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => record(received),
    throttledCounts: () => record(throttled),
    rejectedCounts: () => record(rejected),
    count: (operation) => received.get(operation) ?? 0,
    total: () => [...received.values()].reduce((a, b) => a + b, 0),
    resetCounts() {
      received.clear();
      throttled.clear();
      rejected.clear();
    },
    setThrottle,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      agent.destroy();
      await closed;
    },
  };
}
