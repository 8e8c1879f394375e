/**
 * A deploy interrupted for real, as a separate process against the sandbox: SIGKILL in the middle
 * of tracking leaves an intact database holding every poll committed before the kill and an open
 * (interrupted) deployment; Ctrl-C stops cleanly, records "cancelled" and releases the lock.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import {
  deployArgs,
  eventually,
  readDatabase,
  startRolloutFixture,
  type RolloutFixture,
} from '../support/rollout-fixture.js';

const available = motoStatus().available;
const PACK = 's3-data-protection';
const REGION = 'us-east-1';
const MEMBERS = 21;
const TARGETS = MEMBERS + 1; // and the management account

interface Json {
  [key: string]: unknown;
}

describe.skipIf(!available)(`an interrupted deploy${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  const puts = () =>
    f.sandbox.emulator.stats().byRegion[REGION]?.requests.PutOrganizationConformancePack ?? 0;
  const withPrefix = (prefix: string) =>
    f.writeConfig(f.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n    deliveryKeyPrefix: ${prefix}\n`));

  beforeAll(async () => {
    // Accounts finish spread over 0.5–4.5 s: a kill lands with some accounts done and some not.
    f = await startRolloutFixture({
      accounts: MEMBERS,
      regions: [REGION],
      delay: { baseMs: 500, jitterMs: 4000 },
    });
  }, 60_000);
  afterAll(async () => f?.stop());

  it('SIGKILL mid-rollout keeps every committed poll; history shows it interrupted; deploy again', async () => {
    const child = f.spawnCli(deployArgs());
    const terminal = `status LIKE '%_SUCCESSFUL' OR status LIKE '%_FAILED'`;
    // Some but not all accounts have a terminal status recorded.
    await eventually(
      () => {
        if (!existsSync(f.statePath)) return undefined;
        try {
          const n = readDatabase(f.statePath, (db) => {
            const row = db.prepare(`SELECT count(*) AS n FROM account_status WHERE ${terminal}`).get() as {
              n: number;
            };
            return row.n;
          });
          return n > 0 && n < TARGETS ? n : undefined;
        } catch {
          return undefined; // not yet migrated
        }
      },
      { timeoutMs: 40_000, everyMs: 20, what: 'a partly finished rollout in the database' },
    );
    const seen = readDatabase(f.statePath, (db) =>
      db.prepare('SELECT * FROM status_transitions ORDER BY id').all(),
    );
    child.proc.kill('SIGKILL');
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');

    const after = readDatabase(f.statePath, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT * FROM status_transitions ORDER BY id').all() as Array<{ id: number }>;
      const deployments = db.prepare('SELECT id, ended_at, outcome FROM deployments').all();
      return { rows, deployments };
    });
    // Everything observed before the kill is still there, unchanged (at most later polls added).
    expect(after.rows.slice(0, seen.length)).toEqual(seen);
    const finished = (seen as Array<{ status: string }>).filter((r) =>
      /_(SUCCESSFUL|FAILED)$/.test(r.status),
    );
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(TARGETS);
    expect(after.deployments).toEqual([{ id: 1, ended_at: null, outcome: null }]);

    const history = await f.cli('history', '--format', 'json');
    const [deployment] = (JSON.parse(history.stdout) as { deployments: Json[] }).deployments;
    expect(deployment).toMatchObject({ id: 1, operation: 'create', endedAt: null, outcome: null });
    const table = await f.cli('history');
    expect(table.stdout).toMatch(
      /^1 +s3-data-protection +s3-data-protection +us-east-1 +create +\S+ +\(running or interrupted\) +- /m,
    );

    // The put had been accepted and its record written before the kill: AWS goes on rolling out,
    // and the next deploy trusts the record, so there is nothing to put again.
    const before = puts();
    const again = await f.cli(...deployArgs());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/us-east-1 +unchanged/);
    expect(again.stderr).toContain('Nothing to deploy: every pack is up to date.');
    expect(puts()).toBe(before);
    // ...and every account ends succeeded in AWS.
    let accounts: Array<{ status: string; target: boolean }> = [];
    for (let i = 0; i < 100; i++) {
      const status = await f.cli('status', '--format', 'json');
      accounts = (JSON.parse(status.stdout) as { accounts: typeof accounts }).accounts;
      if (accounts.every((a) => a.status === 'CREATE_SUCCESSFUL')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(accounts).toHaveLength(TARGETS);
    expect(accounts.filter((a) => a.status !== 'CREATE_SUCCESSFUL')).toEqual([]);
    // The killed deploy's lock is still there, naming it.
    const unlock = await f.cli('unlock', PACK, '--yes');
    expect(unlock.stderr).toMatch(new RegExp(`locked by \\S+ pid ${child.proc.pid} \\(deploy\\)`));
    expect(unlock.stdout).toContain(`Lock of ${PACK} broken.`);
  }, 120_000);

  it('Ctrl-C once: exits on its own, records "cancelled", releases the lock', async () => {
    withPrefix('after-kill');
    const child = f.spawnCli(deployArgs());
    await child.waitFor(/following every account/);
    await child.waitFor(/0\/22: in progress/);
    const sentAt = Date.now();
    child.proc.kill('SIGINT');
    const exit = await child.exited;
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(exit.signal).toBeNull();
    // A cancelled rollout is not a success: exit 130 (SIGINT), and the summary says what was left waiting.
    expect(exit.code).toBe(130);
    expect(exit.stdout).toMatch(/update in us-east-1 was cancelled: .*still waiting/);
    expect(exit.stdout).toMatch(/Stopped by SIGINT: \d+ account\(s\) were still in progress/);
    expect(exit.stderr).toContain('packsmith: SIGINT received: stopping');
    const last = readDatabase(f.statePath, (db) =>
      db
        .prepare(
          'SELECT operation, ended_at IS NOT NULL AS ended, outcome FROM deployments ORDER BY id DESC LIMIT 1',
        )
        .get(),
    );
    expect(last).toEqual({ operation: 'update', ended: 1, outcome: 'cancelled' });

    const unlock = await f.cli('unlock', PACK, '--yes');
    expect(unlock.stdout).toContain(`${PACK} is not locked.`);
    withPrefix('after-ctrl-c');
    const next = await f.cli(...deployArgs());
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/update in us-east-1 succeeded: 22 of 22/);
  }, 120_000);

  it('Ctrl-C while the put waits out ResourceInUseException: stops at once, puts nothing, records "cancelled"', async () => {
    withPrefix('while-busy');
    f.sandbox.emulator.resetStats();
    // Every put is refused as busy: packsmith waits 5 s, 10 s, ... up to 5 minutes in all.
    f.sandbox.emulator.faults.set({ resourceInUseNextPuts: 1000 });
    try {
      const child = f.spawnCli(deployArgs());
      await child.waitFor(/ResourceInUseException, trying again in \d+ s/, 60_000);
      const sentAt = Date.now();
      child.proc.kill('SIGINT');
      const exit = await child.exited;
      // Before: the wait went on (and the retries after it) for up to 5 minutes.
      expect(Date.now() - sentAt, exit.stderr + exit.stdout).toBeLessThan(5_000);
      expect(exit.code, exit.stderr).toBe(130);
      expect(exit.stderr).not.toMatch(/put-failed|failed to put/i);
      expect(puts()).toBe(1);
      const last = readDatabase(f.statePath, (db) =>
        db
          .prepare('SELECT ended_at IS NOT NULL AS ended, outcome FROM deployments ORDER BY id DESC LIMIT 1')
          .get(),
      );
      expect(last).toEqual({ ended: 1, outcome: 'cancelled' });
    } finally {
      f.sandbox.emulator.faults.set({ resourceInUseNextPuts: 0 });
    }
  }, 120_000);

  it('[10] Ctrl-C in a wave: the wave is said interrupted with its accounts in progress, never ✓', async () => {
    // A new org pack, so that its first deployment goes in waves.
    f.writeConfig(
      f.config.replace(
        `  ${PACK}:\n`,
        `  ${PACK}:\n    orgPackName: ${PACK}-waved\n    waves:\n      - name: ou1\n        ous: [/Root/ou-1]\n`,
      ),
    );
    const child = f.spawnCli(deployArgs());
    await child.waitFor(/wave ou1 \(1 of 2\)/);
    await child.waitFor(/: in progress/);
    child.proc.kill('SIGINT');
    const exit = await child.exited;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toMatch(
      /wave ou1 interrupted: \d+ account\(s\) still in progress, \d+ failed so far/,
    );
    expect(exit.stderr).not.toMatch(/wave ou1 stopped the rollout/);
    expect(exit.stdout).toMatch(
      /… ou1: \d+ account\(s\), interrupted, \d+ in progress, \d+ failed so far; continue with `packsmith deploy s3-data-protection --resume`/,
    );
    expect(exit.stdout).not.toMatch(/✓ ou1/);
    f.writeConfig(f.config);
  }, 60_000);
});
