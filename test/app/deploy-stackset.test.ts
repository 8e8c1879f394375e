/**
 * Issue 16: `plan` and `deploy` for a pack with `engine: stackset`, driven directly against the
 * sandbox (moto's CloudFormation StackSets, service-managed, targeted by OU): 2 OUs in 2 stages with a
 * production override, each account's stack instance carrying its stage's parameters.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStackInstanceCommand, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { DisableAWSServiceAccessCommand, EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { stackSetsPrincipal } from '../../src/rollout/preflight.js';
import { createAws } from '../../src/aws/clients.js';
import { deploy, type DeployRequest } from '../../src/app/deploy.js';
import type { AppEvent, RolloutDeps } from '../../src/app/events.js';
import { plan } from '../../src/app/plan.js';
import { openStatusStore } from '../../src/state/store.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PARAM = 'AccessKeysRotatedParamMaxAccessKeyAge';

describe.skipIf(!motoStatus().available)(`deploy with engine: stackset${motoSkipNote()}`, () => {
  const rollout = useRolloutFixture({
    accounts: 4,
    regions: REGIONS,
    packs: ['iam-baseline'],
    depth: 1,
    fanout: 2,
  });
  const request: DeployRequest = { lockWaitSeconds: 0, tracking: { intervalMs: 50, timeoutMs: 60_000 } };
  const deps = (events: AppEvent[]): RolloutDeps => ({
    connect: (settings) => createAws(settings),
    confirm: () => Promise.resolve(true),
    onEvent: (event) => events.push(event),
    lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
    isProcessAlive: () => true,
  });

  const writeStackSetConfig = (base = '') => {
    const config = rollout.fx.config.replace(
      / {2}iam-baseline:\n {4}targets:\n {6}ous: \[\/Root\]\n/,
      [
        '  iam-baseline:',
        '    engine: stackset',
        ...(base ? [`    parameters: { ${PARAM}: ${base} }`] : []),
        '    stages:',
        '      - name: canary',
        '        ous: [/Root/ou-1]',
        '      - name: production',
        '        ous: [/Root/ou-2]',
        '        maxConcurrent: 100%',
        `        parameters: { ${PARAM}: 30 }`,
        '',
      ].join('\n'),
    );
    expect(config).toContain('engine: stackset');
    writeFileSync(join(rollout.fx.repo, 'packsmith.deploy.yaml'), config);
  };

  it('refused by preflight while trusted access for StackSets is not enabled (PS545), nothing created', async () => {
    writeStackSetConfig();
    // The sandbox enables it: disabled here, from the management account.
    const admin = createAws({ defaultRegion: REGIONS[0]! });
    try {
      await admin
        .organizations()
        .send(new DisableAWSServiceAccessCommand({ ServicePrincipal: stackSetsPrincipal }));
    } finally {
      admin.destroy();
    }
    const events: AppEvent[] = [];
    await expect(deploy(rollout.selection, request, deps(events))).rejects.toThrow(/preflight failed/);
    const findings = events.flatMap((e) => (e.kind === 'preflight' ? e.findings : []));
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.checkId)).toEqual(['PS545']);
    const planned = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(planned.stackSets[0]!.stackSet).toBe('create');
    // Enabled from the management account, as the check's fix says.
    const aws = createAws({ defaultRegion: REGIONS[0]! });
    try {
      await aws
        .organizations()
        .send(new EnableAWSServiceAccessCommand({ ServicePrincipal: stackSetsPrincipal }));
    } finally {
      aws.destroy();
    }
  }, 120_000);

  it('plans 2 stages to create, deploys them in order, and each account gets its stage parameters', async () => {
    const planned = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(planned.plan.packs).toEqual([]);
    const [stackSet] = planned.stackSets;
    expect(stackSet).toMatchObject({
      pack: 'iam-baseline',
      stackSetName: 'packsmith-iam-baseline',
      stackSet: 'create',
    });
    expect(stackSet!.stages.map((s) => [s.name, s.action])).toEqual([
      ['canary', 'create'],
      ['production', 'create'],
    ]);

    const events: AppEvent[] = [];
    const outcome = await deploy(rollout.selection, request, deps(events));
    expect(outcome.kind).toBe('done');
    if (outcome.kind !== 'done') return;
    expect(outcome.results).toEqual([]);
    expect(outcome.stackSets.map((r) => [r.stackSetName, r.outcome])).toEqual([
      ['packsmith-iam-baseline', 'succeeded'],
    ]);
    expect(outcome.stackSets[0]!.stages.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(events.some((e) => e.kind === 'stack-set-plan')).toBe(true);

    // Each account's instance: production's with the override, canary's with the stack set's value.
    const aws = createAws({ defaultRegion: REGIONS[0]! });
    try {
      const cf = aws.cloudformation(REGIONS[0]!);
      const accountsIn = (ou: string) =>
        rollout.fx.sandbox.org.accounts
          .filter((a) => a.status === 'ACTIVE' && a.path === ou)
          .map((a) => a.id)
          .sort();
      const production = accountsIn('/Root/ou-2');
      expect(production.length).toBeGreaterThan(0);
      const listed = await cf.send(new ListStackInstancesCommand({ StackSetName: 'packsmith-iam-baseline' }));
      const seen = new Set((listed.Summaries ?? []).map((s) => `${s.Account}/${s.Region}`));
      expect([...seen].sort()).toEqual(
        [...accountsIn('/Root/ou-1'), ...production].flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).sort(),
      );
      for (const key of seen) {
        const [account, region] = key.split('/');
        const d = await cf.send(
          new DescribeStackInstanceCommand({
            StackSetName: 'packsmith-iam-baseline',
            StackInstanceAccount: account,
            StackInstanceRegion: region,
          }),
        );
        expect(d.StackInstance?.ParameterOverrides ?? [], key).toEqual(
          production.includes(account!) ? [{ ParameterKey: PARAM, ParameterValue: '30' }] : [],
        );
      }
    } finally {
      aws.destroy();
    }

    // The status store has each stage's operation and each instance's status.
    const store = openStatusStore(rollout.fx.statePath, { readonly: true });
    try {
      const ops = store.stackSetOperations({ pack: 'iam-baseline' });
      expect(ops.map((o) => [o.stage, o.status])).toEqual([
        ['production', 'SUCCEEDED'],
        ['canary', 'SUCCEEDED'],
      ]);
      expect(store.stackInstances(ops[0]!.id).every((i) => i.detailedStatus === 'SUCCEEDED')).toBe(true);
    } finally {
      store.close();
    }

    // Deployed: the next plan has nothing to do.
    const again = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(again.stackSets[0]!.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
    // `--region` of the second Region: the stack set is still the one administered from the
    // configuration's first Region (planned there, it would be a second stack set to create).
    const second = await plan(
      { ...rollout.selection, regions: [REGIONS[1]!] },
      { connect: (s) => createAws(s) },
    );
    expect(second.stackSets[0]).toMatchObject({ stackSet: 'unchanged' });
    expect(second.stackSets[0]!.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
  }, 120_000);

  it('a staged update: canary first, production fails beyond its tolerance and stops with reasons; --resume after the fix finishes without reissuing canary', async () => {
    const emu = rollout.fx.sandbox.stackSets;
    const accountsIn = (ou: string) =>
      rollout.fx.sandbox.org.accounts
        .filter((a) => a.status === 'ACTIVE' && a.path === ou)
        .map((a) => a.id)
        .sort();
    const [canaryAccount] = accountsIn('/Root/ou-1');
    const [broken] = accountsIn('/Root/ou-2');
    const packValue = (account: string, region: string) =>
      emu.deployed(account, region)[0]?.resources.parameters[PARAM];
    writeStackSetConfig('60'); // the stack set's value changes: canary gets 60, production keeps its 30
    emu.faults.set({
      accountFailures: { [broken!]: { reason: 'NoAvailableConfigurationRecorder in the account' } },
    });
    emu.resetStats();
    const events: AppEvent[] = [];
    const failed = await deploy(rollout.selection, request, deps(events));
    expect(failed.kind).toBe('done');
    if (failed.kind !== 'done') return;
    const [result] = failed.stackSets;
    expect(result!.outcome).toBe('failed');
    expect(result!.stages.map((s) => [s.stage, s.outcome])).toEqual([
      ['canary', 'succeeded'],
      ['production', 'failed'],
    ]);
    expect(result!.stages[1]!.failures).toContainEqual(
      expect.objectContaining({
        account: broken,
        reason: expect.stringContaining('NoAvailableConfigurationRecorder'),
      }),
    );
    expect(packValue(canaryAccount!, REGIONS[0]!)).toBe('60');
    expect(emu.stats().requests.UpdateStackSet).toBe(1);

    // Fixed; resumed: canary's operation is not reissued, production's gets a new attempt.
    emu.faults.reset();
    emu.resetStats();
    const resumed = await deploy(rollout.selection, { ...request, resume: true }, deps([]));
    expect(resumed.kind).toBe('done');
    if (resumed.kind !== 'done') return;
    expect(resumed.stackSets.map((r) => r.outcome)).toEqual(['succeeded']);
    expect(emu.stats().requests.UpdateStackSet ?? 0).toBe(0);
    expect(emu.stats().requests.UpdateStackInstances).toBe(1);
    expect(packValue(broken!, REGIONS[0]!)).toBe('30');
    const again = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(again.stackSets[0]!.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
  }, 180_000);
});
