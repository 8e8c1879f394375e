/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY: requests go through a loopback CONNECT proxy (which counts
 * the tunnels it opens) to moto over http, and to a local TLS server over https; NO_PROXY hosts are
 * reached directly; proxy credentials are sent as Proxy-Authorization and never appear in errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { bypassesProxy, proxyAgents, proxySettingsFrom } from '../../src/aws/proxy.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus, useMoto } from '../support/moto.js';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!haveOpenssl && process.env.CI)
  throw new Error('openssl is required when CI is set (the https proxy test)');

describe('proxy settings', () => {
  it('reads either spelling of the variables', () => {
    expect(proxySettingsFrom({ https_proxy: 'http://p:1', NO_PROXY: 'a' })).toEqual({
      httpsProxy: 'http://p:1',
      noProxy: 'a',
    });
    expect(proxySettingsFrom({})).toEqual({});
  });

  it('NO_PROXY: hosts, domain suffixes, ports and *', () => {
    const no = 'localhost, .internal.example,10.0.0.1:8443 s3.amazonaws.com';
    expect(bypassesProxy('localhost', 80, no)).toBe(true);
    expect(bypassesProxy('api.internal.example', 443, no)).toBe(true);
    expect(bypassesProxy('internal.example', 443, no)).toBe(true);
    expect(bypassesProxy('notinternal.example', 443, no)).toBe(false);
    expect(bypassesProxy('10.0.0.1', 8443, no)).toBe(true);
    expect(bypassesProxy('10.0.0.1', 443, no)).toBe(false);
    expect(bypassesProxy('bucket.s3.amazonaws.com', 443, no)).toBe(true);
    expect(bypassesProxy('sts.amazonaws.com', 443, no)).toBe(false);
    expect(bypassesProxy('anything', 1, '*')).toBe(true);
    expect(bypassesProxy('anything', 1, undefined)).toBe(false);
  });
});

/** A CONNECT proxy on loopback: counts tunnels, keeps the auth headers it saw, can refuse. */
function connectProxy() {
  const seen = { tunnels: 0, auth: [] as string[] };
  let refuse = false;
  const server = http.createServer((_, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    seen.auth.push(String(req.headers['proxy-authorization'] ?? ''));
    if (refuse) return client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    seen.tunnels++;
    const [host, port] = String(req.url).split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  return {
    seen,
    refuse: (on: boolean) => (refuse = on),
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!motoStatus().available)(`AWS calls through a proxy${motoSkipNote()}`, () => {
  const moto = useMoto();
  const proxy = connectProxy();
  let proxyUrl = '';
  beforeAll(async () => {
    proxyUrl = await proxy.start();
  });
  afterAll(() => proxy.stop());

  const callerThrough = async (settings: Parameters<typeof createAws>[0]['proxy']) => {
    const aws = createAws({
      defaultRegion: 'us-east-1',
      endpointUrl: moto.endpoint,
      maxAttempts: 1,
      credentials: () => Promise.resolve(FAKE_CREDENTIALS),
      ...(settings ? { proxy: settings } : {}),
    });
    try {
      return await aws.sts().send(new GetCallerIdentityCommand({}));
    } finally {
      aws.destroy();
    }
  };

  it('tunnels an http endpoint through HTTP_PROXY, and not for a NO_PROXY host', async () => {
    proxy.seen.tunnels = 0;
    expect((await callerThrough({ httpProxy: proxyUrl })).Account).toMatch(/^\d{12}$/);
    expect(proxy.seen.tunnels).toBeGreaterThan(0);
    proxy.seen.tunnels = 0;
    await callerThrough({ httpProxy: proxyUrl, noProxy: '127.0.0.1' });
    expect(proxy.seen.tunnels).toBe(0);
  });

  it('sends proxy credentials as Proxy-Authorization, and never shows them in an error', async () => {
    const withAuth = proxyUrl.replace('http://', 'http://deploy:s3cr%40t@');
    proxy.seen.auth.length = 0;
    await callerThrough({ httpProxy: withAuth });
    expect(proxy.seen.auth[0]).toBe(`Basic ${Buffer.from('deploy:s3cr@t').toString('base64')}`);
    proxy.refuse(true);
    try {
      const error = await callerThrough({ httpProxy: withAuth }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toContain('answered 407');
      expect(error?.message).not.toContain('s3cr');
    } finally {
      proxy.refuse(false);
    }
  });

  it('a proxy that never answers: the call ends in bounded time naming the proxy (not its password), and the tunnel is closed', async () => {
    // The proxy reads what it is sent and never answers; its connections must still be closed.
    const silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const aws = createAws({
      defaultRegion: 'us-east-1',
      endpointUrl: moto.endpoint,
      maxAttempts: 1,
      credentials: () => Promise.resolve(FAKE_CREDENTIALS),
      timeouts: { connectionMs: 300, requestMs: 1_000, attemptsOnTimeout: 1 },
      proxy: { httpProxy: `http://deploy:s3cret@127.0.0.1:${port}` },
    });
    try {
      const error = await aws
        .sts()
        .send(new GetCallerIdentityCommand({}))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.name).toBe('AwsNoAnswerError');
      expect(error?.message).toContain(`(through the proxy 127.0.0.1:${port})`);
      expect(error?.message).toContain('check the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)');
      expect(error?.message).not.toContain('s3cret');
    } finally {
      aws.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it.skipIf(!haveOpenssl)(
    `tunnels an https endpoint through HTTPS_PROXY, with TLS to the endpoint inside the tunnel${haveOpenssl ? '' : ' (skipped: openssl not found)'}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ps-tls-'));
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
      const cert = readFileSync(join(dir, 'cert.pem'));
      const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_, res) =>
        res.end('secure hello'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const { httpsAgent } = proxyAgents({ httpsProxy: proxyUrl });
      proxy.seen.tunnels = 0;
      try {
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get({ host: '127.0.0.1', port, path: '/', agent: httpsAgent, ca: cert }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve(text));
            })
            .on('error', reject);
        });
        expect(body).toBe('secure hello');
        expect(proxy.seen.tunnels).toBe(1);
      } finally {
        httpsAgent?.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );
});
