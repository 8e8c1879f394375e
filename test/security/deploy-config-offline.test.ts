/**
 * Issue 10, the deployment configuration checked offline: a misspelt key, an unknown pack, an
 * unknown parameter and an unknown rule are all reported at once, located, before any AWS call
 * (also with an unreachable endpoint); an unreachable endpoint on a correct configuration is said
 * as it is, naming the service and the endpoint.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposedPack } from '../../src/authoring/model.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import { deployPackProblems } from '../../src/org/deploy-packs.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { FAKE_CREDENTIALS } from '../support/moto.js';

const good = `deployingAccount: '123456789012'
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

// Line 3: a misspelt key; line 9: an unknown pack; line 13: an unknown parameter; line 16: an unknown rule.
const bad = `deployingAccount: '123456789012'
role: management
regionConcurency: 2
regions:
  - us-east-1
templateBuckets:
  us-east-1: packsmith-templates-123456789012-us-east-1
packs:
  s3-data-protecton:
    targets:
      ous: [/Root]
  s3-data-protection:
    parameters: { S3AccessLogBucket: logs }
    excludeRules:
      us-east-1:
        - s3-bucket-versoning-enabled
    targets:
      ous: [/Root]
`;

/** A loopback port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A loopback server that counts the connections it gets and closes each at once. */
async function countingServer(): Promise<{ server: Server; endpoint: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, endpoint: `http://127.0.0.1:${port}`, connections: () => connections };
}

const awsEnv = (endpoint: string | undefined): Record<string, string | undefined> => ({
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const commands = [['preflight'], ['plan'], ['deploy', '--yes']] as const;

describe('the deployment configuration, checked before any AWS call', () => {
  let badRepo: string;
  let goodRepo: string;
  let refused: string;
  let counting: Awaited<ReturnType<typeof countingServer>>;

  const repoWith = (config: string) => {
    const repo = mkdtempSync(join(tmpdir(), 'packsmith-offline-config-'));
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    writeFileSync(join(repo, 'packsmith.deploy.yaml'), config);
    return repo;
  };

  beforeAll(async () => {
    badRepo = repoWith(bad);
    goodRepo = repoWith(good);
    refused = await closedPort();
    counting = await countingServer();
  });
  afterAll(async () => {
    await new Promise((resolve) => counting?.server.close(resolve));
    for (const repo of [badRepo, goodRepo]) if (repo) rmSync(repo, { recursive: true, force: true });
  });

  const expectAllFour = (stderr: string, what: string) => {
    expect(stderr, what).toMatch(/packsmith\.deploy\.yaml:3:1 +error +PS101 +.*regionConcurency/);
    expect(stderr, what).toContain('did you mean `regionConcurrency`');
    expect(stderr, what).toMatch(
      /packsmith\.deploy\.yaml:9:3 +error +PS507 +pack s3-data-protecton is not in the repository.*did you mean `s3-data-protection`/,
    );
    expect(stderr, what).toMatch(
      /packsmith\.deploy\.yaml:13:19 +error +PS508 +pack s3-data-protection has no parameter `S3AccessLogBucket`.*did you mean `S3AccessLogsBucket`/,
    );
    expect(stderr, what).toMatch(
      /packsmith\.deploy\.yaml:16:11 +error +PS514 +pack s3-data-protection has no rule named `s3-bucket-versoning-enabled`/,
    );
    expect(stderr, what).not.toContain('unexpected error');
    expect(stderr, what).not.toContain('ECONNREFUSED');
  };

  for (const args of commands) {
    it(`[10] ${args.join(' ')}: a misspelt key, an unknown pack, parameter and rule, all located, with an unreachable endpoint`, async () => {
      const r = await runCli([...args, '--root', '.'], { cwd: badRepo, env: awsEnv(refused) });
      expect(r.code, r.stderr).toBe(1);
      expectAllFour(r.stderr, args[0]);
      expect(r.stderr).toContain('stopped: fix the problems above first');
    });
  }

  it('[10] preflight, plan and deploy make no connection at all while the configuration has problems', async () => {
    // Without the schema error too: an unknown pack alone once was found only after discovery.
    const semanticOnly = repoWith(bad.replace('regionConcurency: 2\n', ''));
    try {
      for (const args of commands) {
        const r = await runCli([...args, '--root', '.'], {
          cwd: semanticOnly,
          env: awsEnv(counting.endpoint),
        });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr, args[0]).toMatch(/packsmith\.deploy\.yaml:8:3 +error +PS507 /);
        expect(r.stderr, args[0]).toMatch(/packsmith\.deploy\.yaml:12:19 +error +PS508 /);
      }
    } finally {
      rmSync(semanticOnly, { recursive: true, force: true });
    }
    for (const args of commands) {
      const viaOption = await runCli([...args, '--root', '.', '--endpoint-url', counting.endpoint], {
        cwd: badRepo,
        env: awsEnv(undefined),
      });
      expect(viaOption.code, viaOption.stderr).toBe(1);
      expectAllFour(viaOption.stderr, `${args[0]} --endpoint-url`);
      const viaEnv = await runCli([...args, '--root', '.'], { cwd: badRepo, env: awsEnv(counting.endpoint) });
      expect(viaEnv.code, viaEnv.stderr).toBe(1);
    }
    expect(counting.connections()).toBe(0);
  });

  it('[10] a correct configuration with an unreachable endpoint names the service and the endpoint', async () => {
    for (const args of commands) {
      const r = await runCli([...args, '--root', '.'], { cwd: goodRepo, env: awsEnv(refused) });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr, args[0]).toMatch(
        new RegExp(
          `packsmith: (Organizations|STS) at ${refused.replace(/\./g, '\\.')} refused the connection \\(ECONNREFUSED, \\d+ attempts?\\); check the endpoint`,
        ),
      );
      expect(r.stderr, args[0]).not.toContain('unexpected error');
    }
  }, 60_000);
});

describe('the configuration against the repository, in its well-formed parts', () => {
  const pack = {
    parameters: [
      { name: 'Mode', constraints: { allowedValues: ['on', 'off'] } },
      { name: 'Bucket', constraints: {} },
    ],
    rules: [{ ruleName: 'rule-a' }],
  } as unknown as Pick<ComposedPack, 'parameters' | 'rules'>;
  const text = `deployingAccount: '123456789012'
role: management
regions: [us-east-1]
templateBuckets: { us-east-1: templates-bucket }
packs:
  known:
    targets: { ous: [/Root] }
    parameters:
      Mode: { nested: true }
      Mood: on
    excludeRules: { us-east-1: [rule-b] }
  unknown: {}
`;

  it('[10] schema errors do not hide the pack checks, and a value the schema refused is not reported again', () => {
    const loaded = parseDeployConfig('packsmith.deploy.yaml', text);
    const problems = deployPackProblems({
      source: loaded.source,
      repository: { packs: new Map([['known', pack]]), unbuilt: new Set() },
      brokenPaths: loaded.brokenPaths,
    });
    const seen = (list: typeof problems) =>
      list.map((d) => `${d.location?.line}:${d.location?.column} ${d.checkId} ${d.message}`);
    // The schema: Mode is a mapping, `unknown` has no targets.
    expect(seen(loaded.problems)).toEqual([
      expect.stringMatching(/^9:13 PS101 `packs\.known\.parameters\.Mode` is a mapping/),
      '12:3 PS504 pack unknown has no `targets` (or, with `engine: stackset`, `stages`)',
    ]);
    // The repository: each problem once, none about Mode's refused value; Mode counts as given
    // (its value is the schema's problem), Bucket is missing.
    expect(seen(problems)).toEqual([
      '10:7 PS508 pack known has no parameter `Mood` (did you mean `Mode`?)',
      '11:33 PS514 pack known has no rule named `rule-b` (did you mean `rule-a`?)',
      '6:3 PS515 pack known needs a value for parameter `Bucket` (it has no default) in us-east-1',
      '12:3 PS507 pack unknown is not in the repository (no manifest with `name: unknown` under packs/) (did you mean `known`?)',
    ]);
  });
});
