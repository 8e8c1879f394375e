/**
 * `destroy` of a stack set pack (issue 16): DeleteStackInstances stage by stage, each operation
 * followed to its end like deploy's, then DeleteStackSet once no instance remains.
 *
 * Order: the stages in their configured order (the canary first), as deploy. A deletion removes
 * the pack's rules and their evaluation history: a deletion that fails (an instance left
 * INOPERABLE) or goes wrong does so in the canary first, and the run stops there before
 * production is touched, as a failed stage stops deploy. Instances that no stage reaches any more
 * (the configuration changed since they were deployed, or an OU is gone) are deleted last, by
 * account (the root OU with `AccountFilterType INTERSECTION`). `RetainStacks` is false: the
 * instances' stacks, and the conformance packs they deployed, are deleted.
 *
 * Resumable: every run starts from what AWS lists (ListStackInstances), so a stage whose instances
 * are gone is not touched again. OperationIds are derived from the stack set's StackSetId, the
 * stage and the attempt; an operation the store (or AWS, OperationIdAlreadyExistsException) shows
 * unfinished is followed, not reissued; one that ended while instances remain is retried under
 * the next attempt. A FAILED or STOPPED operation, or any instance left after the stages, stops
 * before DeleteStackSet, naming each instance with AWS's StatusReason.
 */
import { DeleteStackInstancesCommand, DeleteStackSetCommand } from '@aws-sdk/client-cloudformation';
import {
  awsErrorName,
  RetryInterrupted,
  stackSetOperationInProgressRetry,
  withRetries,
  type RetryHooks,
} from '../aws/retry.js';
import type { StackSetOperationRecordStatus, StatusStore } from '../state/store.js';
import { sha256Hex } from './records.js';
import {
  errorText,
  followOperation,
  instanceKey,
  issueOperation,
  observeStackSet,
  operationInstances,
  type CloudFormationSender,
  type FollowSettings,
  type StackSetEvent,
  interruptedToUndefined,
  withSignal,
} from './stackset.js';
import type {
  DeploymentTargets,
  ObservedInstance,
  ObservedStackSet,
  OperationPreferences,
} from './stackset-plan.js';

/** One stage as destroy uses it: its targets, the accounts it reaches now, its preferences. */
export interface DestroyStage {
  name: string;
  index: number;
  targets: DeploymentTargets;
  accounts: readonly string[];
  preferences: OperationPreferences;
}

/** A group of instances deleted by one operation: a stage's, or those no stage reaches. */
export interface DestroyGroup {
  name: string;
  index: number;
  targets: DeploymentTargets;
  preferences: OperationPreferences;
  /** The instances AWS lists for this group now, `account/region`. */
  instances: string[];
  /** Regions of those instances, in the deployment's order. */
  regions: string[];
}

/** The stage name under which instances that no stage reaches are deleted. */
export const unstagedGroupName = '(not in any stage)';

/**
 * Pure: which listed instances each stage deletes (an account belongs to the first stage that
 * reaches it), and a last group, by account under the root OU, for the instances no stage reaches.
 */
export function destroyGroups(input: {
  stages: readonly DestroyStage[];
  instances: readonly Pick<ObservedInstance, 'account' | 'region'>[];
  regions: readonly string[];
  rootId: string;
}): DestroyGroup[] {
  const { regions } = input;
  const claimed = new Map<string, number>();
  for (const stage of input.stages) {
    if (stage.targets.OrganizationalUnitIds.length === 0) continue; // its OUs are gone: by account
    for (const a of stage.accounts) if (!claimed.has(a)) claimed.set(a, stage.index);
  }
  const order = (keys: string[]) => keys.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const regionsOf = (keys: readonly string[]) =>
    [...new Set(keys.map((k) => k.split('/')[1]!))].sort(
      (a, b) => rank(regions, a) - rank(regions, b) || (a < b ? -1 : a > b ? 1 : 0),
    );
  const groups: DestroyGroup[] = [];
  for (const stage of input.stages) {
    const instances = order(
      input.instances
        .filter((i) => claimed.get(i.account) === stage.index)
        .map((i) => instanceKey(i.account, i.region)),
    );
    if (instances.length === 0) continue;
    groups.push({
      name: stage.name,
      index: stage.index,
      targets: stage.targets,
      preferences: { ...stage.preferences, RegionOrder: regionsOf(instances) },
      instances,
      regions: regionsOf(instances),
    });
  }
  const rest = order(
    input.instances.filter((i) => !claimed.has(i.account)).map((i) => instanceKey(i.account, i.region)),
  );
  if (rest.length > 0) {
    groups.push({
      name: unstagedGroupName,
      index: input.stages.length,
      targets: {
        OrganizationalUnitIds: [input.rootId],
        Accounts: [...new Set(rest.map((k) => k.split('/')[0]!))],
        AccountFilterType: 'INTERSECTION',
      },
      // One account at a time, no failure tolerated: AWS's defaults.
      preferences: {
        RegionConcurrencyType: 'SEQUENTIAL',
        RegionOrder: regionsOf(rest),
        MaxConcurrentCount: 1,
        FailureToleranceCount: 0,
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      },
      instances: rest,
      regions: regionsOf(rest),
    });
  }
  return groups;
}

const rank = (regions: readonly string[], r: string) => {
  const i = regions.indexOf(r);
  return i === -1 ? regions.length : i;
};

/** The key of one stack set's destruction: a recreated stack set (another StackSetId) gets another. */
export function destroyKeyOf(stackSetName: string, stackSetId: string | undefined): string {
  return sha256Hex(JSON.stringify([stackSetName, stackSetId ?? '', 'destroy'])).slice(0, 16);
}

export interface DestroyStageResult {
  stage: string;
  instances: number;
  operations: Array<{ operationId: string; status: StackSetOperationRecordStatus }>;
  outcome: 'deleted' | 'failed' | 'timed-out' | 'cancelled' | 'not-started';
  /** Instances whose deletion failed, with AWS's reason. */
  failures: Array<{ account: string; region: string; status: string; reason?: string }>;
}

export interface StackSetDestroyResult {
  stackSetName: string;
  /** `absent`: no stack set to delete. `remaining`: the stages ended but instances are left. */
  outcome: 'deleted' | 'absent' | 'failed' | 'timed-out' | 'cancelled';
  stages: DestroyStageResult[];
  /** Instances AWS still lists when the run stopped before DeleteStackSet. */
  remaining: Array<{ account: string; region: string; status?: string; reason?: string }>;
  runKey?: string;
}

export interface DestroyStackSetInput {
  cf: CloudFormationSender;
  pack: string;
  stackSetName: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  stages: readonly DestroyStage[];
  regions: readonly string[];
  rootId: string;
  callerAccount: string;
  store?: StatusStore;
  follow: FollowSettings;
  /** What was observed for the confirmation; observed again when absent. */
  observed?: ObservedStackSet;
  retry?: RetryHooks;
  onEvent?: (event: StackSetEvent) => void;
}

const unfinished = (status: string | undefined) =>
  status === 'ISSUING' || status === 'RUNNING' || status === 'QUEUED' || status === 'STOPPING';

export async function destroyStackSet(input: DestroyStackSetInput): Promise<StackSetDestroyResult> {
  const { cf, store, follow, stackSetName: name, callAs } = input;
  const emit = input.onEvent ?? (() => undefined);
  const observed = input.observed ?? (await observeStackSet(cf, { stackSetName: name, callAs }));
  if (!observed.exists) return { stackSetName: name, outcome: 'absent', stages: [], remaining: [] };
  const runKey = destroyKeyOf(name, observed.stackSetId);
  const groups = destroyGroups({
    stages: input.stages,
    instances: observed.instances,
    regions: input.regions,
    rootId: input.rootId,
  });
  const previous = store?.stackSetOperations({ pack: input.pack, runKey }) ?? [];
  const results: DestroyStageResult[] = [];
  let stopped: StackSetDestroyResult['outcome'] | undefined;

  for (const group of groups) {
    const result: DestroyStageResult = {
      stage: group.name,
      instances: group.instances.length,
      operations: [],
      outcome: 'not-started',
      failures: [],
    };
    results.push(result);
    if (stopped) continue;
    if (follow.signal?.aborted) {
      result.outcome = 'cancelled';
      stopped = 'cancelled';
      continue;
    }
    const last = previous.find((p) => p.stageIndex === group.index && p.kind === 'delete-instances');
    const issued = await issueOperation({
      cf,
      ...(store ? { store } : {}),
      retry: withSignal(input.retry, follow.signal),
      record: {
        pack: input.pack,
        stackSetName: name,
        runKey,
        stage: group.name,
        stageIndex: group.index,
        kind: 'delete-instances',
        callerAccount: input.callerAccount,
      },
      callAs,
      attempt: last ? (unfinished(last.status) ? last.attempt : last.attempt + 1) : 1,
      send: async (id) =>
        (
          await cf.send(
            new DeleteStackInstancesCommand({
              StackSetName: name,
              CallAs: callAs,
              DeploymentTargets: group.targets,
              Regions: group.regions,
              OperationPreferences: group.preferences,
              RetainStacks: false,
              OperationId: id,
            }),
          )
        ).OperationId,
      // Issued before: followed while unfinished; once ended (and instances remain), the next attempt.
      nextAttemptAfter: (status) => !unfinished(status),
    }).catch(interruptedToUndefined);
    if (!issued) {
      result.outcome = 'cancelled';
      stopped = 'cancelled';
      continue;
    }
    const { operationId, row, reused } = issued;
    emit({ kind: 'operation', stage: group.name, operation: 'delete-instances', operationId, reused });
    if (row !== undefined) store?.updateStackSetOperation(row, 'RUNNING');
    const followed = operationId;
    const end = await followOperation(
      cf,
      { stackSetName: name, callAs, operationId: followed },
      follow,
      (status) => emit({ kind: 'operation-status', stage: group.name, operationId: followed, status }),
    );
    const instances = await operationInstances(cf, name, callAs, followed, group.instances);
    if (row !== undefined) {
      store?.recordStackInstances(row, instances);
      // Cancelled here, the operation goes on in AWS: its row stays RUNNING, for the next run to follow.
      if (end.status !== 'CANCELLED') store?.updateStackSetOperation(row, end.status, end.reason ?? null);
    }
    result.operations.push({
      operationId: followed,
      status: end.status === 'CANCELLED' ? 'RUNNING' : end.status,
    });
    for (const i of instances) {
      const status = i.detailedStatus ?? i.status ?? undefined;
      if (status === 'FAILED' || status === 'INOPERABLE' || i.status === 'INOPERABLE') {
        result.failures.push({
          account: i.accountId,
          region: i.region,
          status: i.status === 'INOPERABLE' ? 'INOPERABLE' : status!,
          ...(i.statusReason ? { reason: i.statusReason } : {}),
        });
      }
    }
    result.outcome =
      end.status === 'SUCCEEDED'
        ? 'deleted'
        : end.status === 'TIMED_OUT'
          ? 'timed-out'
          : end.status === 'CANCELLED'
            ? 'cancelled'
            : 'failed';
    if (result.outcome !== 'deleted') stopped = result.outcome;
  }
  if (stopped)
    return {
      stackSetName: name,
      outcome: stopped,
      stages: results,
      remaining: await remainingOf(input),
      runKey,
    };

  // Every stage ended: the stack set goes only when AWS lists no instance (a tolerated failure may remain).
  const remaining = await remainingOf(input);
  if (remaining.length > 0)
    return { stackSetName: name, outcome: 'failed', stages: results, remaining, runKey };
  if (follow.signal?.aborted)
    return { stackSetName: name, outcome: 'cancelled', stages: results, remaining, runKey };
  const row = store?.startStackSetOperation({
    pack: input.pack,
    stackSetName: name,
    runKey,
    stage: 'stack set',
    stageIndex: groups.length === 0 ? 0 : Math.max(...groups.map((g) => g.index)) + 1,
    kind: 'delete-stack-set',
    operationId: name,
    attempt: 1,
    callerAccount: input.callerAccount,
  });
  try {
    await withRetries(
      () => cf.send(new DeleteStackSetCommand({ StackSetName: name, CallAs: callAs })),
      [stackSetOperationInProgressRetry],
      withSignal(input.retry, follow.signal),
    );
  } catch (error) {
    if (error instanceof RetryInterrupted) {
      // Never accepted by AWS: recorded as stopped, and the stack set is still there to delete.
      if (row !== undefined) store?.updateStackSetOperation(row, 'STOPPED', error.message);
      return { stackSetName: name, outcome: 'cancelled', stages: results, remaining: [], runKey };
    }
    // Deleted by an earlier run that was stopped before recording it.
    if (awsErrorName(error) !== 'StackSetNotFoundException') {
      if (row !== undefined) store?.updateStackSetOperation(row, 'FAILED', errorText(error));
      throw error;
    }
  }
  if (row !== undefined) store?.updateStackSetOperation(row, 'SUCCEEDED');
  emit({ kind: 'stack-set-deleted', stackSetName: name });
  return { stackSetName: name, outcome: 'deleted', stages: results, remaining: [], runKey };
}

/** The instances AWS still lists, with their status and reason. */
async function remainingOf(input: DestroyStackSetInput): Promise<StackSetDestroyResult['remaining']> {
  const now = await observeStackSet(input.cf, { stackSetName: input.stackSetName, callAs: input.callAs });
  return now.instances.map((i) => ({
    account: i.account,
    region: i.region,
    ...(i.status || i.detailedStatus ? { status: i.status ?? i.detailedStatus } : {}),
    ...(i.statusReason ? { reason: i.statusReason } : {}),
  }));
}
