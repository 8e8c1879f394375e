/**
 * Rollout state found one way, through the CLI against the sandbox, two commands in sequence:
 * a create whose pack Describe does not show at once (eventual consistency) leaves a complete
 * deployment record, so the next `plan` says unchanged and the next `deploy` puts nothing; a
 * put never seen within the wait leaves an "unconfirmed" record that `plan` verifies; `history`
 * finds the status database as every rollout command does (`--config`, statePath).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigServiceClient, PutOrganizationConformancePackCommand } from '@aws-sdk/client-config-service';
import { confirmPut, putVisibilityDelaysMs } from '../../src/rollout/apply.js';
import { describePack } from '../../src/rollout/observe.js';
import { startConfigEmulator, type ConfigEmulator } from '../../src/sandbox/config-emulator/index.js';
import { sandboxTemplateBucket } from '../../src/sandbox/sandbox.js';
import { motoSkipNote, motoStatus, s3Client } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;

describe('confirmPut: a bounded wait for the put to show in Describe', () => {
  let emu: ConfigEmulator | undefined;
  let client: ConfigServiceClient | undefined;
  afterEach(async () => {
    client?.destroy();
    await emu?.close();
  });
  const setup = async (lag: number) => {
    emu = await startConfigEmulator({
      accounts: async () => [{ id: '100000000001', status: 'ACTIVE' }],
      clock: 'manual',
      delay: { baseMs: 1000, jitterMs: 0 },
    });
    emu.faults.set({ describeLagAfterPut: lag });
    client = new ConfigServiceClient({
      endpoint: emu.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
    });
    const put = (bucket?: string) =>
      client!.send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: 'Late',
          TemplateBody:
            'Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: r\n      Source:\n        Owner: AWS\n        SourceIdentifier: X\n',
          ...(bucket ? { DeliveryS3Bucket: bucket } : {}),
        }),
      );
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      emu!.tick!(ms);
    };
    return { put, waits, sleep };
  };

  it('[10] describes again with growing waits until a new pack shows, on an injected sleep', async () => {
    const { put, waits, sleep } = await setup(3);
    await put();
    const r = await confirmPut(client!, 'Late', undefined, { sleep });
    expect(r.attempts).toBe(4);
    expect(r.lastUpdateTime).toBeInstanceOf(Date);
    expect(waits).toEqual(putVisibilityDelaysMs.slice(0, 3));
  });

  it('[10] gives up after the bounded waits when the put never shows', async () => {
    const { put, waits, sleep } = await setup(1000);
    await put();
    const r = await confirmPut(client!, 'Late', undefined, { sleep });
    expect(r).toEqual({ attempts: putVisibilityDelaysMs.length + 1 });
    expect(waits).toEqual([...putVisibilityDelaysMs]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(16_000);
  });

  it('[10] an update is confirmed only by a LastUpdateTime later than the one before the put', async () => {
    const { put, waits, sleep } = await setup(0);
    await put();
    const before = await describePack(client!, 'Late');
    emu!.tick!(5000);
    emu!.faults.set({ describeLagAfterPut: 2 });
    await put('awsconfigconforms-later');
    const r = await confirmPut(client!, 'Late', before, { sleep });
    expect(r.attempts).toBe(3);
    expect(r.lastUpdateTime!.getTime()).toBeGreaterThan(before!.lastUpdateTime!.getTime());
    expect(waits).toHaveLength(2);
  });
});
const PACK = 's3-data-protection';
const REGIONS = ['us-east-1', 'eu-west-1'];

interface PlanDoc {
  packs: Array<{
    regions: Array<{ region: string; action: string; reasons: string[]; drift: { changedOutside: boolean } }>;
  }>;
}

describe.skipIf(!available)(`rollout state across commands${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  const puts = () =>
    REGIONS.map((r) => f.sandbox.emulator.stats().byRegion[r]?.requests.PutOrganizationConformancePack ?? 0);
  const withPack = (extra: string) => f.writeConfig(f.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n${extra}`));
  const plan = async () => {
    const r = await f.cli('plan', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as PlanDoc).packs.flatMap((p) => p.regions);
  };
  /** The current deployment record in the Region's template bucket. */
  const record = async (orgPackName: string, region: string) => {
    const s3 = s3Client({
      endpoint: f.sandbox.moto.endpoint,
      accountId: f.sandbox.org.managementAccountId,
      region,
    });
    try {
      const got = await s3.send(
        new GetObjectCommand({
          Bucket: sandboxTemplateBucket(region),
          Key: `packsmith/${orgPackName}/deployment.json`,
        }),
      );
      return JSON.parse(await got.Body!.transformToString()) as Record<string, unknown>;
    } finally {
      s3.destroy();
    }
  };

  beforeAll(async () => {
    f = await startRolloutFixture({ accounts: 6, regions: REGIONS, delay: { baseMs: 100, jitterMs: 100 } });
  }, 60_000);
  afterAll(async () => f?.stop());

  it('[10] a create that Describe shows late: plan then says unchanged and a second deploy puts nothing', async () => {
    f.sandbox.emulator.faults.set({ describeLagAfterPut: 2 });
    try {
      const first = await f.cli(...deployArgs());
      expect(first.code, first.stderr).toBe(0);
      expect(puts()).toEqual([1, 1]);
      for (const region of REGIONS) {
        const r = await record(PACK, region);
        expect(r.packLastUpdateTime, region).toEqual(expect.any(String));
        expect(r).not.toHaveProperty('unconfirmedPutAt');
      }
      const regions = await plan();
      expect(regions.map((r) => [r.region, r.action, r.drift.changedOutside])).toEqual([
        ['us-east-1', 'unchanged', false],
        ['eu-west-1', 'unchanged', false],
      ]);
      const second = await f.cli(...deployArgs());
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain('Nothing to deploy: every pack is up to date.');
      expect(second.stderr).not.toMatch(/changed outside/);
      expect(puts()).toEqual([1, 1]);
    } finally {
      f.sandbox.emulator.faults.reset();
    }
  }, 90_000);

  it('[10] a put Describe never shows in time: the record says unconfirmed, with a warning, and plan verifies it', async () => {
    withPack('    orgPackName: LateToShow\n');
    f.sandbox.emulator.faults.set({ describeLagAfterPut: 50 });
    f.sandbox.emulator.resetStats();
    try {
      const first = await f.cli(...deployArgs());
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/us-east-1: warning: the put was accepted but .* marked unconfirmed/);
      const r = await record('LateToShow', 'us-east-1');
      expect(r.packLastUpdateTime).toBeNull();
      expect(r.unconfirmedPutAt).toEqual(expect.any(String));
      f.sandbox.emulator.faults.reset();
      const regions = await plan();
      expect(regions.map((x) => [x.region, x.action, x.drift.changedOutside])).toEqual([
        ['us-east-1', 'unchanged', false],
        ['eu-west-1', 'unchanged', false],
      ]);
      const second = await f.cli(...deployArgs());
      expect(second.code, second.stderr).toBe(0);
      expect(puts()).toEqual([1, 1]);
    } finally {
      f.sandbox.emulator.faults.reset();
      f.writeConfig(f.config);
    }
  }, 120_000);

  it('[10] history takes --config and its statePath, and tells two org pack names of one pack apart', async () => {
    writeFileSync(
      join(f.repo, 'custom.deploy.yaml'),
      f.config
        .replace('statePath: .packsmith/state.db', 'statePath: elsewhere/custom-state.db')
        .replace(`  ${PACK}:\n`, `  ${PACK}:\n    orgPackName: CustomCopy\n`),
    );
    const deployed = await f.cli(...deployArgs('--config', 'custom.deploy.yaml'));
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(existsSync(join(f.repo, 'elsewhere', 'custom-state.db'))).toBe(true);

    const custom = await f.cli('history', '--config', 'custom.deploy.yaml', '--format', 'json');
    expect(custom.code, custom.stderr).toBe(0);
    const runs = (
      JSON.parse(custom.stdout) as { deployments: Array<{ orgPackName: string; region: string }> }
    ).deployments;
    expect(runs.map((d) => [d.orgPackName, d.region]).sort()).toEqual([
      ['CustomCopy', 'eu-west-1'],
      ['CustomCopy', 'us-east-1'],
    ]);
    const oneRegion = await f.cli('history', '--config', 'custom.deploy.yaml', '--region', 'eu-west-1');
    expect(oneRegion.stdout).toMatch(/^\d+ +s3-data-protection +CustomCopy +eu-west-1 +create /m);
    expect(oneRegion.stdout).not.toMatch(/us-east-1/);

    // The default configuration's database holds one pack deployed under two org pack names.
    const table = await f.cli('history');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^id +pack +org pack +region +operation /);
    expect(table.stdout).toMatch(/^\d+ +s3-data-protection +s3-data-protection +us-east-1 +create /m);
    expect(table.stdout).toMatch(/^\d+ +s3-data-protection +LateToShow +us-east-1 +create /m);
    expect(table.stdout).not.toMatch(/CustomCopy/);
    // A named configuration that does not exist is a usage error, not an empty history.
    const missing = await f.cli('history', '--config', 'nowhere.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no deployment configuration at .*nowhere\.yaml/);
  }, 90_000);
});
