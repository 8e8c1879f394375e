/**
 * Issue 9, AWS faults: an endpoint that accepts connections and never answers (item 4), a staged
 * template changed in the bucket (item 5), and out-of-range intervals and timeouts (item 16).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeOrganizationConformancePacksCommand } from '@aws-sdk/client-config-service';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsNoAnswerError, createAws } from '../../src/aws/clients.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus, s3Client } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';
import { sandboxTemplateBucket } from '../../src/sandbox/sandbox.js';
import { templateKey } from '../../src/rollout/s3-keys.js';

/** A loopback server that accepts every connection and never answers (the sockets stay open). */
async function silentServer(): Promise<{
  server: Server;
  endpoint: string;
  connections: () => number;
  firstConnectionAt: () => number | undefined;
}> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let first: number | undefined;
  const server = createServer((socket) => {
    connections += 1;
    first ??= Date.now();
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as Server['close'];
  return {
    server,
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => connections,
    firstConnectionAt: () => first,
  };
}

const deployConfig = `deployingAccount: '123456789012'
role: management
regions:
  - us-east-1
templateBuckets:
  us-east-1: packsmith-templates-123456789012-us-east-1
packs:
  s3-data-protection:
    targets:
      ous: [/Root]
`;

/** Fake credentials, no profile, every service at `endpoint`. */
const awsEnv = (endpoint: string): Record<string, string | undefined> => ({
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
});

/** `packsmith <args>` as its own process: it must end by itself (nothing left hanging). */
function spawnPacksmith(args: string[], env: Record<string, string | undefined>) {
  const started = Date.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(packageRoot(), 'src', 'cli', 'bin.ts'), ...args],
    {
      cwd: packageRoot(),
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    proc.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

describe('AWS faults', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let repo: string;

  beforeAll(async () => {
    silent = await silentServer();
    repo = mkdtempSync(join(tmpdir(), 'packsmith-aws-faults-'));
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    writeFileSync(join(repo, 'packsmith.deploy.yaml'), deployConfig);
  });
  afterAll(async () => {
    await new Promise((resolve) => silent?.server.close(resolve));
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('[4] every client gives up on a silent endpoint in bounded time, naming the service and endpoint', async () => {
    const aws = createAws({
      endpointUrl: silent.endpoint,
      defaultRegion: 'us-east-1',
      credentials: async () => FAKE_CREDENTIALS,
      timeouts: { connectionMs: 200, requestMs: 300, attemptsOnTimeout: 2 },
    });
    try {
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['Organizations', () => aws.organizations().send(new ListRootsCommand({}))],
        [
          'AWS Config',
          () => aws.config('us-east-1').send(new DescribeOrganizationConformancePacksCommand({})),
        ],
        ['S3', () => aws.s3('us-east-1').send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))],
        ['STS', () => aws.sts().send(new GetCallerIdentityCommand({}))],
      ];
      for (const [service, call] of calls) {
        const started = Date.now();
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, service).toBeInstanceOf(AwsNoAnswerError);
        expect((error as Error).message).toBe(
          `${service} at ${silent.endpoint} did not answer within 0.3 s (2 attempts); ` +
            'check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, --profile) and the network',
        );
        // Two attempts of 0.3 s and the SDK's short backoff, not 5 attempts.
        expect(Date.now() - started, service).toBeLessThan(3_000);
      }
    } finally {
      aws.destroy();
    }
  }, 30_000);

  it('[4] status and deploy --timeout 1 against a silent endpoint exit 1 in time, naming the endpoint', async () => {
    // One silent server each, to time each command's AWS part apart from module loading.
    const forDeploy = await silentServer();
    try {
      // deploy as its own process (it must end by itself, nothing left hanging), status in this one.
      const deploying = spawnPacksmith(
        ['deploy', '--yes', '--timeout', '1', '--root', repo],
        awsEnv(forDeploy.endpoint),
      );
      const status = await runCli(['status', '--root', repo], { env: awsEnv(silent.endpoint) });
      const statusEnded = Date.now();
      const deploy = await deploying;
      for (const [name, r, endpoint] of [
        ['status', status, silent.endpoint],
        ['deploy', deploy, forDeploy.endpoint],
      ] as const) {
        expect(r.code, `${name}: ${r.stderr}`).toBe(1);
        expect(r.stderr, name).toContain(
          `packsmith: Organizations at ${endpoint} did not answer within 10 s (2 attempts); check the endpoint`,
        );
        expect(r.stderr, name).not.toContain('unexpected error');
      }
      // status has no --timeout: bounded by the request timeouts alone (2 attempts of 10 s).
      expect(statusEnded - (silent.firstConnectionAt() ?? 0)).toBeLessThan(30_000);
      // deploy --timeout 1: within the timeout + 30 s, process start-up included.
      expect(deploy.ms).toBeLessThan(90_000);
      expect(silent.connections()).toBeGreaterThanOrEqual(2);
      expect(forDeploy.connections()).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise((resolve) => forDeploy.server.close(resolve));
    }
  }, 120_000);

  describe('[16] intervals and timeouts out of range are usage errors', () => {
    const cases: Array<[string[], string]> = [
      [
        ['deploy', '--poll-interval', '0.000001'],
        '--poll-interval must be a number from 0.1 to 300 s, got "0.000001"',
      ],
      [
        ['deploy', '--poll-interval', '1e20'],
        '--poll-interval must be a number from 0.1 to 300 s, got "1e20"',
      ],
      [['deploy', '--timeout', '1e20'], '--timeout must be a number from 0.1 to 1440 minutes, got "1e20"'],
      [['deploy', '--timeout', '0.001'], '--timeout must be a number from 0.1 to 1440 minutes, got "0.001"'],
      [['deploy', '--lock-wait', '1e20'], '--lock-wait must be a number from 0 to 86400 s, got "1e20"'],
      [
        ['destroy', 's3-data-protection', '--poll-interval', '1e20'],
        '--poll-interval must be a number from 0.1 to 300 s, got "1e20"',
      ],
      [
        ['destroy', 's3-data-protection', '--lock-wait', '90000'],
        '--lock-wait must be a number from 0 to 86400 s, got "90000"',
      ],
    ];
    for (const [args, message] of cases) {
      it(`[16] ${args.join(' ')}: exit 2, naming the option and its range`, async () => {
        const before = silent.connections();
        const r = await runCli([...args, '--yes', '--root', repo], { env: awsEnv(silent.endpoint) });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`packsmith: ${message}`);
        // Refused before any AWS call.
        expect(silent.connections()).toBe(before);
      }, 15_000);
    }
  });
});

describe.skipIf(!motoStatus().available)(`[5] staged templates in the bucket${motoSkipNote()}`, () => {
  const PACK = 's3-data-protection';
  const REGION = 'us-east-1';
  let f: RolloutFixture;

  beforeAll(async () => {
    f = await startRolloutFixture({ accounts: 4, regions: [REGION] });
  }, 60_000);
  afterAll(async () => {
    await f?.stop();
  });

  it('[5] a staged template changed in the bucket is plan drift, and is replaced, never deployed', async () => {
    const first = await f.cli(...deployArgs());
    expect(first.code, first.stderr).toBe(0);
    const history = JSON.parse((await f.cli('history', '--format', 'json')).stdout) as {
      deployments: Array<{ templateSha256: string }>;
    };
    const sha = history.deployments[0]!.templateSha256;
    const bucket = sandboxTemplateBucket(REGION);
    const key = templateKey(PACK, sha);
    const s3 = s3Client({ endpoint: f.sandbox.moto.endpoint, accountId: f.sandbox.org.managementAccountId });
    const read = async () => {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await r.Body?.transformToString('utf8')) ?? '';
    };
    try {
      const original = await read();
      const injected = `${original}  InjectedRule:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: injected\n`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: injected }));

      // plan: the drift is shown (text and JSON), and the pack is to be put again.
      const planText = await f.cli('plan');
      expect(planText.stderr + planText.stdout).toContain(
        `drift: the staged template was changed outside packsmith (${key} in bucket ${bucket} does not match its hash)`,
      );
      const plan = JSON.parse((await f.cli('plan', '--format', 'json')).stdout) as {
        packs: Array<{ regions: Array<{ action: string; drift: { stagedTemplateChanged?: string } }> }>;
      };
      expect(plan.packs[0]!.regions[0]).toMatchObject({
        action: 'update',
        drift: { stagedTemplateChanged: `${key} in bucket ${bucket} does not match its hash` },
      });

      // A deploy that changes only the exclusions: the injected object is replaced before the put.
      const member = f.sandbox.org.accounts.find((a) => a.id !== f.sandbox.org.managementAccountId)!;
      f.writeConfig(
        f.config.replace(
          '      ous: [/Root]\n',
          `      ous: [/Root]\n      excludeAccounts: ['${member.id}']\n`,
        ),
      );
      const second = await f.cli(...deployArgs());
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain(
        `packsmith: warning: ${PACK} ${REGION}: ${key} in bucket ${bucket} did not match its hash; it was replaced`,
      );
      expect(second.stderr).not.toContain('template already at');
      const staged = await read();
      expect(staged).toBe(original);
      expect(createHash('sha256').update(staged, 'utf8').digest('hex')).toBe(sha);
      const after = JSON.parse((await f.cli('plan', '--format', 'json')).stdout) as typeof plan;
      expect(after.packs[0]!.regions[0]!.drift.stagedTemplateChanged).toBeUndefined();
    } finally {
      s3.destroy();
      f.writeConfig(f.config);
    }
  }, 120_000);
});
