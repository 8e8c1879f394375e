/**
 * The moto harness itself: start/stop by PID (no orphans, even when the test process dies),
 * reset, and the SDK clients (maxAttempts 1, account header, path-style S3).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CreateOrganizationCommand, DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { PutConformancePackCommand } from '@aws-sdk/client-config-service';
import {
  MOTO_DEFAULT_ACCOUNT_ID,
  configClient,
  motoClients,
  motoSkipNote,
  motoStatus,
  pidAlive,
  startMoto,
  useMoto,
} from '../support/moto.js';
import { startMotoProxy } from '../support/moto-proxy.js';

const available = motoStatus().available;
const holdMoto = fileURLToPath(new URL('./fixtures/hold-moto.ts', import.meta.url));

async function waitUntilGone(pid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

/** Runs hold-moto.ts in a child Node process; resolves with moto's PID once it is up. */
function holdMotoInChild(mode: 'wait' | 'exit') {
  const child = spawn(process.execPath, ['--import', 'tsx', holdMoto, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<{ pid: number; endpoint: string }>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as { pid: number; endpoint: string });
    });
    child.once('exit', (code) => reject(new Error(`hold-moto exited early (${code}): ${out}`)));
  });
  return { child, started };
}

describe.skipIf(!available)(`moto harness${motoSkipNote()}`, () => {
  it('starts moto_server on a loopback port, answers, and stop() ends that PID', async () => {
    const server = await startMoto();
    try {
      expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
      expect(pidAlive(server.pid)).toBe(true);
      // The PID we hold is moto's own process, not a launcher or shell in front of it.
      expect(readFileSync(`/proc/${server.pid}/cmdline`, 'utf8')).toContain('moto_server');
      const res = await fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(pidAlive(server.pid)).toBe(false);
    await expect(fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' })).rejects.toThrow();
    await server.stop(); // twice is fine
  });

  it('two servers get different ports and do not share state', async () => {
    const [a, b] = await Promise.all([startMoto(), startMoto()]);
    try {
      expect(a.port).not.toBe(b.port);
      const ca = motoClients({ endpoint: a.endpoint });
      const cb = motoClients({ endpoint: b.endpoint });
      await ca.s3.send(new CreateBucketCommand({ Bucket: 'only-in-a' }));
      expect((await ca.s3.send(new ListBucketsCommand({}))).Buckets?.map((x) => x.Name)).toEqual([
        'only-in-a',
      ]);
      expect((await cb.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      ca.destroy();
      cb.destroy();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('leaves no moto_server behind when the test process is SIGKILLed', async () => {
    const { child, started } = holdMotoInChild('wait');
    const { pid } = await started;
    expect(pidAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    try {
      expect(await waitUntilGone(pid)).toBe(true);
    } finally {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL'); // do not leave it behind when the test fails
    }
  });

  describe('with useMoto() (one server for this block, reset before each test)', () => {
    const moto = useMoto();

    it('reset() forgets the organization', async () => {
      const { organizations, destroy } = motoClients({ endpoint: moto.endpoint });
      await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      expect((await organizations.send(new DescribeOrganizationCommand({}))).Organization?.Id).toMatch(/^o-/);
      await moto.server.reset();
      await expect(organizations.send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
        name: 'AWSOrganizationsNotInUseException',
      });
      destroy();
    });

    it('acts as moto’s default account, or as another account through the header', async () => {
      const me = motoClients({ endpoint: moto.endpoint });
      const other = motoClients({ endpoint: moto.endpoint, accountId: '210987654321' });
      expect((await me.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MOTO_DEFAULT_ACCOUNT_ID);
      expect((await other.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
      // Resources are scoped: a bucket of the other account is not listed in the default account.
      await other.s3.send(new CreateBucketCommand({ Bucket: 'other-account-bucket' }));
      expect((await other.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
        'other-account-bucket',
      ]);
      expect((await me.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      me.destroy();
      other.destroy();
    });

    it('the state of the previous test is gone (reset before each test)', async () => {
      const other = motoClients({ endpoint: moto.endpoint, accountId: '210987654321' });
      expect((await other.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      other.destroy();
    });

    it('S3 uses path-style requests and round-trips bytes', async () => {
      const proxy = await startMotoProxy({ target: moto.endpoint });
      const { s3, destroy } = motoClients({ endpoint: proxy.endpoint });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: 'packsmith-bytes' }));
        const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
        await s3.send(new PutObjectCommand({ Bucket: 'packsmith-bytes', Key: 'k', Body: bytes }));
        const got = await s3.send(new GetObjectCommand({ Bucket: 'packsmith-bytes', Key: 'k' }));
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(Buffer.from(bytes));
        // Path style: the bucket is in the path, so requests reach 127.0.0.1 rather than
        // packsmith-bytes.127.0.0.1 (which would not resolve).
        expect(proxy.count('s3:PutObject')).toBe(1);
        expect(proxy.count('s3:GetObject')).toBe(1);
      } finally {
        destroy();
        await proxy.close();
      }
    });

    it('an unimplemented call fails after exactly one attempt (maxAttempts 1)', async () => {
      const proxy = await startMotoProxy({ target: moto.endpoint });
      const config = configClient({ endpoint: proxy.endpoint });
      try {
        // moto answers HTML (500); with the SDK's default 3 attempts this would be 3 requests.
        await expect(
          config.send(
            new PutConformancePackCommand({ ConformancePackName: 'p', TemplateBody: 'Resources: {}' }),
          ),
        ).rejects.toThrow();
        expect(proxy.count('config:PutConformancePack')).toBe(1);
      } finally {
        config.destroy();
        await proxy.close();
      }
    });
  });
});
