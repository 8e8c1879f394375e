/**
 * Issue 16, `destroy` of a stack set against a scripted CloudFormation: which instances each stage
 * deletes (and those no stage reaches, by account, last); an OperationId already issued is followed
 * while unfinished and retried under the next attempt once it ended with instances left; no
 * DeleteStackSet while an instance remains.
 */
import { describe, expect, it } from 'vitest';
import {
  destroyGroups,
  destroyStackSet,
  unstagedGroupName,
  type DestroyStage,
} from '../../src/rollout/stackset-destroy.js';
import { openStatusStore } from '../../src/state/store.js';
import { untilAborted } from '../support/waits.js';

const preferences = {
  RegionConcurrencyType: 'SEQUENTIAL' as const,
  RegionOrder: ['us-east-1', 'eu-west-1'],
  MaxConcurrentCount: 1,
  FailureToleranceCount: 0,
  ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE' as const,
};
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const stages: DestroyStage[] = [
  { name: 'canary', index: 0, targets: { OrganizationalUnitIds: ['ou-a'] }, accounts: [A], preferences },
  { name: 'production', index: 1, targets: { OrganizationalUnitIds: ['ou-b'] }, accounts: [B], preferences },
];

describe('[16] destroyGroups', () => {
  it("each stage deletes its accounts' instances in the stages' order; the rest go last by account under the root", () => {
    const groups = destroyGroups({
      stages,
      instances: [
        { account: C, region: 'us-east-1' },
        { account: B, region: 'eu-west-1' },
        { account: A, region: 'us-east-1' },
      ],
      regions: ['us-east-1', 'eu-west-1'],
      rootId: 'r-root',
    });
    expect(groups.map((g) => [g.name, g.instances, g.regions])).toEqual([
      ['canary', [`${A}/us-east-1`], ['us-east-1']],
      ['production', [`${B}/eu-west-1`], ['eu-west-1']],
      [unstagedGroupName, [`${C}/us-east-1`], ['us-east-1']],
    ]);
    expect(groups[1]!.preferences.RegionOrder).toEqual(['eu-west-1']);
    expect(groups[2]!.targets).toEqual({
      OrganizationalUnitIds: ['r-root'],
      Accounts: [C],
      AccountFilterType: 'INTERSECTION',
    });
  });

  it('a stage whose OUs are gone has no targets: its instances are deleted by account; a stage without instances is left out', () => {
    const groups = destroyGroups({
      stages: [{ ...stages[0]!, targets: { OrganizationalUnitIds: [] } }, stages[1]!],
      instances: [{ account: A, region: 'us-east-1' }],
      regions: ['us-east-1'],
      rootId: 'r-root',
    });
    expect(groups.map((g) => [g.name, g.targets.Accounts])).toEqual([[unstagedGroupName, [A]]]);
  });
});

/** A stack set with instances; DeleteStackInstances removes a group's when its operation succeeds. */
function scriptedStackSet(options: {
  instances: Array<{ account: string; region: string; status?: string }>;
  /** Operations issued by an earlier run, with their status now. */
  earlier?: Record<string, string>;
  /** Instances that a deletion leaves INOPERABLE. */
  inoperable?: string[];
  /** DeleteStackSet answers OperationInProgressException (another operation runs) this many times. */
  busyDeletes?: number;
}) {
  let busyDeletes = options.busyDeletes ?? 0;
  let instances = [...options.instances];
  let exists = true;
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const pending = new Map<string, { accounts: string[]; regions: string[] }>();
  const cf = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const id = command.input.OperationId as string | undefined;
      switch (name) {
        case 'DescribeStackSet':
          if (!exists) throw Object.assign(new Error('gone'), { name: 'StackSetNotFoundException' });
          return {
            StackSet: {
              StackSetName: 'packsmith-baseline',
              StackSetId: 'packsmith-baseline:1',
              Status: 'ACTIVE',
            },
          };
        case 'ListStackInstances':
          return {
            Summaries: instances.map((i) => ({
              Account: i.account,
              Region: i.region,
              Status: i.status ?? 'CURRENT',
              ...(i.status === 'INOPERABLE' ? { StatusReason: 'access denied' } : {}),
            })),
          };
        case 'DeleteStackInstances': {
          if (options.earlier?.[id!])
            throw Object.assign(new Error('exists'), { name: 'OperationIdAlreadyExistsException' });
          const targets = command.input.DeploymentTargets as {
            OrganizationalUnitIds: string[];
            Accounts?: string[];
          };
          const accounts =
            targets.Accounts ??
            stages
              .filter((s) =>
                targets.OrganizationalUnitIds.some((o) => s.targets.OrganizationalUnitIds.includes(o)),
              )
              .flatMap((s) => s.accounts);
          pending.set(id!, { accounts, regions: command.input.Regions as string[] });
          return { OperationId: id };
        }
        case 'DescribeStackSetOperation': {
          const work = pending.get(id!);
          if (work) {
            pending.delete(id!);
            const hit = (i: { account: string; region: string }) =>
              work.accounts.includes(i.account) && work.regions.includes(i.region);
            const broken = (i: { account: string; region: string }) =>
              options.inoperable?.includes(`${i.account}/${i.region}`);
            instances = instances
              .filter((i) => !hit(i) || broken(i))
              .map((i) => (hit(i) && broken(i) ? { ...i, status: 'INOPERABLE' } : i));
            const failed = instances.some((i) => hit(i));
            options.earlier = { ...options.earlier, [id!]: failed ? 'FAILED' : 'SUCCEEDED' };
          }
          return { StackSetOperation: { OperationId: id, Status: options.earlier?.[id!] ?? 'RUNNING' } };
        }
        case 'ListStackSetOperationResults':
          return { Summaries: [] };
        case 'DeleteStackSet':
          if (busyDeletes-- > 0)
            throw Object.assign(new Error('busy'), { name: 'OperationInProgressException' });
          if (instances.length)
            throw Object.assign(new Error('not empty'), { name: 'StackSetNotEmptyException' });
          exists = false;
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
  return { cf: cf as never, sent, left: () => instances };
}

const input = (cf: never) => ({
  cf,
  pack: 'baseline',
  stackSetName: 'packsmith-baseline',
  callAs: 'SELF' as const,
  stages,
  regions: ['us-east-1'],
  rootId: 'r-root',
  callerAccount: '999999999999',
  follow: { intervalMs: 1, timeoutMs: 5_000, sleep: async () => undefined },
});

describe('[16] destroyStackSet', () => {
  it('deletes stage by stage, then the stack set; recorded in the store', async () => {
    const store = openStatusStore(':memory:');
    const { cf, sent } = scriptedStackSet({
      instances: [
        { account: B, region: 'us-east-1' },
        { account: A, region: 'us-east-1' },
      ],
    });
    const result = await destroyStackSet({ ...input(cf), store });
    expect(result.outcome).toBe('deleted');
    const deletes = sent.filter((s) => s.command === 'DeleteStackInstances');
    expect(
      deletes.map(
        (d) => (d.input.DeploymentTargets as { OrganizationalUnitIds: string[] }).OrganizationalUnitIds,
      ),
    ).toEqual([['ou-a'], ['ou-b']]);
    expect(deletes.every((d) => d.input.RetainStacks === false)).toBe(true);
    expect(sent.at(-1)?.command).toBe('DeleteStackSet');
    expect(store.stackSetOperations({ pack: 'baseline' }).map((o) => [o.kind, o.stage, o.status])).toEqual([
      ['delete-stack-set', 'stack set', 'SUCCEEDED'],
      ['delete-instances', 'production', 'SUCCEEDED'],
      ['delete-instances', 'canary', 'SUCCEEDED'],
    ]);
    store.close();
  });

  it('a signal while DeleteStackSet waits for another operation: cancelled at once, recorded STOPPED, the stack set kept', async () => {
    const store = openStatusStore(':memory:');
    const { cf, sent } = scriptedStackSet({
      instances: [{ account: A, region: 'us-east-1' }],
      busyDeletes: 1000,
    });
    const controller = new AbortController();
    const result = await destroyStackSet({
      ...input(cf),
      store,
      follow: { ...input(cf).follow, signal: controller.signal },
      // The first wait aborts the run, as SIGINT would; the wait ends only on the abort.
      retry: { onRetry: () => controller.abort(), sleep: untilAborted },
    });
    expect(result.outcome).toBe('cancelled');
    expect(sent.filter((s) => s.command === 'DeleteStackSet')).toHaveLength(1);
    const [row] = store.stackSetOperations({ pack: 'baseline' });
    expect(row).toMatchObject({ kind: 'delete-stack-set', status: 'STOPPED' });
    expect(row!.statusReason).toMatch(
      /stopped by a signal while waiting to try again \(OperationInProgressException/,
    );
    store.close();
  });

  it('an instance left INOPERABLE stops before DeleteStackSet; the run after the fix retries that stage only, under its next attempt', async () => {
    const store = openStatusStore(':memory:');
    const script = scriptedStackSet({
      instances: [
        { account: A, region: 'us-east-1' },
        { account: B, region: 'us-east-1' },
      ],
      inoperable: [`${B}/us-east-1`],
    });
    const failed = await destroyStackSet({ ...input(script.cf), store });
    expect(failed.outcome).toBe('failed');
    expect(failed.stages.map((s) => s.outcome)).toEqual(['deleted', 'failed']);
    expect(failed.remaining).toEqual([
      { account: B, region: 'us-east-1', status: 'INOPERABLE', reason: 'access denied' },
    ]);
    expect(script.sent.some((s) => s.command === 'DeleteStackSet')).toBe(false);

    // The cause is fixed: the next deletion succeeds.
    const fixed = scriptedStackSet({ instances: script.left(), earlier: {} });
    const again = await destroyStackSet({ ...input(fixed.cf), store });
    expect(again.outcome).toBe('deleted');
    const ids = fixed.sent
      .filter((s) => s.command === 'DeleteStackInstances')
      .map((s) => s.input.OperationId);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/-s1-delete-instances-a2$/);
    store.close();
  });

  it('an operation already issued and still running is followed, not reissued; one that ended is retried under the next attempt', async () => {
    const probe = scriptedStackSet({ instances: [{ account: A, region: 'us-east-1' }] });
    const first = await destroyStackSet(input(probe.cf));
    const id = probe.sent.find((s) => s.command === 'DeleteStackInstances')!.input.OperationId as string;
    expect(first.outcome).toBe('deleted');

    // Still RUNNING in AWS (a run killed while following it): followed under its id until the timeout.
    const running = scriptedStackSet({
      instances: [{ account: A, region: 'us-east-1' }],
      earlier: { [id]: 'RUNNING' },
    });
    const base = input(running.cf);
    const result = await destroyStackSet({
      ...base,
      follow: { intervalMs: 1, timeoutMs: 20, sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)) },
    });
    expect(result.outcome).toBe('timed-out');
    const issued = running.sent
      .filter((s) => s.command === 'DeleteStackInstances')
      .map((s) => s.input.OperationId);
    expect(issued).toEqual([id]);
    expect(running.sent.some((s) => s.command === 'DeleteStackSet')).toBe(false);

    const ended = scriptedStackSet({
      instances: [{ account: A, region: 'us-east-1' }],
      earlier: { [id]: 'SUCCEEDED' },
    });
    const retried = await destroyStackSet(input(ended.cf));
    expect(retried.outcome).toBe('deleted');
    expect(
      ended.sent.filter((s) => s.command === 'DeleteStackInstances').map((s) => s.input.OperationId),
    ).toEqual([id, id.replace(/-a1$/, '-a2')]);
  });

  it('no stack set: nothing to do', async () => {
    const script = scriptedStackSet({ instances: [] });
    await destroyStackSet(input(script.cf));
    const gone = await destroyStackSet(input(script.cf));
    expect(gone.outcome).toBe('absent');
  });
});
