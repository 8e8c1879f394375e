/**
 * Issue 16, `deploy --plan` of a stack set pack: the saved plan is checked before the
 * confirmation, and again under the lock. Another run that changes the stack set between the two
 * (here: while the confirmation is asked) makes the deploy refuse before any operation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { deploy, type DeployRequest } from '../../src/app/deploy.js';
import type { RolloutDeps } from '../../src/app/events.js';
import { plan } from '../../src/app/plan.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const PARAM = 'AccessKeysRotatedParamMaxAccessKeyAge';
const STACK_SET = 'packsmith-iam-baseline';

describe.skipIf(!motoStatus().available)(
  `deploy --plan of a stack set pack, under the lock${motoSkipNote()}`,
  () => {
    const rollout = useRolloutFixture({
      accounts: 4,
      regions: ['us-east-1', 'eu-west-1'],
      packs: ['iam-baseline'],
      depth: 1,
      fanout: 2,
      delay: { baseMs: 20, jitterMs: 20 },
    });
    const request: DeployRequest = { lockWaitSeconds: 0, tracking: { intervalMs: 50, timeoutMs: 60_000 } };
    const deps = (confirm: () => Promise<boolean>): RolloutDeps => ({
      connect: (settings) => createAws(settings),
      confirm,
      lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
      isProcessAlive: () => true,
    });
    const writeConfig = (maxAge: number) =>
      writeFileSync(
        join(rollout.fx.repo, 'packsmith.deploy.yaml'),
        rollout.fx.config.replace(
          / {2}iam-baseline:\n {4}targets:\n {6}ous: \[\/Root\]\n/,
          [
            '  iam-baseline:',
            '    engine: stackset',
            `    parameters: { ${PARAM}: ${maxAge} }`,
            '    stages:',
            '      - { name: canary, ous: [/Root/ou-1] }',
            '      - { name: production, ous: [/Root/ou-2] }',
            '',
          ].join('\n'),
        ),
      );

    it('another run changes the stack set while the confirmation is asked: refused under the lock, nothing issued', async () => {
      writeConfig(90);
      const first = await deploy(
        rollout.selection,
        request,
        deps(() => Promise.resolve(true)),
      );
      expect(first.kind).toBe('done');

      writeConfig(60);
      const planned = await plan(rollout.selection, { connect: (s) => createAws(s) });
      expect(planned.stackSets[0]?.stackSet).toBe('update');
      const file = join(rollout.fx.repo, 'plan.json');
      writeFileSync(file, JSON.stringify(planned.plan));

      const cf = new CloudFormationClient({
        endpoint: rollout.fx.sandbox.stackSets.endpoint,
        region: 'us-east-1',
        credentials: FAKE_CREDENTIALS,
        maxAttempts: 1,
      });
      try {
        const emu = rollout.fx.sandbox.stackSets;
        // While this deploy asks for confirmation, another one updates the stack set's parameters.
        const otherRun = async () => {
          const { OperationId } = await cf.send(
            new UpdateStackSetCommand({
              StackSetName: STACK_SET,
              UsePreviousTemplate: true,
              Parameters: [{ ParameterKey: PARAM, ParameterValue: '45' }],
              AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
              PermissionModel: 'SERVICE_MANAGED',
            }),
          );
          for (;;) {
            const d = await cf.send(
              new DescribeStackSetOperationCommand({ StackSetName: STACK_SET, OperationId: OperationId! }),
            );
            if (d.StackSetOperation?.Status !== 'RUNNING' && d.StackSetOperation?.Status !== 'QUEUED') break;
            await new Promise((r) => setTimeout(r, 50));
          }
          emu.resetStats();
          return true;
        };
        await expect(
          deploy(rollout.selection, { ...request, planFile: file }, deps(otherRun)),
        ).rejects.toThrow(/iam-baseline: stack set packsmith-iam-baseline changed since the plan was made/);
        // Nothing was issued after the confirmation: the other run's parameters stand.
        const ops = emu.stats().operations ?? {};
        expect(Object.values(ops).reduce((n, v) => n + (v as number), 0)).toBe(0);
        const now = await cf.send(new DescribeStackSetCommand({ StackSetName: STACK_SET }));
        expect(now.StackSet?.Parameters).toEqual([{ ParameterKey: PARAM, ParameterValue: '45' }]);
      } finally {
        cf.destroy();
      }
    }, 120_000);
  },
);
