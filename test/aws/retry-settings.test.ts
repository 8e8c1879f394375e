/**
 * Retry settings are the AWS CLI's: AWS_MAX_ATTEMPTS, else the profile's max_attempts, else
 * packsmith's 5. Checked against a loopback endpoint that always answers 503 and counts the requests.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAws, type AwsSettings } from '../../src/aws/clients.js';
import { FAKE_CREDENTIALS } from '../support/moto.js';

const variables = ['AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_CONFIG_FILE', 'AWS_PROFILE'] as const;

describe('retry settings', () => {
  let server: Server;
  let endpoint = '';
  let requests = 0;
  const saved = new Map(variables.map((v) => [v, process.env[v]]));

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ServiceUnavailableException', message: 'try later' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** How many requests one failing call makes with these settings and this environment. */
  async function attemptsOf(settings: Partial<AwsSettings> = {}): Promise<number> {
    requests = 0;
    const aws = createAws({
      defaultRegion: 'us-east-1',
      endpointUrl: endpoint,
      credentials: () => Promise.resolve(FAKE_CREDENTIALS),
      ...settings,
    });
    try {
      await expect(
        aws.config('us-east-1').send(new DescribeConfigurationRecordersCommand({})),
      ).rejects.toThrow();
    } finally {
      aws.destroy();
    }
    return requests;
  }

  function clearEnvironment(): void {
    for (const name of variables) delete process.env[name];
    // No shared config file of the machine may decide the outcome.
    process.env.AWS_CONFIG_FILE = join(mkdtempSync(join(tmpdir(), 'ps-retry-')), 'none');
  }

  it('uses 5 attempts when nothing is set', async () => {
    clearEnvironment();
    expect(await attemptsOf()).toBe(5);
  });

  it('honours AWS_MAX_ATTEMPTS', async () => {
    clearEnvironment();
    process.env.AWS_MAX_ATTEMPTS = '2';
    expect(await attemptsOf()).toBe(2);
  });

  it("honours the profile's max_attempts, and the variable wins over it", async () => {
    clearEnvironment();
    const file = join(mkdtempSync(join(tmpdir(), 'ps-retry-')), 'config');
    writeFileSync(file, '[profile team]\nmax_attempts = 3\nretry_mode = adaptive\n');
    process.env.AWS_CONFIG_FILE = file;
    expect(await attemptsOf({ profile: 'team' })).toBe(3);
    process.env.AWS_MAX_ATTEMPTS = '1';
    expect(await attemptsOf({ profile: 'team' })).toBe(1);
  });

  it('an explicit setting wins over the environment', async () => {
    clearEnvironment();
    process.env.AWS_MAX_ATTEMPTS = '4';
    expect(await attemptsOf({ maxAttempts: 1 })).toBe(1);
  });
});
