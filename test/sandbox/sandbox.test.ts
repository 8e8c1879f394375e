/**
 * The rehearsal sandbox end to end: moto + the Config emulator wired to it. An organization
 * conformance pack put through the real ConfigServiceClient fails exactly where moto has no
 * recorder, and succeeds there once a recorder is created through moto's Config API.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DeleteConfigurationRecorderCommand,
  DescribeOrganizationConformancePackStatusesCommand,
  PutConfigurationRecorderCommand,
  PutOrganizationConformancePackCommand,
  paginateGetOrganizationConformancePackDetailedStatus,
  type OrganizationConformancePackDetailedStatus,
} from '@aws-sdk/client-config-service';
import { noRecorderFailure } from '../../src/sandbox/config-emulator/index.js';
import { formatEnv, formatSummary, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { configClient, FAKE_CREDENTIALS, motoSkipNote, motoStatus, pidAlive } from '../support/moto.js';

const available = motoStatus().available;
const runTs = fileURLToPath(new URL('../../src/sandbox/run.ts', import.meta.url));
const PACK = 'packsmith-sandbox-rehearsal';
const template = `Resources:
  IamPasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: iam-password-policy
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
`;

async function detailed(
  client: ConfigServiceClient,
  name = PACK,
): Promise<Map<string, OrganizationConformancePackDetailedStatus>> {
  const out = new Map<string, OrganizationConformancePackDetailedStatus>();
  for await (const page of paginateGetOrganizationConformancePackDetailedStatus(
    { client },
    { OrganizationConformancePackName: name, Limit: 20 },
  )) {
    for (const s of page.OrganizationConformancePackDetailedStatuses ?? [])
      if (s.AccountId) out.set(s.AccountId, s);
  }
  return out;
}

/** Advances the manual clock until the aggregate leaves *_IN_PROGRESS. */
async function untilDone(
  sandbox: Sandbox,
  client: ConfigServiceClient,
  name = PACK,
): Promise<string | undefined> {
  for (let i = 0; i < 20; i++) {
    sandbox.emulator.tick?.(1000);
    const r = await client.send(
      new DescribeOrganizationConformancePackStatusesCommand({ OrganizationConformancePackNames: [name] }),
    );
    const status = r.OrganizationConformancePackStatuses?.[0]?.Status;
    if (status && !status.endsWith('_IN_PROGRESS')) return status;
  }
  throw new Error('rollout did not finish');
}

describe.skipIf(!available)(`npm run sandbox${motoSkipNote()}`, () => {
  let sandbox: Sandbox;
  let client: ConfigServiceClient;
  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: 12,
      regions: ['us-east-1', 'eu-west-1'],
      withoutRecorder: 3,
      suspended: 1,
      depth: 2,
      emulator: { clock: 'manual', delay: { baseMs: 1000, jitterMs: 500 } },
    });
    client = new ConfigServiceClient({
      endpoint: sandbox.env.AWS_ENDPOINT_URL_CONFIG_SERVICE,
      region: sandbox.env.AWS_REGION,
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await sandbox?.stop();
  });

  it('prints the environment and the organization summary', () => {
    const env = formatEnv(sandbox.env);
    // Organizations through the delegated-administrator shim in front of moto.
    expect(env).toContain(`export AWS_ENDPOINT_URL_ORGANIZATIONS=${sandbox.organizations.endpoint}`);
    expect(env).toContain(`export AWS_ENDPOINT_URL_CONFIG_SERVICE=${sandbox.emulator.endpoint}`);
    expect(env).toContain('export AWS_REGION=us-east-1');
    const summary = formatSummary(sandbox.org);
    expect(summary).toContain(`management account: ${sandbox.org.managementAccountId}`);
    expect(summary).toContain('accounts without a recorder (3), in every Region (us-east-1, eu-west-1):');
    expect(summary).toMatch(/^ {6}ou-1-1 ou-/m);
  });

  it('fails where moto has no recorder, then succeeds once moto has one', async () => {
    const { org } = sandbox;
    const active = org.accounts.filter((a) => a.status === 'ACTIVE');
    const excluded = active.find((a) => !a.management && a.hasRecorder);
    if (!excluded) throw new Error('no account to exclude');
    const noRecorder = active.filter((a) => !a.hasRecorder).map((a) => a.id);
    const suspended = org.accounts.filter((a) => a.status === 'SUSPENDED').map((a) => a.id);
    expect(noRecorder).toHaveLength(3);
    expect(suspended).toHaveLength(1);
    const targets = active.filter((a) => a.id !== excluded.id).map((a) => a.id);
    const put = () =>
      client.send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: PACK,
          TemplateBody: template,
          ExcludedAccounts: [excluded.id],
        }),
      );

    await put();
    expect(await untilDone(sandbox, client)).toBe('CREATE_FAILED');
    let statuses = await detailed(client);
    expect([...statuses.keys()].sort()).toEqual([...targets].sort());
    for (const id of targets) {
      const s = statuses.get(id);
      if (noRecorder.includes(id)) {
        expect(s).toMatchObject({ Status: 'CREATE_FAILED', ErrorCode: noRecorderFailure.errorCode });
      } else {
        expect(s?.Status, id).toBe('CREATE_SUCCESSFUL');
      }
    }
    for (const id of [...suspended, excluded.id]) expect(statuses.has(id)).toBe(false);

    // Fix the accounts through moto's Config API, as each account, in the emulator's Region.
    for (const id of noRecorder) {
      const config = configClient({ endpoint: sandbox.moto.endpoint, accountId: id, region: sandbox.region });
      await config.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${id}:role/config` },
        }),
      );
      config.destroy();
    }
    await put();
    expect(await untilDone(sandbox, client)).toBe('UPDATE_SUCCESSFUL');
    statuses = await detailed(client);
    expect([...statuses.keys()].sort()).toEqual([...targets].sort());
    for (const s of statuses.values()) expect(s.Status, s.AccountId).toBe('UPDATE_SUCCESSFUL');
  });

  it('consults recorders in the Region of each request, behind one endpoint', async () => {
    const { org } = sandbox;
    expect(sandbox.regions).toEqual(['us-east-1', 'eu-west-1']);
    const active = org.accounts.filter((a) => a.status === 'ACTIVE');
    const noRecorder = active.filter((a) => !a.hasRecorder).map((a) => a.id);
    const member = active.find((a) => !a.management && a.hasRecorder);
    if (!member) throw new Error('no member with a recorder');
    // The member keeps its us-east-1 recorder and loses the eu-west-1 one, in moto.
    const config = configClient({
      endpoint: sandbox.moto.endpoint,
      accountId: member.id,
      region: 'eu-west-1',
    });
    await config.send(new DeleteConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    config.destroy();
    const eu = new ConfigServiceClient({
      endpoint: sandbox.env.AWS_ENDPOINT_URL_CONFIG_SERVICE,
      region: 'eu-west-1',
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    const other = new ConfigServiceClient({
      endpoint: sandbox.env.AWS_ENDPOINT_URL_CONFIG_SERVICE,
      region: 'ap-southeast-2',
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const name = 'packsmith-sandbox-regional';
      const put = new PutOrganizationConformancePackCommand({
        OrganizationConformancePackName: name,
        TemplateBody: template,
        ExcludedAccounts: noRecorder,
      });
      const usArn = (await client.send(put)).OrganizationConformancePackArn;
      const euArn = (await eu.send(put)).OrganizationConformancePackArn;
      expect(usArn).toContain(':us-east-1:');
      expect(euArn).toContain(':eu-west-1:');
      expect(await untilDone(sandbox, client, name)).toBe('CREATE_SUCCESSFUL');
      expect(await untilDone(sandbox, eu, name)).toBe('CREATE_FAILED');
      const targets = active
        .filter((a) => !noRecorder.includes(a.id))
        .map((a) => a.id)
        .sort();
      const us = await detailed(client, name);
      const euStatuses = await detailed(eu, name);
      expect([...us.keys()].sort()).toEqual(targets);
      expect([...euStatuses.keys()].sort()).toEqual(targets);
      for (const s of us.values()) expect(s.Status, s.AccountId).toBe('CREATE_SUCCESSFUL');
      for (const s of euStatuses.values()) {
        if (s.AccountId === member.id) {
          expect(s).toMatchObject({ Status: 'CREATE_FAILED', ErrorCode: noRecorderFailure.errorCode });
        } else {
          expect(s.Status, s.AccountId).toBe('CREATE_SUCCESSFUL');
        }
      }
      expect(sandbox.emulator.packNames('eu-west-1')).toContain(name);
      expect(sandbox.emulator.stats().byRegion['eu-west-1']?.requests.PutOrganizationConformancePack).toBe(1);
      // A Region the sandbox was not started with is refused, not silently served.
      const refused = await other.send(put).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(refused?.name).toBe('UnrecognizedClientException');
    } finally {
      eu.destroy();
      other.destroy();
    }
  });

  it('stop() leaves no moto process', async () => {
    const other = await startSandbox({ accounts: 2, depth: 1 });
    const pid = other.moto.pid;
    expect(pidAlive(pid)).toBe(true);
    await other.stop();
    await other.stop();
    expect(pidAlive(pid)).toBe(false);
  });

  it('the command prints export lines, and SIGTERM stops moto', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', runTs, '--accounts', '3', '--depth', '1', '--without-recorder', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: string) => {
        out += c;
        if (out.includes('Ctrl-C to stop')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${out}`)));
    });
    expect(out).toMatch(/^export AWS_ENDPOINT_URL_CONFIG_SERVICE=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(out).toContain('accounts without a recorder (1), in every Region (us-east-1):');
    expect(out).toContain('the Config emulator serves us-east-1 on that one endpoint');
    const pid = Number(/\(pid (\d+)\)/.exec(out)?.[1]);
    expect(pidAlive(pid)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // moto was stopped before the command exited; allow the kernel a moment to reap it.
    for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pidAlive(pid)).toBe(false);
  });
});

describe('npm run sandbox without moto_server', () => {
  it('says clearly that moto_server is not installed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', runTs, '--accounts', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: '/nonexistent' },
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toContain('moto_server is not installed');
  });
});
