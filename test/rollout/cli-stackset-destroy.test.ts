/**
 * Issue 16, `destroy` of a stack set pack through the CLI against the sandbox: the instances are
 * deleted stage by stage (DeleteStackInstances, each operation followed), then the stack set; a
 * failed deletion (INOPERABLE) stops before DeleteStackSet with exit 1, naming the account and
 * AWS's reason; `status` and `history` show it; a second run continues with what remains only;
 * once the stack set is gone there is nothing to do. Checked at the emulator.
 */
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutOutputSchema } from '../../src/report/schemas/rollout.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus } from '../support/moto.js';
import {
  deployArgs,
  readDatabase,
  startRolloutFixture,
  type RolloutFixture,
} from '../support/rollout-fixture.js';
import { iamBaselineAsStackSet } from '../support/stackset-config.js';

const STACK_SET = 'packsmith-iam-baseline';
const destroyArgs = ['destroy', 'iam-baseline', '--yes', '--poll-interval', '0.1'];

describe.skipIf(!motoStatus().available)(`packsmith destroy with engine: stackset${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let cf: CloudFormationClient;
  beforeAll(async () => {
    f = await startRolloutFixture({
      accounts: 4,
      regions: ['us-east-1', 'eu-west-1'],
      packs: ['iam-baseline'],
      depth: 1,
      delay: { baseMs: 50, jitterMs: 50 },
    });
    const config = iamBaselineAsStackSet(f.config);
    writeFileSync(join(f.repo, 'packsmith.deploy.yaml'), config);
    cf = new CloudFormationClient({
      endpoint: f.sandbox.stackSets.endpoint,
      region: 'us-east-1',
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    const deployed = await f.cli(...deployArgs());
    expect(deployed.code, deployed.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    cf?.destroy();
    await f?.stop();
  });

  const instances = async () =>
    (await cf.send(new ListStackInstancesCommand({ StackSetName: STACK_SET, MaxResults: 100 }))).Summaries ??
    [];
  const accountsOf = (path: string) =>
    f.sandbox.org.accounts
      .filter((a) => a.status === 'ACTIVE' && a.path === path)
      .map((a) => a.id)
      .sort();
  const deleteOperations = () =>
    readDatabase(f.statePath, (db) =>
      db
        .prepare(
          "SELECT stage, operation_id AS id, attempt, status FROM stackset_operations WHERE kind = 'delete-instances' ORDER BY stackset_operations.id",
        )
        .all(),
    ) as Array<{ stage: string; id: string; attempt: number; status: string }>;

  it('a failed deletion stops before DeleteStackSet: exit 1, the account with its reason; status and history show it', async () => {
    const canary = accountsOf('/Root/ou-1');
    const broken = accountsOf('/Root/ou-2')[0]!;
    expect(canary.length).toBeGreaterThan(0);
    expect((await instances()).length).toBeGreaterThan(0);
    f.sandbox.stackSets.faults.set({
      accountFailures: {
        [broken]: {
          reason: 'delete denied \u001b[31mby an SCP',
          actions: ['DELETE'],
          regions: ['us-east-1'],
        },
      },
    });
    try {
      const failed = await f.cli(...destroyArgs, '--format', 'json');
      expect(failed.code, failed.stderr).toBe(1);
      // The JSON document is not ok, and names the instance left with its reason.
      const doc = JSON.parse(failed.stdout) as {
        ok: boolean;
        stackSets?: Array<{ outcome: string; remaining?: Array<{ account: string; status?: string }> }>;
      };
      const validate = new Ajv({ strict: false }).compile(RolloutOutputSchema);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.ok).toBe(false);
      expect(doc.stackSets?.[0]?.outcome).toBe('failed');
      expect(doc.stackSets?.[0]?.remaining).toContainEqual(
        expect.objectContaining({ account: broken, status: 'INOPERABLE' }),
      );
      expect(failed.stderr).toContain(`Destroy stack set ${STACK_SET}`);
      expect(failed.stderr).toContain('stage canary: deleted');
      expect(failed.stderr).toMatch(/stage production: failed/);
      expect(failed.stderr).toMatch(new RegExp(`${broken} us-east-1: INOPERABLE: delete denied`));
      expect(failed.stderr).toContain('the stack set was not deleted');
      expect(failed.stderr).toContain('packsmith destroy iam-baseline');
      // AWS's text reaches the terminal only escaped.
      expect(failed.stderr).not.toContain('\u001b[31m');
    } finally {
      f.sandbox.stackSets.faults.reset();
    }
    // At the emulator: the canary's instances are gone, the stack set and the broken instance remain.
    const left = await instances();
    expect(left.some((i) => canary.includes(i.Account!))).toBe(false);
    expect(left.find((i) => i.Account === broken && i.Region === 'us-east-1')?.Status).toBe('INOPERABLE');
    expect((await cf.send(new DescribeStackSetCommand({ StackSetName: STACK_SET }))).StackSet?.Status).toBe(
      'ACTIVE',
    );

    const status = await f.cli('status', '--format', 'json');
    const doc = JSON.parse(status.stdout) as {
      accounts: Array<{ accountId: string; region: string; status: string; errorMessage?: string }>;
    };
    expect(doc.accounts.find((r) => r.accountId === broken && r.region === 'us-east-1')).toMatchObject({
      status: 'DELETE_FAILED',
    });
    expect(doc.accounts.find((r) => r.accountId === canary[0] && r.region === 'us-east-1')?.status).toBe(
      'NOT_DEPLOYED',
    );
    const history = await f.cli('history');
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(
      /canary\s+packsmith-\S+-s0-delete-instances-a1\s+delete-instances\s+SUCCEEDED/,
    );
    expect(history.stdout).toMatch(
      /production\s+packsmith-\S+-s1-delete-instances-a1\s+delete-instances\s+FAILED/,
    );
  }, 120_000);

  it('run again: continues with what remains only, deletes the stack set; then nothing to do', async () => {
    const before = deleteOperations();
    const done = await f.cli(...destroyArgs);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`${STACK_SET}: deleted`);
    // The canary had nothing left: only production's deletion was issued again (its next attempt).
    const after = deleteOperations().slice(before.length);
    expect(after.map((o) => [o.stage, o.attempt, o.status])).toEqual([['production', 2, 'SUCCEEDED']]);
    expect(after[0]!.id).toMatch(/-s1-delete-instances-a2$/);

    // At the emulator: no instance deployed anything any more, and the stack set is gone.
    expect(f.sandbox.stackSets.allDeployed().filter((d) => d.stacks.length > 0)).toEqual([]);
    await expect(cf.send(new DescribeStackSetCommand({ StackSetName: STACK_SET }))).rejects.toMatchObject({
      name: 'StackSetNotFoundException',
    });
    const history = await f.cli('history', '--format', 'json');
    const ops = (
      JSON.parse(history.stdout) as { stackSetOperations: Array<{ action: string; status: string }> }
    ).stackSetOperations;
    expect(ops[0]).toMatchObject({ action: 'delete-stack-set', status: 'SUCCEEDED' });

    const again = await f.cli(...destroyArgs);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Nothing to destroy: stack set ${STACK_SET} does not exist.`);
  }, 120_000);

  it('SIGINT while a deletion runs: exit 130, the operation recorded; the next run follows it, issuing nothing twice', async () => {
    const redeployed = await f.cli(...deployArgs());
    expect(redeployed.code, redeployed.stderr).toBe(0);
    const before = deleteOperations().length;
    // Each poll of the operation takes a while: the signal arrives while the canary's deletion runs.
    f.sandbox.stackSets.faults.set({ latency: { ms: 400, actions: ['DescribeStackSetOperation'] } });
    try {
      const child = f.spawnCli([...destroyArgs]);
      await child.waitFor(/canary: delete-instances packsmith-\S+-s0-delete-instances-a1/);
      child.proc.kill('SIGINT');
      const exit = await child.exited;
      expect(exit.code, exit.stderr).toBe(130);
      expect(exit.stderr).toContain('packsmith: SIGINT received: stopping');
      expect(exit.stderr).toContain('packsmith destroy iam-baseline` again');
    } finally {
      f.sandbox.stackSets.faults.reset();
    }
    // Nothing lost: the issued operation is in the store, still RUNNING (AWS goes on with it).
    const stopped = deleteOperations().slice(before);
    expect(stopped.map((o) => [o.stage, o.attempt, o.status])).toEqual([['canary', 1, 'RUNNING']]);

    const done = await f.cli(...destroyArgs);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`${STACK_SET}: deleted`);
    const run = deleteOperations().slice(before);
    // One operation per stage, each its first attempt: the canary's was followed (or had ended), not reissued.
    expect(new Set(run.map((o) => o.id)).size).toBe(2);
    expect(run.every((o) => o.attempt === 1)).toBe(true);
    expect(run.filter((o) => o.stage === 'canary').at(-1)?.status).toBe('SUCCEEDED');
    await expect(cf.send(new DescribeStackSetCommand({ StackSetName: STACK_SET }))).rejects.toMatchObject({
      name: 'StackSetNotFoundException',
    });
  }, 120_000);

  it('deploy of a stack set pack stopped by SIGINT: no operation after the signal, exit 130; --resume then finishes it', async () => {
    f.sandbox.stackSets.faults.set({ latency: { ms: 1000, actions: ['DescribeStackSetOperation'] } });
    try {
      const child = f.spawnCli(deployArgs());
      await child.waitFor(/canary: create-instances packsmith-\S+-s0-create-instances-a\d+/);
      child.proc.kill('SIGINT');
      const exit = await child.exited;
      // It exited 1, as if a stage had failed, and issued the next stage's operation after the signal.
      expect(exit.code, exit.stderr).toBe(130);
      expect(exit.stderr).not.toMatch(/s1-create-instances/);
    } finally {
      f.sandbox.stackSets.faults.reset();
    }
    const resumed = await f.cli(...deployArgs('--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${STACK_SET}: succeeded`);
  }, 120_000);
});
