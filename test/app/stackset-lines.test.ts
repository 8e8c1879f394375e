/** Issue 16: what plan and deploy say about a stack set: each stage, and failed accounts with AWS's reasons. */
import { describe, expect, it } from 'vitest';
import { stackSetPlanLines, stackSetResultLines } from '../../src/app/stackset.js';
import type { StackSetPlan } from '../../src/rollout/stackset-plan.js';

const preferences = {
  RegionConcurrencyType: 'SEQUENTIAL' as const,
  RegionOrder: ['us-east-1'],
  ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE' as const,
};

describe('[16] stack set lines', () => {
  it('the plan names each stage with its action, counts and reasons, and the rule changes', () => {
    const plan: StackSetPlan = {
      pack: 'baseline',
      stackSetName: 'packsmith-baseline',
      callAs: 'SELF',
      regions: ['us-east-1'],
      stackSet: 'update',
      templateBody: '{}',
      parameters: [],
      ruleChanges: [{ rule: 'access-keys-rotated', change: 'changed', details: ['a: 1 → 2'] }],
      autoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      problems: [],
      stages: [
        {
          name: 'canary',
          index: 0,
          action: 'update',
          targets: { OrganizationalUnitIds: ['ou-a'] },
          accounts: ['111111111111'],
          overrides: [],
          preferences,
          createRegions: [],
          create: [],
          update: ['111111111111/us-east-1'],
          reasons: ['the template or the stack set parameters change'],
        },
        {
          name: 'production',
          index: 1,
          action: 'unchanged',
          targets: { OrganizationalUnitIds: ['ou-b'] },
          accounts: ['222222222222', '333333333333'],
          overrides: [],
          preferences,
          createRegions: [],
          create: [],
          update: [],
          reasons: [],
        },
      ],
    };
    expect(stackSetPlanLines(plan)).toEqual([
      'baseline: stack set packsmith-baseline (update)',
      '  rule access-keys-rotated: changed (a: 1 → 2)',
      '  stage 1 canary: update, 1 instance(s) to update: the template or the stack set parameters change',
      '  stage 2 production: unchanged, 2 account(s) × 1 Region(s) up to date',
    ]);
  });

  it('a failed stage names its accounts and reasons, counts the instances it never reached apart; later stages show as not started', () => {
    expect(
      stackSetResultLines({
        stackSetName: 'packsmith-baseline',
        outcome: 'failed',
        runKey: 'k',
        stages: [
          {
            stage: 'production',
            action: 'update',
            operations: [{ kind: 'update-instances', operationId: 'op-1', status: 'FAILED' }],
            outcome: 'failed',
            failures: [
              {
                account: '222222222222',
                region: 'us-east-1',
                status: 'FAILED',
                reason: 'NoAvailableConfigurationRecorder',
              },
            ],
            notAttempted: [
              { account: '333333333333', region: 'us-east-1' },
              { account: '444444444444', region: 'us-east-1' },
            ],
          },
          {
            stage: 'rest',
            action: 'update',
            operations: [],
            outcome: 'not-started',
            failures: [],
            notAttempted: [],
          },
        ],
      }),
    ).toEqual([
      'packsmith-baseline: failed',
      '  stage production: failed (update-instances op-1 FAILED)',
      '    222222222222 us-east-1: FAILED: NoAvailableConfigurationRecorder',
      '    2 instance(s) not attempted (CANCELLED: the operation stopped before reaching them; not failures)',
      '  stage rest: not-started',
    ]);
  });
});
