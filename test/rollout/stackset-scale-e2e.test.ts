/**
 * Issue 16's "Done when", at scale and through the CLI, against moto and the StackSets emulator:
 * 1,200 member accounts in 4 OUs (300 each, none in the root), 2 Regions, 2,400 stack instances.
 *
 * - `bootstrap` creates the remediation role in every one of the 1,200 accounts (and a recorder in
 *   each account and Region: moto's accounts have none) before the pack is deployed;
 * - the pack (`engine: stackset`) deploys in three stages, canary OU, production OU (other parameter
 *   values), the other OUs: every account's deployed pack shows its stage's values, and its
 *   automatic remediations name a role that exists in that account;
 * - a template update goes to the canary, then to production, whose failures beyond its tolerance
 *   stop the rollout (exit 1): every other instance stays on the old template, and `status` /
 *   `history` show the 2,400 instances and the failure with its accounts; `--resume` after the
 *   fix puts every instance on the new one;
 * - SIGKILL of a spawned deploy while production's operation runs, then `--resume`: exactly the
 *   operations an uninterrupted rollout issues, counted at the emulator.
 *
 * The emulator runs on a manual clock: a ticker moves it while a CLI runs (per-instance times of
 * 1–1.5 s pass in milliseconds), and it stands still where a test needs an operation RUNNING.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, ListStackSetOperationsCommand } from '@aws-sdk/client-cloudformation';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSetEmulator } from '../../src/sandbox/stackset-emulator/index.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import {
  deployArgs,
  eventually,
  startRolloutFixture,
  type CliChild,
  type RolloutFixture,
} from '../support/rollout-fixture.js';

const ROLE = 'packsmith-s3-remediation';
const REGIONS = ['us-east-1', 'eu-west-1'];
const PACK = 'packsmith-s3-data-protection';
const OUS = ['/Root/ou-1', '/Root/ou-2', '/Root/ou-3', '/Root/ou-4'];
const DEFAULT_LOGS = 'access-logs-default';
const PROD_LOGS = 'access-logs-production';
/** Failures injected in production (us-east-1): one more than its tolerance. */
const TOLERANCE = 2;

/** Moves the emulator's manual clock while something runs: 5 s of emulated time every 5 ms. */
function ticker(emu: StackSetEmulator): { run<T>(work: () => Promise<T>): Promise<T> } {
  return {
    async run(work) {
      const timer = setInterval(() => emu.tick?.(5_000), 5);
      try {
        return await work();
      } finally {
        clearInterval(timer);
      }
    },
  };
}

/**
 * Advances the manual clock one second at a time until `reached()`, checked before every tick: no
 * emulated time passes once it holds (the emulator answers in this process, between ticks).
 */
async function stepUntil(emu: StackSetEmulator, child: CliChild, reached: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!reached()) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null)
      throw new Error(`the CLI exited first:\n${child.stderr()}`);
    if (Date.now() > deadline) throw new Error(`not reached within 60 s:\n${child.stderr()}`);
    emu.tick?.(1_000);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface DeployedPack {
  templateBody: string;
  parameters: Record<string, string>;
}

describe.skipIf(!motoStatus().available)(
  `stack set rollout at scale: 1,200 accounts in 4 OUs, 2 Regions, through the CLI${motoSkipNote()}`,
  () => {
    let f: RolloutFixture;
    let emu: StackSetEmulator;
    let clock: ReturnType<typeof ticker>;
    /** Member account ids per OU path. */
    const byOu = new Map<string, string[]>();
    let members: string[] = [];
    let packFile = '';
    let oldBody = '';
    let newBody = '';

    /** What the pack stack set deployed in each account and Region ("account/region" → pack). */
    const deployedPacks = (): Map<string, DeployedPack> => {
      const out = new Map<string, DeployedPack>();
      for (const { account, region, stacks } of emu.allDeployed()) {
        const stack = stacks.find((s) => s.stackSetName === PACK);
        const pack = stack?.resources.conformancePacks[0];
        if (!pack) continue;
        out.set(`${account}/${region}`, {
          templateBody: pack.templateBody ?? '',
          parameters: Object.fromEntries(
            pack.inputParameters.map((p) => [p.ParameterName, p.ParameterValue]),
          ),
        });
      }
      return out;
    };
    const keysOf = (accounts: readonly string[]) => accounts.flatMap((a) => REGIONS.map((r) => `${a}/${r}`));
    /** Instance keys grouped by the template body they run. */
    const byBody = (packs: Map<string, DeployedPack>): Map<string, string[]> => {
      const out = new Map<string, string[]>();
      for (const [key, p] of packs) {
        const keys = out.get(p.templateBody);
        if (keys) keys.push(key);
        else out.set(p.templateBody, [key]);
      }
      for (const keys of out.values()) keys.sort();
      return out;
    };

    beforeAll(async () => {
      f = await startRolloutFixture({
        accounts: 1200,
        regions: REGIONS,
        packs: ['s3-data-protection'],
        depth: 1,
        fanout: 4,
        membersInRoot: false,
        // No recorder in moto: bootstrap puts one in every account and Region.
        withoutRecorder: 1200,
        stackSets: { clock: 'manual', delay: { baseMs: 1_000, jitterMs: 500 } },
      });
      emu = f.sandbox.stackSets;
      clock = ticker(emu);
      for (const a of f.sandbox.org.accounts) {
        if (a.management) continue;
        byOu.set(a.path, [...(byOu.get(a.path) ?? []), a.id]);
      }
      for (const ids of byOu.values()) ids.sort();
      members = [...byOu.values()].flat().sort();
      const block = / {2}s3-data-protection:\n {4}targets:\n {6}ous: \[\/Root\]\n/;
      expect(f.config).toMatch(block);
      f.writeConfig(
        `${f.config.replace(
          block,
          [
            '  s3-data-protection:',
            '    engine: stackset',
            `    parameters: { S3AccessLogsBucket: ${DEFAULT_LOGS} }`,
            '    stages:',
            "      - { name: canary, ous: ['/Root/ou-1'], maxConcurrent: '100%', concurrencyMode: SOFT }",
            '      - name: production',
            "        ous: ['/Root/ou-2']",
            `        parameters: { S3AccessLogsBucket: ${PROD_LOGS} }`,
            "        maxConcurrent: '10%'",
            `        failureTolerance: ${TOLERANCE}`,
            "      - { name: rest, ous: ['/Root/ou-3', '/Root/ou-4'], maxConcurrent: '100%', concurrencyMode: SOFT }",
            '',
          ].join('\n'),
        )}bootstrap:\n  roles:\n    ${ROLE}:\n      managedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]\n  recorder:\n    deliveryBucket: config-delivery\n`,
      );
      packFile = join(f.repo, 'packs', 's3-data-protection.yaml');
    }, 120_000);
    afterAll(async () => {
      await f?.stop();
    });

    it('the organization: 1,200 members, 300 in each of the 4 OUs, none in the root', () => {
      // As built; moto's view is checked below: bootstrap and the pack, targeting the 4 OUs, reach
      // exactly these accounts.
      expect([...byOu.keys()].sort()).toEqual(OUS);
      for (const ou of OUS) expect(byOu.get(ou), ou).toHaveLength(300);
      expect(members).toHaveLength(1200);
    });

    it('bootstrap creates the remediation role in all 1,200 accounts before the pack is deployed', async () => {
      const done = await clock.run(() =>
        f.cli('bootstrap', '--yes', '--poll-interval', '0.1', '--timeout', '2'),
      );
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toContain('packsmith-bootstrap: succeeded');
      expect(done.stderr).toContain('packsmith-bootstrap-recorder: succeeded');
      expect(emu.roleAccounts(ROLE)).toEqual(members);
      // IAM is global: the role is created once per account, from the first Region.
      expect(members.every((a) => emu.roleExists(a, ROLE))).toBe(true);
      for (const key of keysOf(members)) {
        const [account, region] = key.split('/') as [string, string];
        const recorders = emu.deployed(account, region).flatMap((s) => s.resources.recorders);
        expect(
          recorders.map((r) => r.name),
          key,
        ).toEqual(['default']);
      }
      // Nothing of the pack yet.
      expect(deployedPacks().size).toBe(0);
    }, 120_000);

    it('deploy: three stages; production shows its own parameter values in each of its accounts; the remediation role is there', async () => {
      const deployed = await clock.run(() => f.cli(...deployArgs()));
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stderr).toContain(`${PACK}: succeeded`);
      const order = ['stage canary: succeeded', 'stage production: succeeded', 'stage rest: succeeded'].map(
        (s) => deployed.stderr.indexOf(s),
      );
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      const packs = deployedPacks();
      expect([...packs.keys()].sort()).toEqual(keysOf(members).sort());
      const production = new Set(byOu.get('/Root/ou-2'));
      for (const [key, p] of packs) {
        const account = key.split('/')[0] as string;
        expect(p.parameters.S3AccessLogsBucket, key).toBe(production.has(account) ? PROD_LOGS : DEFAULT_LOGS);
      }
      // One template everywhere; its automatic remediations assume ROLE, which exists in each account.
      const bodies = byBody(packs);
      expect(bodies.size).toBe(1);
      oldBody = [...bodies.keys()][0] as string;
      const template = parse(oldBody) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
      const roles = Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::Config::RemediationConfiguration' && r.Properties.Automatic === true)
        .map((r) => {
          const p = r.Properties.Parameters as {
            AutomationAssumeRole: { StaticValue: { Values: string[] } };
          };
          return p.AutomationAssumeRole.StaticValue.Values[0]?.split(':role/')[1];
        });
      expect(roles.length).toBeGreaterThan(0);
      expect(new Set(roles)).toEqual(new Set([ROLE]));
      for (const account of members) expect(emu.roleExists(account, ROLE), account).toBe(true);
    }, 120_000);

    it('a template update: canary, then production fails beyond its tolerance (exit 1), the rest stays on the old template', async () => {
      const pack = readFileSync(packFile, 'utf8');
      expect(pack).toContain('  - s3-bucket-owner-tag\n');
      writeFileSync(packFile, pack.replace('  - s3-bucket-owner-tag\n', ''));
      const production = byOu.get('/Root/ou-2') as string[];
      // Accounts run in account-id order: the first batch of production fails in us-east-1.
      const broken = production.slice(0, TOLERANCE + 1);
      emu.faults.set({
        accountFailures: Object.fromEntries(
          broken.map((a) => [a, { reason: 'injected: no capacity', regions: ['us-east-1'] }]),
        ),
      });
      try {
        const failed = await clock.run(() => f.cli(...deployArgs()));
        expect(failed.code, failed.stderr).toBe(1);
        expect(failed.stderr).toContain('stage canary: succeeded');
        expect(failed.stderr).toMatch(/stage production: failed/);
        expect(failed.stderr).toContain('stage rest: not-started');
        for (const a of broken)
          expect(failed.stderr).toContain(`${a} us-east-1: FAILED: injected: no capacity`);
        expect(failed.stderr).toContain('packsmith deploy --resume');
      } finally {
        emu.faults.reset();
      }
      const bodies = byBody(deployedPacks());
      expect(bodies.size).toBe(2);
      newBody = [...bodies.keys()].find((b) => b !== oldBody) as string;
      expect(newBody).not.toContain('s3-bucket-owner-tag');
      expect(oldBody).toContain('s3-bucket-owner-tag');
      // The canary OU, and only it, runs the new template.
      const canary = keysOf(byOu.get('/Root/ou-1') as string[]).sort();
      expect(bodies.get(newBody)).toEqual(canary);
      expect(bodies.get(oldBody)).toHaveLength(2400 - canary.length);

      // status and history at 2,400 instances: every instance once; production's failed (the
      // injected failures, and the instances its stopped operation cancelled as not attempted), no other; the
      // injected cause once, with exactly its accounts; production's operation FAILED.
      const status = await f.cli('status', '--format', 'json');
      expect(status.code, status.stderr).toBe(1);
      const doc = JSON.parse(status.stdout) as {
        accounts: Array<{ accountId: string; region: string; status: string; stackSetName?: string }>;
        summary: { failures: Array<{ errorMessage?: string; accounts: Array<{ accountId: string }> }> };
      };
      const rows = doc.accounts.filter((r) => r.stackSetName === PACK);
      expect(rows.map((r) => `${r.accountId}/${r.region}`).sort()).toEqual(keysOf(members).sort());
      // Production's instances: the injected failures failed, the ones its stopped operation
      // cancelled were not attempted (no failure cause); nothing outside production is either.
      const keyOf = (r: { accountId: string; region: string }): string => `${r.accountId}/${r.region}`;
      expect(
        rows
          .filter((r) => r.status.endsWith('_FAILED') || r.status === 'NOT_ATTEMPTED')
          .map(keyOf)
          .sort(),
      ).toEqual(keysOf(production).sort());
      expect(
        rows
          .filter((r) => r.status.endsWith('_FAILED'))
          .map(keyOf)
          .sort(),
      ).toEqual(broken.map((a) => `${a}/us-east-1`).sort());
      const cause = doc.summary.failures.find((c) => c.errorMessage === 'injected: no capacity');
      expect(cause?.accounts.map((a) => a.accountId).sort()).toEqual(broken);
      const inProduction = new Set(production);
      for (const c of doc.summary.failures)
        for (const a of c.accounts) expect(inProduction.has(a.accountId), a.accountId).toBe(true);
      const history = await f.cli('history');
      expect(history.stdout).toMatch(
        /production\s+packsmith-\S+-s1-update-instances-a1\s+update-instances\s+FAILED/,
      );
    }, 120_000);

    it('deploy --resume after the fix finishes: every instance on the new template, values kept', async () => {
      emu.resetStats();
      const resumed = await clock.run(() => f.cli(...deployArgs('--resume')));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('stage production: succeeded');
      expect(resumed.stderr).toContain('stage rest: succeeded');
      // The canary is up to date: production's update again (a new attempt), then the rest's.
      expect(emu.stats().operations).toEqual({ UpdateStackInstances: 2 });
      const packs = deployedPacks();
      expect(byBody(packs).get(newBody)).toEqual(keysOf(members).sort());
      const production = new Set(byOu.get('/Root/ou-2'));
      for (const [key, p] of packs) {
        const account = key.split('/')[0] as string;
        expect(p.parameters.S3AccessLogsBucket, key).toBe(production.has(account) ? PROD_LOGS : DEFAULT_LOGS);
      }
    }, 120_000);

    it('SIGKILL while production runs, then --resume: no redundant operation, counted at the emulator', async () => {
      const pack = readFileSync(packFile, 'utf8');
      expect(pack).toContain('maximumExecutionFrequency: Twelve_Hours');
      writeFileSync(
        packFile,
        pack.replace(
          'maximumExecutionFrequency: Twelve_Hours',
          'maximumExecutionFrequency: TwentyFour_Hours',
        ),
      );
      emu.resetStats();
      const child = f.spawnCli(deployArgs());
      // The clock moves one second at a time until the emulator accepts production's operation,
      // then stands still: the operation is RUNNING, none of its instances has started.
      await stepUntil(emu, child, () => emu.stats().operations.UpdateStackInstances === 1);
      await child.waitFor(/stage production: update-instances (packsmith-\S+)/);
      const operationId = /stage production: update-instances (packsmith-\S+)/.exec(
        child.stderr(),
      )?.[1] as string;
      const cfn = new CloudFormationClient({ endpoint: emu.endpoint, region: REGIONS[0], maxAttempts: 1 });
      try {
        const ops = await cfn.send(new ListStackSetOperationsCommand({ StackSetName: PACK }));
        expect(ops.Summaries?.find((o) => o.OperationId === operationId)?.Status).toBe('RUNNING');
      } finally {
        cfn.destroy();
      }
      child.proc.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
      // Before the kill: the canary's UpdateStackSet and production's UpdateStackInstances.
      expect(emu.stats().operations).toEqual({ UpdateStackSet: 1, UpdateStackInstances: 1 });
      const before = byBody(deployedPacks());
      expect(before.size).toBe(2);
      const canary = keysOf(byOu.get('/Root/ou-1') as string[]).sort();
      // The canary runs the third template; production, stopped before any instance started, and
      // the rest still run the second.
      expect([...before].find(([body]) => body !== newBody)?.[1]).toEqual(canary);
      expect(before.get(newBody)).toHaveLength(2400 - canary.length);

      emu.resetStats();
      // The clock stands still until the resumed deploy has sent production's operation again
      // (refused: its OperationId exists), so it plans and follows it while it is RUNNING.
      const again = f.cli(...deployArgs('--resume'));
      let ended = false;
      void again.finally(() => (ended = true));
      await eventually(() => (ended || emu.stats().requests.UpdateStackInstances ? true : undefined), {
        what: 'the resumed deploy to send UpdateStackInstances',
      });
      const resumed = await clock.run(() => again);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(
        `stage production: update-instances ${operationId} (already issued: followed)`,
      );
      expect(resumed.stderr).toContain('stage rest: succeeded');
      // After: production's operation followed, not repeated (its id again is refused); the rest's
      // one update. The same three operations an uninterrupted rollout issues.
      const stats = emu.stats();
      expect(stats.operations).toEqual({ UpdateStackInstances: 1 });
      expect(stats.requests.UpdateStackInstances).toBe(2);
      expect(stats.requests.UpdateStackSet ?? 0).toBe(0);
      expect(stats.requests.CreateStackInstances ?? 0).toBe(0);
      const after = byBody(deployedPacks());
      expect(after.size).toBe(1);
      expect([...after.values()][0]).toEqual(keysOf(members).sort());
      expect([...after.keys()][0]).toContain('TwentyFour_Hours');
    }, 120_000);
  },
);
