/**
 * Proxies as the AWS CLI honours them: HTTPS_PROXY for https endpoints, HTTP_PROXY for http ones
 * (either spelling case), NO_PROXY for hosts reached directly. Requests go through the proxy in an
 * HTTP CONNECT tunnel (TLS to the endpoint inside it, so the proxy sees no request); credentials in
 * the proxy URL become a Proxy-Authorization header and are never part of a message.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  /** Comma- or space-separated hosts, `.domain` suffixes, `host:port`, or `*`. */
  noProxy?: string;
}

/** The proxy settings of an environment (the shell passes `process.env`). */
export function proxySettingsFrom(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const pick = (name: string) => env[name.toUpperCase()] ?? env[name.toLowerCase()];
  const out: ProxySettings = {};
  const httpsProxy = pick('https_proxy');
  const httpProxy = pick('http_proxy');
  const noProxy = pick('no_proxy');
  if (httpsProxy) out.httpsProxy = httpsProxy;
  if (httpProxy) out.httpProxy = httpProxy;
  if (noProxy) out.noProxy = noProxy;
  return out;
}

/**
 * Why the settings cannot be used, or undefined. The value is not repeated: it may hold a password.
 */
export function proxyProblem(settings: ProxySettings): string | undefined {
  for (const [name, value] of [
    ['HTTPS_PROXY', settings.httpsProxy],
    ['HTTP_PROXY', settings.httpProxy],
  ] as const) {
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      return `${name} (or its lower-case spelling) is not a proxy URL such as http://proxy.example:3128; correct or unset it`;
    }
  }
  return undefined;
}

/** Whether `host:port` is reached directly under `noProxy` (curl's and the AWS CLI's rules). */
export function bypassesProxy(host: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [pattern = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort !== undefined && Number(entryPort) !== port) return false;
      const suffix = pattern.replace(/^\*?\./, '');
      return name === suffix || name.endsWith(`.${suffix}`);
    });
}

/**
 * The proxy a request to `url` goes through, as `host:port` (never its credentials), or undefined:
 * the same choice the agents make, for messages about a call that got no answer.
 */
export function proxyFor(settings: ProxySettings | undefined, url: URL | undefined): string | undefined {
  if (!settings || !url) return undefined;
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy) return undefined;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (bypassesProxy(url.hostname, port, settings.noProxy)) return undefined;
  try {
    return new URL(proxy).host;
  } catch {
    return undefined;
  }
}

type ConnectOptions = http.ClientRequestArgs & tls.ConnectionOptions;
type Callback = (error: Error | null, socket?: Duplex) => void;

/**
 * Opens a CONNECT tunnel to `host:port` through `proxy`; calls back with the raw socket. A proxy that
 * does not answer within `timeoutMs` is given up on and its socket closed (the SDK's own connection
 * timeout has ended the call by then; this keeps the socket from staying open).
 */
function tunnel(proxy: URL, host: string, port: number, timeoutMs: number, callback: Callback): void {
  const auth = proxy.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    : undefined;
  const request = (proxy.protocol === 'https:' ? https : http).request({
    host: proxy.hostname,
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: `${host}:${port}`,
    headers: { host: `${host}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
  });
  request.once('connect', (response, socket) => {
    if (response.statusCode === 200) return callback(null, socket);
    socket.destroy();
    callback(new Error(`the proxy ${proxy.host} answered ${response.statusCode} to CONNECT ${host}:${port}`));
  });
  const silent = new Error(`the proxy ${proxy.host} did not answer CONNECT within ${timeoutMs / 1000} s`);
  request.once('error', (error) =>
    callback(
      error === silent
        ? silent
        : new Error(`the proxy ${proxy.host} could not be reached (${error.message})`),
    ),
  );
  request.setTimeout(timeoutMs, () => request.destroy(silent));
  request.end();
}

function hostOf(options: ConnectOptions): { host: string; port: number } {
  return { host: String(options.host ?? options.hostname ?? 'localhost'), port: Number(options.port) };
}

/** The agents the SDK's HTTP handler should use, or none when no proxy applies. */
export function proxyAgents(
  settings: ProxySettings,
  /** How long a proxy may take to open a tunnel (the SDK's connection timeout). */
  connectTimeoutMs = 30_000,
): { httpAgent?: http.Agent; httpsAgent?: https.Agent } {
  const out: { httpAgent?: http.Agent; httpsAgent?: https.Agent } = {};
  const { noProxy } = settings;
  if (settings.httpsProxy) {
    const proxy = new URL(settings.httpsProxy);
    class TunnelingHttpsAgent extends https.Agent {
      override createConnection(options: ConnectOptions, callback: Callback): Duplex | undefined {
        const { host, port } = hostOf(options);
        if (bypassesProxy(host, port, noProxy)) return tls.connect(options);
        tunnel(proxy, host, port, connectTimeoutMs, (error, socket) =>
          error
            ? callback(error)
            : callback(null, tls.connect({ ...options, socket, servername: options.servername ?? host })),
        );
        return undefined;
      }
    }
    out.httpsAgent = new TunnelingHttpsAgent({ keepAlive: true });
  }
  if (settings.httpProxy) {
    const proxy = new URL(settings.httpProxy);
    class TunnelingHttpAgent extends http.Agent {
      override createConnection(options: ConnectOptions, callback: Callback): Duplex | undefined {
        const { host, port } = hostOf(options);
        if (bypassesProxy(host, port, noProxy)) {
          return (
            http.Agent.prototype as unknown as { createConnection: (o: ConnectOptions) => Duplex }
          ).createConnection.call(this, options);
        }
        tunnel(proxy, host, port, connectTimeoutMs, callback);
        return undefined;
      }
    }
    out.httpAgent = new TunnelingHttpAgent({ keepAlive: true });
  }
  return out;
}
