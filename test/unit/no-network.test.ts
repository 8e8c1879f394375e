import net from 'node:net';
import { describe, expect, it } from 'vitest';

describe('test network guard', () => {
  it('refuses a connection that leaves loopback', () => {
    expect(() => net.connect({ host: '203.0.113.10', port: 443 })).toThrow(/only loopback/);
  });
  it('allows loopback', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => {
        sock.destroy();
        resolve();
      });
      sock.on('error', reject);
    });
    server.close();
  });
  it('clears AWS profile and shared files', () => {
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect(process.env.AWS_SHARED_CREDENTIALS_FILE).toMatch(/nonexistent/);
  });
});
