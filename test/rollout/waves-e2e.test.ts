/**
 * Staged rollouts end to end, through the CLI, against moto and the Config emulator: 200 accounts
 * in two Regions, a canary wave of 3 accounts, then two OU waves.
 *
 * - Accounts of the second wave fail beyond its tolerance in us-east-1: the rollout stops there
 *   before the third wave, whose accounts never receive the pack, while eu-west-1 finishes; after
 *   the accounts are fixed, `deploy --resume` puts the second wave again and finishes the job.
 * - A deploy killed with SIGKILL in the middle of a wave is finished by `--resume`, which puts no
 *   wave again whose put was accepted (counted at the emulator) and forgets no account.
 * - With 20 % of the Config requests answered by throttling errors, a rollout completes and the
 *   recorded statuses equal those of a run without faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  ConfigServiceClient,
  paginateGetOrganizationConformancePackDetailedStatus,
} from '@aws-sdk/client-config-service';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { chromiumExecutable, tool } from '../support/tools.js';
import {
  deployArgs,
  readDatabase,
  startRolloutFixture,
  type RolloutFixture,
} from '../support/rollout-fixture.js';

const available = motoStatus().available;
const chromium = tool('chromium');
const REGIONS = ['us-east-1', 'eu-west-1'];

interface DeployConfigText {
  packs: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

describe.skipIf(!available)(`rollouts in waves end to end${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let client: (region: string) => ConfigServiceClient;
  const clients: ConfigServiceClient[] = [];

  beforeAll(async () => {
    f = await startRolloutFixture({
      accounts: 199,
      regions: REGIONS,
      packs: ['s3-data-protection', 'iam-baseline', 'logging-baseline'],
      delay: { baseMs: 100, jitterMs: 300 },
      depth: 2,
      fanout: 2,
    });
    client = (region) => {
      const c = new ConfigServiceClient({
        endpoint: f.env.AWS_ENDPOINT_URL_CONFIG_SERVICE,
        region,
        credentials: { accessKeyId: f.env.AWS_ACCESS_KEY_ID!, secretAccessKey: f.env.AWS_SECRET_ACCESS_KEY! },
        maxAttempts: 1,
      });
      clients.push(c);
      return c;
    };
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await f?.stop();
  });

  const org = () => f.sandbox.org;
  const inOu = (path: string) =>
    org().accounts.filter((a) => a.path === path || a.path.startsWith(`${path}/`));
  const canary = () => inOu('/Root/ou-1').slice(0, 3);
  /** Waves: 3 canary accounts of ou-1, then ou-1, then the rest of the organization. */
  const withWaves = (pack: string, tolerance: number | string) => {
    const config = parse(f.config) as DeployConfigText;
    config.packs = {
      [pack]: {
        ...config.packs[pack],
        waves: [
          { name: 'canary', accounts: canary().map((a) => a.id) },
          { name: 'ou-1', ous: ['/Root/ou-1'], failureTolerance: tolerance },
          { name: 'everyone', ous: ['/Root'] },
        ],
      },
    };
    f.writeConfig(stringify(config));
  };
  const holders = async (pack: string, region: string) => {
    const out = new Map<string, string>();
    for await (const page of paginateGetOrganizationConformancePackDetailedStatus(
      { client: client(region) },
      { OrganizationConformancePackName: pack },
    )) {
      for (const s of page.OrganizationConformancePackDetailedStatuses ?? [])
        out.set(s.AccountId!, s.Status!);
    }
    return out;
  };
  const puts = (region: string) =>
    f.sandbox.emulator.stats().byRegion[region]?.requests.PutOrganizationConformancePack ?? 0;

  it('plan shows the waves, each leaving fewer accounts excluded', async () => {
    withWaves('s3-data-protection', 1);
    const r = await f.cli('plan', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      packs: Array<{
        regions: Array<{ waves: Array<{ name: string; accounts: string[]; excludedAccounts: string[] }> }>;
      }>;
    };
    const waves = plan.packs[0]!.regions[0]!.waves;
    const ou1 = inOu('/Root/ou-1').length;
    expect(waves.map((w) => [w.name, w.accounts.length, w.excludedAccounts.length])).toEqual([
      ['canary', 3, 197],
      ['ou-1', ou1 - 3, 200 - ou1],
      ['everyone', 200 - ou1, 0],
    ]);
    const text = await f.cli('plan');
    expect(text.stdout).toMatch(/waves: canary \+3 \(197 excluded, tolerates 0\) → ou-1/);
  });

  it('a failure beyond tolerance in the second wave stops the rollout before the third; --resume finishes it', async () => {
    withWaves('s3-data-protection', 1);
    const failing = inOu('/Root/ou-1').slice(3, 6);
    f.sandbox.emulator.faults.set({
      accountFailures: Object.fromEntries(
        failing.map((a) => [
          a.id,
          {
            errorCode: 'NoAvailableConfigurationRecorderException',
            errorMessage: 'no recorder',
            regions: ['us-east-1'],
          },
        ]),
      ),
    });
    f.sandbox.emulator.resetStats();
    const first = await f.cli(...deployArgs('--format', 'json'));
    expect(first.code).toBe(1);
    const result = JSON.parse(first.stdout) as {
      regions: Array<{
        region: string;
        outcome: string;
        waves?: Array<{ name: string; failed: string[] }>;
        stoppedAt?: { wave: string; failed: string[]; allowedFailures: number };
      }>;
    };
    const use1 = result.regions.find((x) => x.region === 'us-east-1')!;
    const euw1 = result.regions.find((x) => x.region === 'eu-west-1')!;
    expect(use1.outcome).toBe('stopped');
    expect(use1.stoppedAt).toEqual({
      wave: 'ou-1',
      failed: failing.map((a) => a.id).sort(),
      allowedFailures: 1,
    });
    expect(use1.waves?.map((w) => w.name)).toEqual(['canary', 'ou-1']);
    // The other Region is not held back by this one.
    expect(euw1.outcome).toBe('succeeded');
    expect(euw1.waves?.map((w) => w.name)).toEqual(['canary', 'ou-1', 'everyone']);
    expect([puts('us-east-1'), puts('eu-west-1')]).toEqual([2, 3]);

    // The third wave's accounts never received the pack in us-east-1.
    const third = org().accounts.filter((a) => !inOu('/Root/ou-1').includes(a));
    const held = await holders('s3-data-protection', 'us-east-1');
    for (const a of third) expect(held.has(a.id)).toBe(false);
    expect(held.size).toBe(inOu('/Root/ou-1').length);

    // Plain deploy refuses; plan says how to continue.
    const plain = await f.cli(...deployArgs());
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/stopped at wave ou-1.*--resume/s);

    f.sandbox.emulator.faults.set({ accountFailures: Object.fromEntries(failing.map((a) => [a.id, null])) });
    f.sandbox.emulator.resetStats();
    const resumed = await f.cli(...deployArgs('--resume', '--format', 'json'));
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as {
      regions: Array<{ region: string; outcome: string; waves: Array<{ name: string; resumed: boolean }> }>;
    };
    // eu-west-1 had finished: nothing to resume there.
    expect(after.regions.map((x) => [x.region, x.outcome])).toEqual([
      ['us-east-1', 'succeeded'],
      ['eu-west-1', 'unchanged'],
    ]);
    expect(after.regions[0]!.waves.map((w) => w.name)).toEqual(['ou-1', 'everyone']);
    // ou-1 is put again (its failures were retried), then the last wave: two puts, nothing in eu-west-1.
    expect([puts('us-east-1'), puts('eu-west-1')]).toEqual([2, 0]);
    const all = await holders('s3-data-protection', 'us-east-1');
    expect(all.size).toBe(200);
    expect([...all.values()].every((s) => s.endsWith('_SUCCESSFUL'))).toBe(true);
  }, 180_000);

  it('a deploy killed in the middle of a wave is finished by --resume without putting that wave again', async () => {
    withWaves('iam-baseline', 0);
    // Slow accounts, so that the kill lands while the second wave is being followed.
    f.sandbox.emulator.faults.reset();
    f.sandbox.emulator.resetStats();
    // A long poll interval: the kill lands while the process waits between two polls of wave 2.
    const slow = f.spawnCli([...deployArgs(), '--region', 'us-east-1', '--poll-interval', '4']);
    await slow.waitFor(/wave ou-1 \(2 of 3\)[\s\S]*accepted by AWS/, 60_000);
    slow.proc.kill('SIGKILL');
    await slow.exited;
    expect(puts('us-east-1')).toBe(2);

    const seen = readDatabase(
      f.statePath,
      (db) => db.prepare('SELECT count(*) AS n FROM status_transitions').get() as { n: number },
    );
    await f.cli('unlock', 'iam-baseline', '--yes');
    const resumed = await f.cli(...deployArgs('--resume', '--region', 'us-east-1', '--format', 'json'));
    expect(resumed.code, resumed.stderr).toBe(0);
    const doc = JSON.parse(resumed.stdout) as {
      regions: Array<{ waves: Array<{ name: string; resumed: boolean }> }>;
    };
    expect(doc.regions[0]!.waves).toEqual([
      expect.objectContaining({ name: 'ou-1', resumed: true }),
      expect.objectContaining({ name: 'everyone', resumed: false }),
    ]);
    // Canary and ou-1 were put by the killed deploy; --resume put only the last wave.
    expect(puts('us-east-1')).toBe(3);
    const all = await holders('iam-baseline', 'us-east-1');
    expect(all.size).toBe(200);
    expect([...all.values()].every((s) => s.endsWith('_SUCCESSFUL'))).toBe(true);
    // Nothing observed before the kill was lost, and every account has a recorded final status.
    readDatabase(f.statePath, (db) => {
      const now = db.prepare('SELECT count(*) AS n FROM status_transitions').get() as { n: number };
      expect(now.n).toBeGreaterThan(seen.n);
      const accounts = db
        .prepare(
          `SELECT count(DISTINCT s.account_id) AS n FROM account_status s JOIN deployments d ON d.id = s.deployment_id
            WHERE d.pack = 'iam-baseline' AND d.region = 'us-east-1'`,
        )
        .get() as { n: number };
      expect(accounts.n).toBe(200);
      // Each wave's put is a deployment of its own; the resumed wave is followed in a row of its own.
      const waves = db
        .prepare(
          `SELECT wave FROM deployments WHERE pack = 'iam-baseline' AND region = 'us-east-1' ORDER BY id`,
        )
        .all() as Array<{ wave: string | null }>;
      expect(waves.map((w) => w.wave)).toEqual(['canary', 'ou-1', 'ou-1', 'everyone']);
    });
  }, 180_000);

  it('status --format html writes one page that shows the rollout in headless Chromium', async () => {
    withWaves('s3-data-protection', 1);
    const out = join(f.repo, 'status.html');
    const r = await f.cli('status', '--format', 'html', '--output', out);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/https?:\/\//);
    if (!chromium.available) {
      console.warn(`skipped the browser part: ${chromium.reason}`);
      return;
    }
    const { chromium: browserType } = await import('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromiumExecutable,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      await page.route('**/*', (route) => {
        if (route.request().url().startsWith('file:')) return route.continue();
        problems.push(route.request().url());
        return route.abort();
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(out).href);
      // 200 accounts in two Regions, every one succeeded after the resume.
      expect((await page.locator('#counter').textContent())?.trim()).toBe(
        '200 of 200 accounts shown (400 of 400 account × Region statuses)',
      );
      expect(await page.locator('#grid .cell').count()).toBe(400);
      // The waves are named on the page, with their account counts.
      const waves = await page.locator('body').textContent();
      for (const name of ['canary', 'ou-1', 'everyone']) expect(waves).toContain(name);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('with 20 % of Config requests throttled, the recorded statuses equal those of a run without faults', async () => {
    f.writeConfig(f.config);
    const broken = org()
      .accounts.filter((a) => !a.management)
      .slice(10, 12);
    const failures = Object.fromEntries(
      broken.map((a) => [a.id, { errorCode: 'InsufficientPermissionsException', errorMessage: 'denied' }]),
    );
    /** Final status of every account in the pack's latest create, one line each. */
    const finals = () =>
      readDatabase(f.statePath, (db) => {
        const ids = (
          db
            .prepare(
              `SELECT id FROM deployments WHERE pack = 'logging-baseline' AND operation = 'create' ORDER BY id DESC LIMIT 2`,
            )
            .all() as Array<{ id: number }>
        ).map((r) => r.id);
        return (
          db
            .prepare(
              `SELECT d.region AS region, s.account_id AS id, s.status AS status, s.error_code AS code
                 FROM account_status s JOIN deployments d ON d.id = s.deployment_id
                WHERE d.id IN (${ids.join(',')}) ORDER BY d.region, s.account_id`,
            )
            .all() as Array<{ region: string; id: string; status: string; code: string | null }>
        ).map((r) => `${r.region} ${r.id} ${r.status} ${r.code ?? ''}`);
      });
    f.sandbox.emulator.faults.reset();
    f.sandbox.emulator.faults.set({ accountFailures: failures });
    const calm = await f.cli(...deployArgs('logging-baseline'));
    expect(calm.code).toBe(1); // the two broken accounts, in both Regions
    const withoutFaults = finals();
    expect(withoutFaults).toHaveLength(400);
    expect(withoutFaults.filter((l) => l.includes('CREATE_FAILED'))).toHaveLength(4);

    expect((await f.cli('destroy', 'logging-baseline', '--yes', '--poll-interval', '0.1')).code).toBe(0);
    f.sandbox.emulator.resetStats();
    f.sandbox.emulator.faults.set({ throttle: { rate: 0.2 } });
    const stormy = await f.cli(...deployArgs('logging-baseline'));
    const stats = f.sandbox.emulator.stats();
    f.sandbox.emulator.faults.reset();
    expect(stormy.code).toBe(1);
    expect(Object.values(stats.throttled).reduce((a, b) => a + b, 0)).toBeGreaterThan(stats.total * 0.1);
    expect(finals()).toEqual(withoutFaults);
  }, 240_000);
});
