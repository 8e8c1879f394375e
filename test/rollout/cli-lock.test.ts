/**
 * The deploy lock through the CLI, with real concurrent processes against the sandbox: two deploys
 * of one pack started at once do not race (one wins, the other names the holder and exits 1),
 * `--lock-wait` serialises them, and `unlock` clears the lock a killed deploy left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DescribeOrganizationConformancePackStatusesCommand,
} from '@aws-sdk/client-config-service';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import {
  deployArgs,
  readDatabase,
  startRolloutFixture,
  type RolloutFixture,
} from '../support/rollout-fixture.js';

const available = motoStatus().available;
const PACK = 's3-data-protection';
// An org pack name unlike the pack's: the advice must name the pack `unlock` takes.
const ORG_PACK = 'OrgS3DataProtection';
const REGIONS = ['us-east-1', 'eu-west-1'];

describe.skipIf(!available)(`the deploy lock across processes${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  const puts = () =>
    REGIONS.map((r) => f.sandbox.emulator.stats().byRegion[r]?.requests.PutOrganizationConformancePack ?? 0);
  /** Until no Region's pack is still in progress (per the emulator's aggregate status). */
  const settled = async () => {
    for (const region of REGIONS) {
      const client = new ConfigServiceClient({
        endpoint: f.env.AWS_ENDPOINT_URL_CONFIG_SERVICE,
        region,
        credentials: { accessKeyId: f.env.AWS_ACCESS_KEY_ID!, secretAccessKey: f.env.AWS_SECRET_ACCESS_KEY! },
        maxAttempts: 1,
      });
      try {
        for (let i = 0; i < 300; i++) {
          const r = await client.send(
            new DescribeOrganizationConformancePackStatusesCommand({
              OrganizationConformancePackNames: [ORG_PACK],
            }),
          );
          if (!r.OrganizationConformancePackStatuses?.[0]?.Status?.endsWith('_IN_PROGRESS')) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        client.destroy();
      }
    }
  };
  const withPrefix = (prefix: string) =>
    f.writeConfig(
      f.config.replace(
        `  ${PACK}:\n`,
        `  ${PACK}:\n    orgPackName: ${ORG_PACK}\n    deliveryKeyPrefix: ${prefix}\n`,
      ),
    );

  beforeAll(async () => {
    // Every account takes 2.5 s: the first deploy still holds the lock when the second asks.
    f = await startRolloutFixture({ accounts: 9, regions: REGIONS, delay: { baseMs: 2500, jitterMs: 0 } });
    withPrefix('first');
  }, 60_000);
  afterAll(async () => f?.stop());

  it('two deploys started at once: one deploys, the other names the holder and exits 1', async () => {
    f.sandbox.emulator.resetStats();
    const runs = [f.spawnCli(deployArgs()), f.spawnCli(deployArgs())];
    const exits = await Promise.all(runs.map((r) => r.exited));
    const codes = exits.map((e) => e.code).sort();
    expect(codes, exits.map((e) => e.stderr).join('\n---\n')).toEqual([0, 1]);
    const winner = runs[exits.findIndex((e) => e.code === 0)]!;
    const loser = exits.find((e) => e.code === 1)!;
    expect(loser.stderr).toMatch(
      new RegExp(`pack ${ORG_PACK} is locked by \\S+ pid ${winner.proc.pid} \\(deploy\\) since `),
    );
    expect(loser.stderr).toContain(`\`packsmith unlock ${PACK}\``);
    expect(loser.stdout).not.toMatch(/succeeded/);
    // Exactly one put per Region: the loser never reached AWS.
    expect(puts()).toEqual([1, 1]);
    readDatabase(f.statePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT region, operation, outcome FROM deployments ORDER BY region').all();
      expect(rows).toEqual([
        { region: 'eu-west-1', operation: 'create', outcome: 'succeeded' },
        { region: 'us-east-1', operation: 'create', outcome: 'succeeded' },
      ]);
    });
  }, 90_000);

  it('with --lock-wait both succeed, one after the other; the one that waited plans again', async () => {
    withPrefix('second');
    f.sandbox.emulator.resetStats();
    const runs = [f.spawnCli(deployArgs('--lock-wait', '30')), f.spawnCli(deployArgs('--lock-wait', '30'))];
    const exits = await Promise.all(runs.map((r) => r.exited));
    expect(
      exits.map((e) => e.code),
      exits.map((e) => e.stderr).join('\n---\n'),
    ).toEqual([0, 0]);
    // Both planned "update" before the lock; the one that waited finds the other's put already
    // there, plans again and puts nothing: one put per Region in all.
    for (const e of exits) expect(e.stderr).toMatch(/us-east-1 +update\n +the delivery key prefix changed/);
    const waited = exits.filter((e) => /waited .*planned again/.test(e.stderr));
    expect(waited).toHaveLength(1);
    expect(waited[0]?.stderr).toMatch(/planned again: us-east-1 unchanged, eu-west-1 unchanged/);
    expect(waited[0]?.stdout).toMatch(/s3-data-protection in us-east-1: unchanged, nothing to do/);
    expect(puts()).toEqual([1, 1]);
    readDatabase(f.statePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare("SELECT count(*) AS n FROM deployments WHERE operation = 'update'").get();
      expect(rows).toEqual({ n: 2 });
    });
  }, 90_000);

  it('unlock breaks the lock a SIGKILLed deploy left, and the next deploy proceeds', async () => {
    withPrefix('third');
    const killed = f.spawnCli(deployArgs());
    await killed.waitFor(/accepted by AWS/);
    killed.proc.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    withPrefix('fourth');
    const refused = await f.cli(...deployArgs());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`locked by \\S+ pid ${killed.proc.pid} \\(deploy\\)`));

    f.sandbox.emulator.resetStats();
    const unlock = await f.cli('unlock', PACK, '--yes');
    expect(unlock.code).toBe(0);
    expect(unlock.stderr).toMatch(
      new RegExp(`${ORG_PACK} is locked by \\S+ pid ${killed.proc.pid} \\(deploy\\)`),
    );
    expect(unlock.stdout).toContain(`Lock of ${ORG_PACK} broken.`);

    // The killed deploy's put keeps rolling out in AWS; let it finish, so that the next put is not
    // answered ResourceInUseException (and retried) on a slow machine.
    await settled();
    f.sandbox.emulator.resetStats();
    const next = await f.cli(...deployArgs());
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/update in us-east-1 succeeded: 10 of 10/);
    expect(puts()).toEqual([1, 1]);
    // The deploy released its lock: nothing left to unlock.
    const again = await f.cli('unlock', PACK, '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${ORG_PACK} is not locked.`);
  }, 90_000);
});
