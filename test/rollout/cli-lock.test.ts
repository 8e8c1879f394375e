/**
 * The deploy lock through the CLI, with real concurrent processes against the sandbox: two deploys
 * of one pack do not race (the one that meets the lock names the holder and exits 1),
 * `--lock-wait` serialises them, and the lock a killed deploy left behind is taken over by the next
 * deploy on the same host, without `unlock`.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/rollout/lock.js';
import { sandboxTemplateBucket } from '../../src/sandbox/sandbox.js';
import { motoSkipNote, motoStatus, s3Client } from '../support/moto.js';
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
const WAVED = 'OrgS3InWaves';

const withPrefix = (f: RolloutFixture, prefix: string) =>
  f.writeConfig(
    f.config.replace(
      `  ${PACK}:\n`,
      `  ${PACK}:\n    orgPackName: ${ORG_PACK}\n    deliveryKeyPrefix: ${prefix}\n`,
    ),
  );
const puts = (f: RolloutFixture) =>
  REGIONS.map((r) => f.sandbox.emulator.stats().byRegion[r]?.requests.PutOrganizationConformancePack ?? 0);

describe.skipIf(!available)(`the deploy lock across processes, a race${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  beforeAll(async () => {
    f = await startRolloutFixture({ accounts: 9, regions: REGIONS, clock: 'manual' });
  }, 60_000);
  afterAll(async () => f?.stop());

  it('a deploy while another holds the lock names the holder, exits 1 and never reaches AWS', async () => {
    // The emulator's clock stands still, so the first deploy's pack stays in progress and the
    // deploy holds the lock until the test moves the clock, however loaded the machine is. (Two
    // deploys started at the same instant are not deterministic here: the later one may plan after
    // the first one's put and find nothing to do. One winner among concurrent takers is
    // test/rollout/lock.test.ts's.)
    withPrefix(f, 'first');
    const holder = f.spawnCli(deployArgs());
    // Both Regions' puts are in before the clock moves: a pack put after the tick would wait forever.
    await holder.waitFor(/accepted by AWS[\s\S]*accepted by AWS/, 60_000);
    withPrefix(f, 'second');
    const refused = await f.cli(...deployArgs());
    f.sandbox.emulator.tick!(60_000);
    const held = await holder.exited;
    expect(held.code, held.stderr).toBe(0);
    expect(refused.code, refused.stderr).toBe(1);
    // It planned the update, then met the lock.
    expect(refused.stderr).toMatch(/us-east-1 +update/);
    expect(refused.stderr).toMatch(
      new RegExp(`pack ${ORG_PACK} is locked by \\S+ pid ${holder.proc.pid} \\(deploy\\) since `),
    );
    expect(refused.stderr).toContain(`\`packsmith unlock ${PACK}\``);
    expect(refused.stdout).not.toMatch(/succeeded/);
    // Exactly one put per Region: the refused deploy never reached AWS.
    expect(puts(f)).toEqual([1, 1]);
    readDatabase(f.statePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT region, operation, outcome FROM deployments ORDER BY region').all();
      expect(rows).toEqual([
        { region: 'eu-west-1', operation: 'create', outcome: 'succeeded' },
        { region: 'us-east-1', operation: 'create', outcome: 'succeeded' },
      ]);
    });
  }, 90_000);
});

describe.skipIf(!available)(`the deploy lock across processes${motoSkipNote()}`, () => {
  let f: RolloutFixture;

  beforeAll(async () => {
    // Every account takes 2.5 s: a killed deploy is still following its first wave.
    f = await startRolloutFixture({ accounts: 9, regions: REGIONS, delay: { baseMs: 2500, jitterMs: 0 } });
    withPrefix(f, 'first');
    const created = await f.cli(...deployArgs());
    expect(created.code, created.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => f?.stop());

  it('with --lock-wait both succeed, one after the other; the one that waited plans again', async () => {
    withPrefix(f, 'second');
    f.sandbox.emulator.resetStats();
    // The test holds the pack's lock (as a live process of this host) until both deploys have
    // planned: both then plan the same update, whatever the machine's load, and wait.
    const s3 = s3Client({ endpoint: f.sandbox.moto.endpoint, accountId: f.sandbox.org.managementAccountId });
    const held = await acquireLock(s3, {
      bucket: sandboxTemplateBucket(REGIONS[0]!),
      owner: f.sandbox.org.managementAccountId,
      orgPackName: ORG_PACK,
      holder: { who: 'the test', operation: 'deploy', host: hostname(), pid: process.pid },
      ttlMs: 120_000,
    });
    const runs = [f.spawnCli(deployArgs('--lock-wait', '60')), f.spawnCli(deployArgs('--lock-wait', '60'))];
    await Promise.all(runs.map((r) => r.waitFor(/us-east-1 +update/, 60_000)));
    expect(await held.release()).toEqual({ released: true });
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
    expect(puts(f)).toEqual([1, 1]);
    readDatabase(f.statePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare("SELECT count(*) AS n FROM deployments WHERE operation = 'update'").get();
      expect(rows).toEqual({ n: 2 });
    });
  }, 90_000);

  it("[10] SIGKILL, then deploy --resume takes over the dead deploy's lock without unlock; history shows it interrupted", async () => {
    // A new org pack in two waves (an update cannot be staged): the kill lands while the first is
    // followed, so --resume has a rollout to continue.
    f.writeConfig(
      f.config.replace(
        `  ${PACK}:\n`,
        `  ${PACK}:\n    orgPackName: ${WAVED}\n` +
          '    waves:\n      - name: first\n        ous: [/Root/ou-1]\n      - name: everyone\n        ous: [/Root]\n',
      ),
    );
    const killed = f.spawnCli(deployArgs());
    await killed.waitFor(/wave first \(1 of 2\)[\s\S]*accepted by AWS/);
    killed.proc.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const open = () =>
      readDatabase(f.statePath, (db) =>
        db.prepare('SELECT id FROM deployments WHERE ended_at IS NULL ORDER BY id').all(),
      ) as Array<{ id: number }>;
    const killedRows = open().map((r) => r.id);
    expect(killedRows.length).toBeGreaterThan(0);

    const resumed = await f.cli(...deployArgs('--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(
      `took over the lock of deploy pid ${killed.proc.pid} on this host, which is no longer running; ` +
        `its ${killedRows.length} unfinished deployment(s) are recorded as interrupted`,
    );
    expect(resumed.stdout).toMatch(/succeeded: 10 of 10/);
    expect(open()).toEqual([]);
    const history = JSON.parse((await f.cli('history', '--format', 'json')).stdout) as {
      deployments: Array<{ id: number; outcome: string | null }>;
    };
    expect(history.deployments.filter((d) => killedRows.includes(d.id)).map((d) => d.outcome)).toEqual(
      killedRows.map(() => 'interrupted'),
    );
    const table = await f.cli('history');
    expect(table.stdout).toMatch(new RegExp(`^${killedRows[0]} +${PACK} +${WAVED} .* interrupted `, 'm'));
    // The resumed deploy released its lock: nothing left to unlock.
    const again = await f.cli('unlock', PACK, '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${WAVED} is not locked.`);
  }, 90_000);
});
