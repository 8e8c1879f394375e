/**
 * Issue 16, through the CLI against the sandbox: `plan` shows each stage of a stack set pack,
 * `deploy --yes` applies them in order and says how each stage ended, a second `deploy` has nothing
 * to do; after a failing stage, `status`, `history` and `plan --format json` show the stack set pack
 * (issue 16, part 3), and `unlock` releases its lock.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, readLock } from '../../src/rollout/lock.js';
import { sandboxTemplateBucket } from '../../src/sandbox/sandbox.js';
import {
  HistoryOutputSchema,
  PlanOutputSchema,
  RolloutOutputSchema,
  StatusOutputSchema,
} from '../../src/report/schemas/rollout.js';
import { motoSkipNote, motoStatus, s3Client } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';
import { iamBaselineAsStackSet } from '../support/stackset-config.js';

describe.skipIf(!motoStatus().available)(
  `packsmith plan / deploy with engine: stackset${motoSkipNote()}`,
  () => {
    let f: RolloutFixture;
    let configText = '';
    let broken = '';
    beforeAll(async () => {
      f = await startRolloutFixture({
        accounts: 4,
        regions: ['us-east-1', 'eu-west-1'],
        packs: ['iam-baseline'],
        depth: 1,
      });
      const config = iamBaselineAsStackSet(f.config);
      writeFileSync(join(f.repo, 'packsmith.deploy.yaml'), config);
      configText = config;
    }, 120_000);
    afterAll(async () => {
      await f?.stop();
    });

    it('plan lists the stages; deploy applies them in order; a second deploy has nothing to do', async () => {
      const planned = await f.cli('plan');
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('iam-baseline: stack set packsmith-iam-baseline (create)');
      expect(planned.stdout).toMatch(/stage 1 canary: create, \d+ instance\(s\) to create/);
      expect(planned.stdout).toMatch(/stage 2 production: create/);

      const json = await f.cli('plan', '--format', 'json');
      expect(json.code, json.stderr).toBe(0);
      const doc = JSON.parse(json.stdout) as {
        summary: Record<string, unknown>;
        stackSets?: Array<{
          stackSetName: string;
          stackSet: string;
          stages: Array<{ name: string; action: string; create: string[] }>;
        }>;
      };
      const validate = new Ajv({ strict: false }).compile(PlanOutputSchema);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.stackSets?.map((p) => [p.stackSetName, p.stackSet])).toEqual([
        ['packsmith-iam-baseline', 'create'],
      ]);
      expect(doc.stackSets?.[0]?.stages.map((s) => [s.name, s.action])).toEqual([
        ['canary', 'create'],
        ['production', 'create'],
      ]);
      expect(doc.stackSets?.[0]?.stages[0]?.create.length).toBeGreaterThan(0);
      // The summary counts the stack set's stages apart from the organization packs' pack × Region.
      expect(doc.summary).toEqual({
        create: 0,
        update: 0,
        unchanged: 0,
        stackSetStages: { create: 2, update: 0, unchanged: 0 },
      });

      const deployed = await f.cli(...deployArgs());
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stderr).toContain('packsmith-iam-baseline: succeeded');
      expect(deployed.stderr.indexOf('stage canary: succeeded')).toBeLessThan(
        deployed.stderr.indexOf('stage production: succeeded'),
      );

      const again = await f.cli(...deployArgs());
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('Nothing to deploy');
      const unchanged = JSON.parse((await f.cli('plan', '--format', 'json')).stdout) as typeof doc;
      expect(unchanged.stackSets?.[0]?.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
      expect(unchanged.summary.stackSetStages).toEqual({ create: 0, update: 0, unchanged: 2 });
    }, 120_000);

    it('a stage that fails: exit 1, the failed account with its reason, how to continue', async () => {
      broken =
        f.sandbox.org.accounts
          .filter((a) => a.status === 'ACTIVE' && a.path === '/Root/ou-2')
          .map((a) => a.id)
          .sort()[0] ?? '';
      writeFileSync(
        join(f.repo, 'packsmith.deploy.yaml'),
        configText.replace(
          '    stages:',
          '    parameters: { AccessKeysRotatedParamMaxAccessKeyAge: 60 }\n    stages:',
        ),
      );
      f.sandbox.stackSets.faults.set({
        accountFailures: { [broken]: { reason: 'no recorder \u001b[31mhere' } },
      });
      try {
        const failed = await f.cli(...deployArgs('--format', 'json'));
        expect(failed.code, failed.stderr).toBe(1);
        // The JSON document says the run was not ok (it said ok: true when only a stack set failed).
        const doc = JSON.parse(failed.stdout) as {
          ok: boolean;
          stackSets?: Array<{ stackSetName: string; outcome: string }>;
        };
        const validate = new Ajv({ strict: false }).compile(RolloutOutputSchema);
        expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
        expect(doc.ok).toBe(false);
        expect(doc.stackSets).toMatchObject([{ stackSetName: 'packsmith-iam-baseline', outcome: 'failed' }]);
        expect(failed.stderr).toContain('stage canary: succeeded');
        expect(failed.stderr).toMatch(new RegExp(`${broken} us-east-1: FAILED: no recorder`));
        expect(failed.stderr).toContain('packsmith deploy --resume');
        // The instances the stopped operation never reached are counted apart, not listed as failures.
        expect(failed.stderr).toMatch(/\d+ instance\(s\) not attempted \(CANCELLED/);
        expect(failed.stderr).not.toMatch(/: CANCELLED/);
        // AWS's text reaches the terminal only escaped.
        expect(failed.stderr).not.toContain('\u001b[31m');
      } finally {
        f.sandbox.stackSets.faults.reset();
      }
    }, 120_000);

    it('status shows the stack instances: the failure once with its account, --failed, JSON schema-valid', async () => {
      expect(broken).toMatch(/^\d{12}$/);
      const status = await f.cli('status');
      expect(status.code, status.stderr).toBe(1);
      // Summary first: the cause once, with the account and its OU, escaped for the terminal.
      expect(status.stdout.match(/no recorder/g)).toHaveLength(1);
      expect(status.stdout).toContain(broken);
      expect(status.stdout).toContain('/Root/ou-2');
      expect(status.stdout).not.toContain('\u001b[31m');

      const failed = await f.cli('status', '--failed');
      const failedLines = failed.stdout.split('\n').filter((l) => /\d{12}/.test(l) && /iam-baseline/.test(l));
      expect(failedLines.length).toBeGreaterThan(0);
      for (const line of failedLines) expect(line).toContain(broken);
      expect(failed.stdout).toMatch(/UPDATE_FAILED/);
      expect(failed.stdout).not.toContain('\u001b[31m');

      // --ou: the canary OU alone has no failure; --account: that account's instances only.
      const canary = await f.cli('status', '--ou', '/Root/ou-1', '--all');
      expect(canary.code, canary.stderr).toBe(0);
      expect(canary.stdout).not.toContain('no recorder');
      expect(canary.stdout).toMatch(/iam-baseline\s+us-east-1\s+\d{12}/);
      const one = JSON.parse((await f.cli('status', '--account', broken, '--format', 'json')).stdout) as {
        accounts: Array<{ accountId: string; region: string }>;
      };
      expect(one.accounts.map((r) => `${r.accountId} ${r.region}`).sort()).toEqual([
        `${broken} eu-west-1`,
        `${broken} us-east-1`,
      ]);

      const json = await f.cli('status', '--format', 'json');
      const doc = JSON.parse(json.stdout) as {
        accounts: Array<{
          accountId: string;
          region: string;
          status: string;
          stackSetName?: string;
          wave?: string;
        }>;
        summary: {
          statuses: Record<string, number>;
          failures: Array<{ errorMessage?: string; accounts: Array<{ accountId: string }> }>;
        };
      };
      const validate = new Ajv({ strict: false }).compile(StatusOutputSchema);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      // Every row: each account of the stages in each Region.
      const targets = f.sandbox.org.accounts.filter(
        (a) => a.status === 'ACTIVE' && (a.path === '/Root/ou-1' || a.path === '/Root/ou-2'),
      );
      expect(doc.accounts.filter((r) => r.stackSetName === 'packsmith-iam-baseline')).toHaveLength(
        targets.length * 2,
      );
      expect(doc.accounts.find((r) => r.accountId === broken && r.region === 'us-east-1')).toMatchObject({
        status: 'UPDATE_FAILED',
        wave: 'production',
      });
      // The injected reason is the one cause, naming the broken account only; the instances the
      // stopped operation never reached (CANCELLED) are "not attempted", not a failure cause.
      expect(doc.summary.failures.map((c) => c.errorMessage)).toEqual(['no recorder here']);
      expect(doc.summary.failures[0]?.accounts.map((a) => a.accountId)).toEqual([broken]);
      const notAttempted = doc.accounts.filter((r) => r.status === 'NOT_ATTEMPTED');
      expect(notAttempted.length).toBeGreaterThan(0);
      expect(notAttempted.every((r) => r.wave === 'production')).toBe(true);
      expect(doc.summary.statuses.NOT_ATTEMPTED).toBe(notAttempted.length);
      expect(status.stdout).toContain('NOT_ATTEMPTED');
    }, 120_000);
    it("history lists each stage's operations: id, action, status, reason, times", async () => {
      const text = await f.cli('history');
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('Stack set operations (engine: stackset)');
      expect(text.stdout).toMatch(
        /iam-baseline\s+packsmith-iam-baseline\s+canary\s+packsmith-\S+-s0-create-instances-a1\s+create-instances\s+SUCCEEDED/,
      );
      expect(text.stdout).toMatch(
        /production\s+packsmith-\S+-s1-update-instances-a1\s+update-instances\s+FAILED/,
      );

      const json = await f.cli('history', '--format', 'json');
      const doc = JSON.parse(json.stdout) as {
        stackSetOperations?: Array<{
          stage: string;
          action: string;
          status: string;
          instances: Record<string, number>;
        }>;
      };
      const validate = new Ajv({ strict: false }).compile(HistoryOutputSchema);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      const ops = doc.stackSetOperations ?? [];
      // Newest first: the failed production update leads.
      expect(ops[0]).toMatchObject({ stage: 'production', action: 'update-instances', status: 'FAILED' });
      expect(ops[0]!.instances.FAILED).toBe(1);
      expect(ops.filter((o) => o.stage === 'canary').length).toBeGreaterThan(0);
    }, 120_000);

    it("unlock releases a stack set pack's lock, kept under the stack set's name", async () => {
      const s3 = s3Client({
        endpoint: f.sandbox.moto.endpoint,
        accountId: f.sandbox.org.managementAccountId,
      });
      const target = {
        bucket: sandboxTemplateBucket('us-east-1'),
        owner: f.sandbox.org.managementAccountId,
        orgPackName: 'packsmith-iam-baseline',
      };
      await acquireLock(s3, {
        ...target,
        holder: { who: 'a dead deploy', operation: 'deploy', host: hostname(), pid: 999_999 },
        ttlMs: 120_000,
      });
      const unlocked = await f.cli('unlock', 'iam-baseline', '--yes');
      expect(unlocked.code, unlocked.stderr).toBe(0);
      expect(unlocked.stderr).toContain('packsmith-iam-baseline is locked by a dead deploy');
      expect(unlocked.stdout).toContain('Lock of packsmith-iam-baseline broken.');
      expect(await readLock(s3, target)).toBeUndefined();
    }, 120_000);
  },
);
