/**
 * Runs before every test file: fake AWS credentials, no shared config, and no connection that
 * leaves loopback. A test that tries to reach anything else fails loudly instead of touching AWS.
 */
import net from 'node:net';

process.env.AWS_ACCESS_KEY_ID = 'AKIAPACKSMITHTEST000';
process.env.AWS_SECRET_ACCESS_KEY = 'packsmith-test-secret-not-real';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.AWS_CONFIG_FILE = '/nonexistent/packsmith-test-aws-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/packsmith-test-aws-credentials';

const loopback = (host: string | undefined): boolean =>
  host === undefined ||
  host === 'localhost' ||
  host === '::1' ||
  host.startsWith('127.') ||
  host === '::ffff:127.0.0.1';

type ConnectArgs = Parameters<net.Socket['connect']>;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
  // net.connect() passes its normalised arguments as one array.
  const first = (Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0]) as unknown;
  let host: string | undefined;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const opts = first as { host?: string; path?: string };
    if (opts.path === undefined) host = opts.host ?? 'localhost';
  } else if (typeof first === 'number') {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  if (!loopback(host)) {
    throw new Error(`test tried to connect to ${host}: only loopback is allowed in tests`);
  }
  return originalConnect.apply(this, args);
} as typeof net.Socket.prototype.connect;
