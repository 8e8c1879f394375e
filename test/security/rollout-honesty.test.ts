/**
 * Honest rollouts (issue 9, items 6–8), against the sandbox: a saved plan is applied only while the
 * checkout still builds it and AWS still holds what it was planned against; a signal before any
 * put exits 130/143 claiming nothing, during tracking it says what was left; a local status store
 * failure is reported as local, never as an AWS refusal, and read-only commands work without it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const PACK = 's3-data-protection';
const REGION = 'us-east-1';

interface PlanFile {
  packs: Array<{
    regions: Array<{
      region: string;
      action: string;
      templateBody: string;
      desired: { templateSha256: string; excludedAccounts: string[] };
    }>;
  }>;
}
interface RolloutDoc {
  ok: boolean;
  cancelled?: { signal: string; beforeAnyChange: boolean; inProgress: number };
  regions: Array<{ region: string; outcome: string; storeError?: string }>;
}
interface StatusDoc {
  accounts: Array<{ accountId: string; status: string; history: Record<string, unknown> }>;
  localHistory?: { available: boolean; reason?: string };
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe.skipIf(!available)(`honest rollouts${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let scratch: string;
  const puts = () =>
    f.sandbox.emulator.stats().byRegion[REGION]?.requests.PutOrganizationConformancePack ?? 0;
  const withPack = (extra: string) => f.writeConfig(f.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n${extra}`));
  const emulatorRequests = () => f.sandbox.emulator.stats().total;

  beforeAll(async () => {
    // Accounts finish 1–3 s after a put: a signal or a lock lands while some are in progress.
    f = await startRolloutFixture({
      accounts: 4,
      regions: [REGION],
      delay: { baseMs: 1000, jitterMs: 2000 },
    });
    scratch = mkdtempSync(join(tmpdir(), 'packsmith-honesty-'));
  }, 60_000);
  afterAll(async () => {
    await f?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Starts a deploy in a child process and signals it once planning has reached the Config API. */
  const signalDuringPlanning = async (signal: 'SIGINT' | 'SIGTERM', ...more: string[]) => {
    f.sandbox.emulator.resetStats();
    // Every Config answer takes 1 s: planning is slow, and the signal lands in it.
    f.sandbox.emulator.faults.set({ latency: { ms: 1000 } });
    try {
      const child = f.spawnCli(deployArgs(...more));
      const deadline = Date.now() + 40_000;
      while (emulatorRequests() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(emulatorRequests()).toBeGreaterThan(0);
      child.proc.kill(signal);
      return await child.exited;
    } finally {
      f.sandbox.emulator.faults.reset();
    }
  };

  it('[7] SIGINT during planning: exit 130, JSON ok false and cancelled, nothing put', async () => {
    const exit = await signalDuringPlanning('SIGINT', '--format', 'json');
    expect(exit.signal).toBeNull();
    expect(exit.code, exit.stderr).toBe(130);
    const doc = JSON.parse(exit.stdout) as RolloutDoc;
    expect(doc.ok).toBe(false);
    expect(doc.cancelled).toEqual({ signal: 'SIGINT', beforeAnyChange: true, inProgress: 0 });
    expect(doc.regions).toEqual([]);
    expect(puts()).toBe(0);
    expect(f.sandbox.emulator.packNames(REGION)).not.toContain(PACK);
  }, 60_000);

  it('[7] SIGTERM during planning: exit 143, says nothing was deployed, claims nothing', async () => {
    const exit = await signalDuringPlanning('SIGTERM');
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('cancelled before any change (SIGTERM): nothing was deployed');
    expect(exit.stderr).not.toContain('following every account');
    expect(exit.stdout).not.toMatch(/succeeded|unchanged, nothing to do/);
    expect(puts()).toBe(0);
    expect(f.sandbox.emulator.packNames(REGION)).not.toContain(PACK);
  }, 60_000);

  it('[6] a saved plan edited to add a rule (hash recomputed) is refused, naming pack, Region and template', async () => {
    const file = join(scratch, 'plan.json');
    expect((await f.cli('plan', '--out', file)).code).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
    const planned = plan.packs[0]!.regions[0]!;
    planned.templateBody +=
      '  InjectedRule:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: injected\n' +
      '      Source:\n        Owner: AWS\n        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n';
    planned.desired.templateSha256 = sha256(planned.templateBody);
    const edited = join(scratch, 'edited.json');
    writeFileSync(edited, JSON.stringify(plan));

    const r = await f.cli(...deployArgs('--plan', edited));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`${PACK} in ${REGION}: the template differs \\(plan [0-9a-f]{12}, checkout`),
    );
    expect(r.stderr).toContain('run `packsmith plan --out FILE` again');
    expect(puts()).toBe(0);
    expect(f.sandbox.emulator.packNames(REGION)).not.toContain(PACK);
  });

  it('[6] a saved plan with edited exclusions, or a checkout changed since the plan, is refused; an intact one applies', async () => {
    const file = join(scratch, 'plan.json');
    expect((await f.cli('plan', '--out', file)).code).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;

    // Exclusions edited in the file (the template and its hash untouched).
    const widened = structuredClone(plan);
    widened.packs[0]!.regions[0]!.desired.excludedAccounts = ['999999999999'];
    const widenedFile = join(scratch, 'widened.json');
    writeFileSync(widenedFile, JSON.stringify(widened));
    const r1 = await f.cli(...deployArgs('--plan', widenedFile));
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(
      new RegExp(`${PACK} in ${REGION}: the excluded accounts differ \\(only in the plan: 999999999999`),
    );

    // The checkout leaves a rule out since the plan was made: the plan is no longer what it builds.
    withPack(`    excludeRules:\n      ${REGION}: [s3-bucket-logging-enabled]\n`);
    try {
      const r2 = await f.cli(...deployArgs('--plan', file));
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(new RegExp(`${PACK} in ${REGION}: the template differs`));
      expect(r2.stderr).toMatch(
        /the rules left out differ \(plan: none; checkout: s3-bucket-logging-enabled\)/,
      );
    } finally {
      f.writeConfig(f.config);
    }
    expect(puts()).toBe(0);

    const applied = await f.cli(...deployArgs('--plan', file));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/create in us-east-1 succeeded: 5 of 5/);
    expect(puts()).toBe(1);
  }, 60_000);

  it('[7] SIGTERM during tracking: exit 143, says how many accounts were in progress and names --resume', async () => {
    withPack('    deliveryKeyPrefix: sigterm-tracking\n');
    const child = f.spawnCli(deployArgs());
    await child.waitFor(/following every account/);
    child.proc.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stdout).toMatch(/Stopped by SIGTERM: [1-5] account\(s\) were still in progress/);
    expect(exit.stdout).toContain('`packsmith deploy --resume`');
    expect(exit.stdout).not.toMatch(/was refused by AWS/);
    f.writeConfig(f.config);
  }, 60_000);

  it('[8] the status store locked during tracking: reported as local, tracking goes on from AWS, exit 1', async () => {
    // Let the previous update settle, so that this put is not refused as in use.
    await new Promise((r) => setTimeout(r, 3_500));
    withPack('    deliveryKeyPrefix: store-locked\n');
    try {
      const child = f.spawnCli(deployArgs());
      await child.waitFor(/following every account/);
      // Another process holds the write lock for longer than the store's busy timeout (5 s).
      const holder = new Database(f.statePath);
      holder.exec('BEGIN EXCLUSIVE');
      await new Promise((r) => setTimeout(r, 7_000));
      holder.exec('COMMIT');
      holder.close();
      const exit = await child.exited;
      expect(exit.code, `${exit.stdout}\n${exit.stderr}`).toBe(1);
      const all = `${exit.stdout}\n${exit.stderr}`;
      expect(all).not.toMatch(/refused by AWS/);
      expect(all).toContain(
        'recording to the status store .packsmith/state.db failed: database is locked; the put was accepted by AWS',
      );
      expect(all).toContain('follow it with `packsmith status`');
      // Tracking was not abandoned: every account's end came from AWS.
      expect(exit.stdout).toMatch(/update in us-east-1 succeeded: 5 of 5/);
    } finally {
      f.writeConfig(f.config);
    }
  }, 90_000);

  it('[8] status works from AWS with a corrupt, newer-schema or locked state file, saying why history is missing', async () => {
    const corrupt = join(scratch, 'corrupt.db');
    writeFileSync(corrupt, 'this is not a database\n'.repeat(400));
    const newer = join(scratch, 'newer.db');
    const db = new Database(newer);
    db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    db.prepare('INSERT INTO schema_version VALUES (99, ?)').run(new Date().toISOString());
    db.close();

    for (const [file, reason] of [
      [corrupt, /file is not a database/],
      [newer, /schema version 99/],
    ] as const) {
      const r = await f.cli('status', '--state', file, '--format', 'json');
      expect(r.stderr).not.toContain('unexpected error');
      const doc = JSON.parse(r.stdout) as StatusDoc;
      expect(doc.accounts).toHaveLength(5);
      expect(doc.accounts.every((a) => a.status === 'UPDATE_SUCCESSFUL')).toBe(true);
      expect(doc.localHistory?.available).toBe(false);
      expect(doc.localHistory?.reason).toMatch(reason);
      expect(r.code).toBe(0);
      const text = await f.cli('status', '--state', file);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/\(local history unavailable: .*; statuses are AWS's only\)/);
    }

    // The real store, write-locked by another process: read anyway (read-only, WAL).
    const holder = new Database(f.statePath);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = await f.cli('status', '--format', 'json');
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as StatusDoc;
      expect(doc.localHistory).toEqual({ available: true });
      expect(doc.accounts.every((a) => a.history.lastDeploymentId !== undefined)).toBe(true);
      const h = await f.cli('history', '--format', 'json');
      expect(h.code, h.stderr).toBe(0);
      expect((JSON.parse(h.stdout) as { deployments: unknown[] }).deployments.length).toBeGreaterThan(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 60_000);

  it('[8] history opens the state file read-only: the file is not written, not even switched to WAL', async () => {
    // Tests run as root, where a mode of 0444 does not stop writes; what can be checked is that
    // history never writes: a copy in rollback-journal mode stays byte for byte the same.
    const copy = join(scratch, 'readonly.db');
    const source = new Database(f.statePath);
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    const c = new Database(copy);
    c.pragma('journal_mode = DELETE');
    c.close();
    const before = sha256(readFileSync(copy));
    const r = await f.cli('history', '--state', copy, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { deployments: unknown[] }).deployments.length).toBeGreaterThan(0);
    expect(sha256(readFileSync(copy))).toBe(before);
    expect(existsSync(`${copy}-wal`)).toBe(false);
  });
});
