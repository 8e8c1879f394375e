/**
 * Issue 16: the staged apply against a scripted CloudFormation (asynchronous operations, failures
 * with reasons, an OperationId already issued): the order of operations, the stop on a FAILED
 * stage with later stages untouched, and a repeated OperationId followed rather than reissued.
 */
import { describe, expect, it } from 'vitest';
import { applyStackSet, observeStackSet, operationIdOf } from '../../src/rollout/stackset.js';
import type { StackSetPlan, StagePlan } from '../../src/rollout/stackset-plan.js';
import { openStatusStore, type StatusStore } from '../../src/state/store.js';
import { untilAborted } from '../support/waits.js';

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

/** Each operation is RUNNING for `polls` describes, then ends with `end(operationId)`. */
function scriptedCloudFormation(options: {
  end?: (operationId: string) => 'SUCCEEDED' | 'FAILED';
  polls?: number;
  failedInstances?: Array<{ Account: string; Region: string; Status: string; StatusReason: string }>;
  existing?: Set<string>;
  /** Operations refused with OperationInProgressException before one is accepted. */
  busy?: number;
  /** Operations issued by an earlier run, with how they ended. */
  earlier?: Record<string, 'SUCCEEDED' | 'FAILED'>;
}) {
  let busy = options.busy ?? 0;
  const sent: Sent[] = [];
  const described = new Map<string, number>();
  const cf = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const id = command.input.OperationId as string | undefined;
      switch (name) {
        case 'UpdateStackSet':
        case 'CreateStackInstances':
        case 'UpdateStackInstances':
          if (busy > 0) {
            busy -= 1;
            throw Object.assign(new Error('another operation'), { name: 'OperationInProgressException' });
          }
          if (id && (options.existing?.has(id) || options.earlier?.[id])) {
            throw Object.assign(new Error('already exists'), { name: 'OperationIdAlreadyExistsException' });
          }
          return { OperationId: id };
        case 'DescribeStackSetOperation': {
          const before = options.earlier?.[id!];
          if (before) return { StackSetOperation: { OperationId: id, Status: before } };
          const n = (described.get(id!) ?? 0) + 1;
          described.set(id!, n);
          const status = n <= (options.polls ?? 2) ? 'RUNNING' : (options.end?.(id!) ?? 'SUCCEEDED');
          return { StackSetOperation: { OperationId: id, Status: status } };
        }
        case 'ListStackSetOperationResults':
          return {
            Summaries: (options.end?.(id!) ?? 'SUCCEEDED') === 'FAILED' ? options.failedInstances : [],
          };
        case 'ListStackInstances':
          return { Summaries: [] };
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
  return { cf: cf as never, sent };
}

const stage = (index: number, name: string, over: Partial<StagePlan> = {}): StagePlan => ({
  name,
  index,
  action: 'update',
  targets: { OrganizationalUnitIds: [`ou-root-stage000${index}`] },
  accounts: [`22223333444${index}`],
  overrides: [],
  preferences: {
    RegionConcurrencyType: 'SEQUENTIAL',
    RegionOrder: ['us-east-1'],
    MaxConcurrentCount: 1,
    FailureToleranceCount: 0,
    ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
  },
  createRegions: [],
  create: [],
  update: [`22223333444${index}/us-east-1`],
  reasons: [],
  ...over,
});
const plan = (stages: StagePlan[]): StackSetPlan => ({
  pack: 'baseline',
  stackSetName: 'packsmith-baseline',
  callAs: 'SELF',
  regions: ['us-east-1'],
  stackSet: 'update',
  templateBody: '{}\n',
  parameters: [],
  autoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
  stages,
  problems: [],
});
const follow = { intervalMs: 1, timeoutMs: 5_000, sleep: async () => undefined };

/** `applyStackSet --resume` of `p` with `store`, against a CloudFormation scripted by `options`. */
async function resumeOn(
  p: StackSetPlan,
  store: StatusStore,
  options: Parameters<typeof scriptedCloudFormation>[0] = {},
) {
  const scripted = scriptedCloudFormation(options);
  const result = await applyStackSet({
    cf: scripted.cf,
    plan: p,
    callerAccount: '111122223333',
    store,
    follow,
    resume: true,
  });
  return { result, sent: scripted.sent };
}

describe('[16] staged stack set apply', () => {
  it('a template change goes to the first stage by UpdateStackSet, then stage by stage with overrides; each followed to its end', async () => {
    const { cf, sent } = scriptedCloudFormation({ polls: 2 });
    const p = plan([
      stage(0, 'canary'),
      stage(1, 'production', { overrides: [{ ParameterKey: 'MaxAccessKeyAge', ParameterValue: '30' }] }),
    ]);
    const result = await applyStackSet({ cf, plan: p, callerAccount: '111122223333', follow });
    expect(result.outcome).toBe('succeeded');
    const issued = sent.filter((s) => !s.command.startsWith('Describe') && !s.command.startsWith('List'));
    expect(issued.map((s) => s.command)).toEqual(['UpdateStackSet', 'UpdateStackInstances']);
    expect(issued[0]!.input.DeploymentTargets).toEqual({ OrganizationalUnitIds: ['ou-root-stage0000'] });
    expect(issued[1]!.input).toMatchObject({
      DeploymentTargets: { OrganizationalUnitIds: ['ou-root-stage0001'] },
      ParameterOverrides: [{ ParameterKey: 'MaxAccessKeyAge', ParameterValue: '30' }],
      OperationPreferences: { RegionOrder: ['us-east-1'] },
    });
    // Asynchronous: each operation was described until it ended (2 RUNNING, then SUCCEEDED).
    expect(sent.filter((s) => s.command === 'DescribeStackSetOperation')).toHaveLength(6);
    // The next stage starts only after the previous operation ended and its instances were read.
    const follow3 = ['DescribeStackSetOperation', 'DescribeStackSetOperation', 'DescribeStackSetOperation'];
    const read = ['ListStackSetOperationResults', 'ListStackInstances'];
    expect(sent.map((s) => s.command)).toEqual([
      'UpdateStackSet',
      ...follow3,
      ...read,
      'UpdateStackInstances',
      ...follow3,
      ...read,
    ]);
  });

  it('a FAILED stage stops the rollout: its failed accounts and reasons are reported, later stages untouched', async () => {
    const store = openStatusStore(':memory:');
    const { cf, sent } = scriptedCloudFormation({
      end: (id) => (id.includes('-s1-') ? 'FAILED' : 'SUCCEEDED'),
      failedInstances: [
        {
          Account: '222233334441',
          Region: 'us-east-1',
          Status: 'FAILED',
          StatusReason: 'NoAvailableConfigurationRecorder',
        },
      ],
    });
    const p = plan([stage(0, 'canary'), stage(1, 'production'), stage(2, 'rest')]);
    const result = await applyStackSet({ cf, plan: p, callerAccount: '111122223333', store, follow });
    expect(result.outcome).toBe('failed');
    expect(result.stages.map((s) => s.outcome)).toEqual(['succeeded', 'failed', 'not-started']);
    expect(result.stages[1]!.failures).toEqual([
      {
        account: '222233334441',
        region: 'us-east-1',
        status: 'FAILED',
        reason: 'NoAvailableConfigurationRecorder',
      },
    ]);
    expect(sent.some((s) => JSON.stringify(s.input).includes('ou-root-stage0002'))).toBe(false);
    const [failed] = store.stackSetOperations({ pack: 'baseline' });
    expect(failed).toMatchObject({ stage: 'production', status: 'FAILED', attempt: 1 });
    expect(store.stackInstances(failed!.id)[0]).toMatchObject({
      statusReason: 'NoAvailableConfigurationRecorder',
    });

    // Resumed after the fix: canary is not reissued; production gets a new attempt (a new OperationId).
    const again = await resumeOn(p, store);
    const resumed = again.result;
    expect(resumed.outcome).toBe('succeeded');
    const issued = again.sent.filter((s) => s.command.startsWith('Update')).map((s) => s.input.OperationId);
    expect(issued).toEqual([
      operationIdOf(result.runKey, 1, 'update-instances', 2),
      operationIdOf(result.runKey, 2, 'update-instances', 1),
    ]);
    store.close();
  });

  it('an OperationId AWS already has (a run killed after the call) is followed, not issued anew', async () => {
    const store = openStatusStore(':memory:');
    const p = plan([stage(0, 'canary')]);
    const first = scriptedCloudFormation({});
    const done = await applyStackSet({ cf: first.cf, plan: p, callerAccount: '111122223333', store, follow });
    const id = operationIdOf(done.runKey, 0, 'update-stack-set', 1);
    // The row of a killed run: issued, never seen to end.
    const row = store.stackSetOperations({ pack: 'baseline' })[0]!.id;
    store.updateStackSetOperation(row, 'RUNNING');
    const second = await resumeOn(p, store, { existing: new Set([id]) });
    const result = second.result;
    expect(result.outcome).toBe('succeeded');
    expect(result.stages[0]!.operations).toEqual([
      { kind: 'update-stack-set', operationId: id, status: 'SUCCEEDED' },
    ]);
    expect(
      second.sent
        .filter((s) => s.command === 'DescribeStackSetOperation')
        .every((s) => s.input.OperationId === id),
    ).toBe(true);
    store.close();
  });

  it('another operation in progress (an automatic deployment): the stage waits its turn and goes on', async () => {
    const { cf, sent } = scriptedCloudFormation({ busy: 2 });
    const waits: number[] = [];
    const result = await applyStackSet({
      cf,
      plan: plan([stage(0, 'canary')]),
      callerAccount: '111122223333',
      follow,
      retry: { sleep: async () => undefined, onRetry: (r) => waits.push(r.attempt) },
    });
    expect(result.outcome).toBe('succeeded');
    expect(waits).toEqual([1, 2]);
    // The same OperationId each time: AWS had accepted none of them.
    const ids = new Set(sent.filter((s) => s.command === 'UpdateStackSet').map((s) => s.input.OperationId));
    expect(ids.size).toBe(1);
  });

  it('a signal while waiting for another operation: cancelled at once, recorded STOPPED, --resume issues the next attempt', async () => {
    const store = openStatusStore(':memory:');
    const p = plan([stage(0, 'canary'), stage(1, 'production')]);
    const busy = scriptedCloudFormation({ busy: 1000 });
    const controller = new AbortController();
    const result = await applyStackSet({
      cf: busy.cf,
      plan: p,
      callerAccount: '111122223333',
      store,
      follow: { ...follow, signal: controller.signal },
      // The first wait aborts the run, as SIGINT would; the wait ends only on the abort.
      retry: { onRetry: () => controller.abort(), sleep: untilAborted },
    });
    expect(result.outcome).toBe('cancelled');
    expect(result.stages.map((s) => s.outcome)).toEqual(['cancelled', 'not-started']);
    expect(busy.sent.filter((s) => s.command === 'UpdateStackSet')).toHaveLength(1);
    const [row] = store.stackSetOperations({ pack: 'baseline' });
    expect(row).toMatchObject({ status: 'STOPPED', attempt: 1 });
    expect(row!.statusReason).toMatch(/stopped by a signal while waiting to try again/);

    const free = await resumeOn(p, store);
    expect(free.result.outcome).toBe('succeeded');
    expect(free.sent.find((s) => s.command === 'UpdateStackSet')!.input.OperationId).toBe(
      operationIdOf(result.runKey, 0, 'update-stack-set', 2),
    );
    store.close();
  });

  it('without the store (another machine): an OperationId that already FAILED is not followed again, the next attempt is issued', async () => {
    const p = plan([stage(0, 'canary')]);
    const probe = scriptedCloudFormation({});
    const { runKey } = await applyStackSet({ cf: probe.cf, plan: p, callerAccount: '111122223333', follow });
    const first = operationIdOf(runKey, 0, 'update-stack-set', 1);
    const { cf, sent } = scriptedCloudFormation({ earlier: { [first]: 'FAILED' } });
    const result = await applyStackSet({ cf, plan: p, callerAccount: '111122223333', follow });
    expect(result.outcome).toBe('succeeded');
    expect(sent.filter((s) => s.command === 'UpdateStackSet').map((s) => s.input.OperationId)).toEqual([
      first,
      operationIdOf(runKey, 0, 'update-stack-set', 2),
    ]);
    expect(result.stages[0]!.operations[0]!.operationId).toBe(
      operationIdOf(runKey, 0, 'update-stack-set', 2),
    );
  });

  it('a template change whose first stage only creates instances updates the stack set before creating them', async () => {
    const { cf, sent } = scriptedCloudFormation({});
    const p = plan([
      stage(0, 'canary', {
        action: 'create',
        update: [],
        create: ['222233334440/us-east-1'],
        createRegions: ['us-east-1'],
      }),
      stage(1, 'production'),
    ]);
    const result = await applyStackSet({ cf, plan: p, callerAccount: '111122223333', follow });
    expect(result.outcome).toBe('succeeded');
    const issued = sent.filter((s) => /^(Update|Create)/.test(s.command));
    expect(issued.map((s) => s.command)).toEqual([
      'UpdateStackSet',
      'CreateStackInstances',
      'UpdateStackInstances',
    ]);
    expect(issued[0]!.input).toMatchObject({
      DeploymentTargets: { OrganizationalUnitIds: ['ou-root-stage0000'] },
      Regions: ['us-east-1'],
    });
  });
});

describe('[16] stack set listings from AWS are bounded', () => {
  it('a NextToken that comes back twice is an error, not an endless loop', async () => {
    let calls = 0;
    const cf = {
      send: async (command: { constructor: { name: string } }) => {
        const name = command.constructor.name.replace(/Command$/, '');
        if (name === 'DescribeStackSet') return { StackSet: { Status: 'ACTIVE', Parameters: [] } };
        calls += 1;
        if (calls > 50) throw new Error('still paging after 50 pages');
        return { Summaries: [], NextToken: 'same' };
      },
    };
    await expect(
      observeStackSet(cf as never, { stackSetName: 'packsmith-baseline', callAs: 'SELF' }),
    ).rejects.toThrow(/ListStackInstances packsmith-baseline: the same NextToken came back twice/);
    expect(calls).toBe(2);
  });
});
