/**
 * The stack set engine against AWS (issue 16): observe a stack set and its stack instances, and
 * apply a `StackSetPlan` stage by stage.
 *
 * Each stage is one or more stack set operations (UpdateStackSet scoped to the stage's targets when
 * the template or the stack set's parameters change, CreateStackInstances for new instances,
 * UpdateStackInstances for the rest), each followed to its end by DescribeStackSetOperation within
 * the time bounds, never assumed synchronous; each instance's status and StatusReason are read from
 * ListStackSetOperationResults (ListStackInstances when it has none) into the status store. A
 * stage whose operation FAILED stops the rollout: later stages are not touched.
 *
 * OperationIds are derived from the desired state (`runKey`), the stage, the kind of operation and
 * the attempt: a run interrupted after issuing an operation sends the same OperationId again and
 * AWS answers OperationIdAlreadyExistsException, so the operation is followed, not repeated; an
 * operation the store shows SUCCEEDED for the same run is not reissued.
 */
import {
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackInstanceCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import {
  awsErrorName,
  RetryInterrupted,
  stackSetOperationInProgressRetry,
  withRetries,
  type RetryHooks,
} from '../aws/retry.js';
import {
  failedStackInstanceStatuses,
  notAttemptedStackInstanceStatuses,
  terminalStackSetOperationStatuses,
} from '../facts/enums.js';
import { stackSetLimits } from '../facts/limits.js';
import type {
  StackInstanceObservation,
  StartStackSetOperationInput,
  StackSetOperationKind,
  StackSetOperationRecordStatus,
  StatusStore,
} from '../state/store.js';
import { pages } from '../org/discover.js';
import { sha256Hex } from './records.js';
import {
  planStackSet,
  type ObservedInstance,
  type ObservedStackSet,
  type Parameter,
  type StackSetPlan,
  type StackSetPlanInput,
  type StagePlan,
} from './stackset-plan.js';
import { sleep } from '../util/sleep.js';

export type CloudFormationSender = Pick<CloudFormationClient, 'send'>;

/** packsmith's bound on the attempts of one stage's operation within one rollout. */
const maxAttempts = 100;

export const instanceKey = (account: string, region: string) => `${account}/${region}`;

/**
 * DescribeStackSet and every stack instance (ListStackInstances, paginated; one row per account
 * and Region), plus the ParameterOverrides of one instance per stage and Region (DescribeStackInstance):
 * packsmith gives a stage's instances the same overrides, so one sample tells whether they changed.
 */
export async function observeStackSet(
  cf: CloudFormationSender,
  input: {
    stackSetName: string;
    callAs: 'SELF' | 'DELEGATED_ADMIN';
    samples?: ReadonlyArray<readonly string[]>;
  },
): Promise<ObservedStackSet> {
  const { stackSetName: name, callAs } = input;
  let described;
  try {
    described = await cf.send(new DescribeStackSetCommand({ StackSetName: name, CallAs: callAs }));
  } catch (error) {
    if (awsErrorName(error) === 'StackSetNotFoundException')
      return { name, exists: false, parameters: [], instances: [], overrides: new Map() };
    throw error;
  }
  const stackSet = described.StackSet;
  if (stackSet?.Status === 'DELETED')
    return { name, exists: false, parameters: [], instances: [], overrides: new Map() };
  const instances = await listInstances(cf, name, callAs);
  const overrides = new Map<string, Parameter[]>();
  const present = new Set(instances.map((i) => instanceKey(i.account, i.region)));
  // One sample per stage and Region: the first of its instances that exists.
  for (const group of input.samples ?? []) {
    const found = group.find((k) => present.has(k));
    if (!found) continue;
    const [account, region] = found.split('/') as [string, string];
    const d = await cf.send(
      new DescribeStackInstanceCommand({
        StackSetName: name,
        StackInstanceAccount: account,
        StackInstanceRegion: region,
        CallAs: callAs,
      }),
    );
    overrides.set(found, parameters(d.StackInstance?.ParameterOverrides));
  }
  return {
    name,
    exists: true,
    ...(stackSet?.StackSetId ? { stackSetId: stackSet.StackSetId } : {}),
    templateBody: stackSet?.TemplateBody,
    parameters: parameters(stackSet?.Parameters),
    instances,
    overrides,
  };
}

const parameters = (list: ReadonlyArray<{ ParameterKey?: string; ParameterValue?: string }> | undefined) =>
  (list ?? []).flatMap((p) =>
    p.ParameterKey !== undefined
      ? [{ ParameterKey: p.ParameterKey, ParameterValue: p.ParameterValue ?? '' }]
      : [],
  );

export async function listInstances(
  cf: CloudFormationSender,
  name: string,
  callAs: 'SELF' | 'DELEGATED_ADMIN',
): Promise<ObservedInstance[]> {
  const byKey = new Map<string, ObservedInstance>();
  const summaries = await pages(`ListStackInstances ${name}`, async (token) => {
    const r = await cf.send(
      new ListStackInstancesCommand({
        StackSetName: name,
        CallAs: callAs,
        NextToken: token,
        MaxResults: 100,
      }),
    );
    return { items: r.Summaries ?? [], next: r.NextToken };
  });
  for (const s of summaries) {
    if (!s.Account || !s.Region) continue;
    // One row per account and Region, the last listed winning.
    byKey.set(instanceKey(s.Account, s.Region), {
      account: s.Account,
      region: s.Region,
      ...(s.Status ? { status: s.Status } : {}),
      ...(s.StackInstanceStatus?.DetailedStatus
        ? { detailedStatus: s.StackInstanceStatus.DetailedStatus }
        : {}),
      ...(s.StatusReason ? { statusReason: s.StatusReason } : {}),
    });
  }
  return [...byKey.values()].sort((a, b) =>
    a.account === b.account ? (a.region < b.region ? -1 : 1) : a.account < b.account ? -1 : 1,
  );
}

/** The instances a stage's plan samples for overrides: per Region, its accounts. */
export function overrideSamples(
  stages: ReadonlyArray<Pick<StagePlan, 'accounts'>>,
  regions: readonly string[],
) {
  return stages.flatMap((s) => regions.map((r) => s.accounts.map((a) => instanceKey(a, r))));
}

/** The key of a rollout: the same desired state (template, parameters, stages) gives the same key. */
export function runKeyOf(
  plan: Pick<StackSetPlan, 'stackSetName' | 'templateBody' | 'parameters' | 'stages'>,
): string {
  const stages = plan.stages.map((s) => ({
    name: s.name,
    targets: s.targets,
    overrides: s.overrides,
    preferences: s.preferences,
  }));
  return sha256Hex(
    JSON.stringify([plan.stackSetName, sha256Hex(plan.templateBody), plan.parameters, stages]),
  ).slice(0, 16);
}

/**
 * One stack set's plan against what AWS shows now: the stages' accounts first (to know which
 * instances to sample for their overrides), then the plan against the observed stack set.
 */
export async function planAgainstAws(
  cf: CloudFormationSender,
  input: Omit<StackSetPlanInput, 'observed'>,
): Promise<StackSetPlan> {
  const empty: ObservedStackSet = {
    name: '',
    exists: false,
    parameters: [],
    instances: [],
    overrides: new Map(),
  };
  const draft = planStackSet({ ...input, observed: empty });
  const observed = await observeStackSet(cf, {
    stackSetName: draft.stackSetName,
    callAs: draft.callAs,
    samples: overrideSamples(draft.stages, input.config.regions),
  });
  return planStackSet({ ...input, observed });
}

/** The OperationId of one stage's operation: deterministic, so AWS dedupes a repeated call. */
export function operationIdOf(
  runKey: string,
  stageIndex: number,
  kind: StackSetOperationKind,
  attempt: number,
): string {
  const id = `packsmith-${runKey}-s${stageIndex}-${kind}-a${attempt}`;
  return id.slice(0, stackSetLimits.operationIdLength);
}

export interface FollowSettings {
  intervalMs: number;
  timeoutMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  signal?: AbortSignal;
}

export type StackSetEvent =
  | { kind: 'stack-set-created'; stackSetName: string }
  /** `destroy`: DeleteStackSet once no instance remained. */
  | { kind: 'stack-set-deleted'; stackSetName: string }
  | {
      kind: 'operation';
      stage: string;
      operation: StackSetOperationKind;
      operationId: string;
      reused: boolean;
    }
  | { kind: 'operation-status'; stage: string; operationId: string; status: string }
  | { kind: 'skipped'; stage: string; operation: StackSetOperationKind; operationId: string };

export interface StageResult {
  stage: string;
  action: StagePlan['action'];
  operations: Array<{
    kind: StackSetOperationKind;
    operationId: string;
    status: StackSetOperationRecordStatus;
  }>;
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'unchanged' | 'not-started';
  /** Instances of the stage that failed, with AWS's reason. */
  failures: Array<{ account: string; region: string; status: string; reason?: string }>;
  /** Instances the operation never reached (CANCELLED: it stopped before them): not failures. */
  notAttempted: Array<{ account: string; region: string }>;
}

export interface StackSetApplyResult {
  stackSetName: string;
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'cancelled';
  stages: StageResult[];
  runKey: string;
}

export interface ApplyStackSetInput {
  cf: CloudFormationSender;
  plan: StackSetPlan;
  callerAccount: string;
  store?: StatusStore;
  follow: FollowSettings;
  /** Skip operations the store shows SUCCEEDED for this run; reissue (same id) those not finished. */
  resume?: boolean;
  /** Waits of the OperationInProgressException retries (tests make them instant). */
  retry?: RetryHooks;
  onEvent?: (event: StackSetEvent) => void;
}

export async function applyStackSet(input: ApplyStackSetInput): Promise<StackSetApplyResult> {
  const { cf, plan, store, follow } = input;
  const emit = input.onEvent ?? (() => undefined);
  const runKey = runKeyOf(plan);
  const callAs = plan.callAs;
  const name = plan.stackSetName;
  const previous = store?.stackSetOperations({ pack: plan.pack, runKey }) ?? [];

  if (plan.stackSet === 'create') {
    try {
      await cf.send(
        new CreateStackSetCommand({
          StackSetName: name,
          TemplateBody: plan.templateBody,
          Parameters: plan.parameters,
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: plan.autoDeployment,
          ...(plan.capabilities ? { Capabilities: plan.capabilities } : {}),
          CallAs: callAs,
          ClientRequestToken: `packsmith-${runKey}-create`,
          Description: `packsmith: conformance pack ${plan.pack}`,
        }),
      );
      emit({ kind: 'stack-set-created', stackSetName: name });
    } catch (error) {
      // Created by an earlier, interrupted run of the same rollout.
      if (awsErrorName(error) !== 'NameAlreadyExistsException') throw error;
    }
  }

  const results: StageResult[] = [];
  let stackSetPending = plan.stackSet === 'update';
  let stopped: StackSetApplyResult['outcome'] | undefined;
  for (const stage of plan.stages) {
    if (stopped) {
      results.push({
        stage: stage.name,
        action: stage.action,
        operations: [],
        outcome: 'not-started',
        failures: [],
        notAttempted: [],
      });
      continue;
    }
    // Each operation with the instances (`account/region`) it reaches: those are read after it ends.
    const ops: Array<{
      kind: StackSetOperationKind;
      reaches: readonly string[];
      send: (operationId: string) => Promise<string | undefined>;
    }> = [];
    const regionsWith = (keys: readonly string[]) =>
      plan.regions.filter((r) => keys.some((k) => k.endsWith(`/${r}`)));
    const overrides = stage.overrides.length ? { ParameterOverrides: stage.overrides } : {};
    const common = { StackSetName: name, CallAs: callAs, OperationPreferences: stage.preferences };
    if (stackSetPending && (stage.update.length || stage.create.length)) {
      // The template (or the stack set's parameters) reaches this stage's instances first; a stage
      // that only creates instances gets the new template for them (before CreateStackInstances,
      // which deploys the stack set's current template). Scoped to the stage, so instances of
      // later stages keep the old template until their turn.
      stackSetPending = false;
      ops.push({
        kind: 'update-stack-set',
        // The stage's existing instances (all are in `update` when the stack set changes); scoped
        // to Regions where the stage creates only, it reaches none.
        reaches: stage.update,
        send: async (operationId) =>
          (
            await cf.send(
              new UpdateStackSetCommand({
                ...common,
                TemplateBody: plan.templateBody,
                Parameters: plan.parameters,
                PermissionModel: 'SERVICE_MANAGED',
                AutoDeployment: plan.autoDeployment,
                ...(plan.capabilities ? { Capabilities: plan.capabilities } : {}),
                DeploymentTargets: stage.targets,
                Regions: stage.update.length ? regionsWith(stage.update) : stage.createRegions,
                OperationId: operationId,
              }),
            )
          ).OperationId,
      });
    }
    if (stage.create.length) {
      ops.push({
        kind: 'create-instances',
        reaches: stage.create,
        send: async (operationId) =>
          (
            await cf.send(
              new CreateStackInstancesCommand({
                ...common,
                ...overrides,
                DeploymentTargets: stage.targets,
                Regions: stage.createRegions,
                OperationId: operationId,
              }),
            )
          ).OperationId,
      });
    }
    if (stage.update.length && (ops.every((o) => o.kind !== 'update-stack-set') || stage.overrides.length)) {
      ops.push({
        kind: 'update-instances',
        reaches: stage.update,
        send: async (operationId) =>
          (
            await cf.send(
              new UpdateStackInstancesCommand({
                ...common,
                ...overrides,
                DeploymentTargets: stage.targets,
                Regions: regionsWith(stage.update),
                OperationId: operationId,
              }),
            )
          ).OperationId,
      });
    }
    const result: StageResult = {
      stage: stage.name,
      action: stage.action,
      operations: [],
      outcome: ops.length ? 'succeeded' : 'unchanged',
      failures: [],
      notAttempted: [],
    };
    results.push(result);
    for (const op of ops) {
      // After a signal no operation is issued: the stage (and the rollout) stops here, for --resume.
      if (follow.signal?.aborted) {
        result.outcome = 'cancelled';
        stopped = 'cancelled';
        break;
      }
      const earlier = previous.filter((p) => p.stageIndex === stage.index && p.kind === op.kind);
      const last = earlier[0];
      if (input.resume && last?.status === 'SUCCEEDED') {
        emit({ kind: 'skipped', stage: stage.name, operation: op.kind, operationId: last.operationId });
        result.operations.push({ kind: op.kind, operationId: last.operationId, status: 'SUCCEEDED' });
        continue;
      }
      // A failed or stopped attempt is retried under a new id; an unfinished one under its own.
      const unfinished = last && !['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMED_OUT'].includes(last.status);
      const issued = await issueOperation({
        cf,
        store,
        retry: withSignal(input.retry, input.follow.signal),
        record: {
          pack: plan.pack,
          stackSetName: name,
          runKey,
          stage: stage.name,
          stageIndex: stage.index,
          kind: op.kind,
          callerAccount: input.callerAccount,
        },
        callAs,
        attempt: last ? (unfinished ? last.attempt : last.attempt + 1) : 1,
        send: op.send,
        // Issued before: followed, unless it already ended without success.
        nextAttemptAfter: (status) => status === 'FAILED' || status === 'STOPPED',
      }).catch(interruptedToUndefined);
      if (!issued) {
        result.outcome = 'cancelled';
        stopped = 'cancelled';
        break;
      }
      const { operationId: followed, row, reused } = issued;
      emit({ kind: 'operation', stage: stage.name, operation: op.kind, operationId: followed, reused });
      if (row !== undefined) store?.updateStackSetOperation(row, 'RUNNING');
      const end = await followOperation(
        cf,
        { stackSetName: name, callAs, operationId: followed },
        follow,
        (status) => emit({ kind: 'operation-status', stage: stage.name, operationId: followed, status }),
      );
      const instances = await operationInstances(cf, name, callAs, followed, op.reaches);
      if (row !== undefined) {
        store?.recordStackInstances(row, instances);
        // Cancelled here, the operation goes on in AWS: its row stays RUNNING, for --resume to follow.
        if (end.status !== 'CANCELLED') store?.updateStackSetOperation(row, end.status, end.reason ?? null);
      }
      result.operations.push({
        kind: op.kind,
        operationId: followed,
        status: end.status === 'CANCELLED' ? 'RUNNING' : end.status,
      });
      for (const i of instances) {
        if (
          i.detailedStatus &&
          (notAttemptedStackInstanceStatuses as readonly string[]).includes(i.detailedStatus)
        ) {
          result.notAttempted.push({ account: i.accountId, region: i.region });
        } else if (
          i.detailedStatus &&
          (failedStackInstanceStatuses as readonly string[]).includes(i.detailedStatus)
        ) {
          result.failures.push({
            account: i.accountId,
            region: i.region,
            status: i.detailedStatus,
            ...(i.statusReason ? { reason: i.statusReason } : {}),
          });
        }
      }
      if (end.status !== 'SUCCEEDED') {
        result.outcome =
          end.status === 'TIMED_OUT' ? 'timed-out' : end.status === 'CANCELLED' ? 'cancelled' : 'failed';
        stopped = result.outcome as StackSetApplyResult['outcome'];
        break;
      }
    }
  }
  return { stackSetName: name, outcome: stopped ?? 'succeeded', stages: results, runKey };
}

/** Undefined for a retry a signal stopped (the caller stops as cancelled); any other error is thrown. */
export function interruptedToUndefined(error: unknown): undefined {
  if (error instanceof RetryInterrupted) return undefined;
  throw error;
}

/** The retry hooks, stopped by `signal` too: a wait for another operation to end is not sat out after SIGINT. */
export function withSignal(retry: RetryHooks | undefined, signal: AbortSignal | undefined): RetryHooks {
  return { ...retry, ...(signal ? { signal } : {}) };
}

/** One stage's operation to issue under the id derived for each attempt (see `issueOperation`). */
export interface IssueOperationInput {
  cf: CloudFormationSender;
  store?: StatusStore;
  retry?: RetryHooks;
  /** What the store records for it, but the id and the attempt. */
  record: Omit<StartStackSetOperationInput, 'operationId' | 'attempt'>;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** The first attempt to try. */
  attempt: number;
  /** Sends the operation under `operationId`; resolves to the id AWS answers with, if any. */
  send: (operationId: string) => Promise<string | undefined>;
  /** Whether an operation AWS already has under the id, ended with `status`, calls for the next attempt (else it is followed). */
  nextAttemptAfter: (status: string | undefined) => boolean;
}

/**
 * Issues one stage's operation under its derived id, recorded before it is sent. An id AWS already
 * has (a killed run, or a run on another machine whose store this one lacks) is followed rather than
 * reissued, unless it ended in a way `nextAttemptAfter` says to retry: then the next attempt's id.
 * At most `maxAttempts`; an error other than OperationIdAlreadyExists is recorded and thrown.
 */
export async function issueOperation(
  input: IssueOperationInput,
): Promise<{ operationId: string; row: number | undefined; reused: boolean }> {
  const { cf, store, record } = input;
  for (let attempt = input.attempt; ; attempt++) {
    if (attempt > maxAttempts)
      throw new Error(`stage ${record.stage}: ${maxAttempts} attempts of ${record.kind} already ended`);
    const operationId = operationIdOf(record.runKey, record.stageIndex, record.kind, attempt);
    const row = store?.startStackSetOperation({ ...record, operationId, attempt });
    try {
      // AWS uses the OperationId given; an endpoint that answers with another id is followed by that one.
      const answered = await withRetries(
        () => input.send(operationId),
        [stackSetOperationInProgressRetry],
        input.retry,
      );
      return { operationId: answered ?? operationId, row, reused: false };
    } catch (error) {
      if (awsErrorName(error) !== 'OperationIdAlreadyExistsException') {
        // Stopped by a signal before AWS accepted it: STOPPED, so --resume issues the next attempt.
        const status = error instanceof RetryInterrupted ? 'STOPPED' : 'FAILED';
        if (row !== undefined) store?.updateStackSetOperation(row, status, errorText(error));
        throw error;
      }
    }
    const status = (
      await cf.send(
        new DescribeStackSetOperationCommand({
          StackSetName: record.stackSetName,
          OperationId: operationId,
          CallAs: input.callAs,
        }),
      )
    ).StackSetOperation?.Status;
    if (!input.nextAttemptAfter(status)) return { operationId, row, reused: true };
    if (row !== undefined)
      store?.updateStackSetOperation(
        row,
        (status as StackSetOperationRecordStatus | undefined) ?? 'FAILED',
        'an earlier attempt',
      );
  }
}

export function errorText(error: unknown): string {
  return `${awsErrorName(error) ?? 'Error'}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Polls DescribeStackSetOperation until the operation ends, within `timeoutMs`. */
export async function followOperation(
  cf: CloudFormationSender,
  target: { stackSetName: string; callAs: 'SELF' | 'DELEGATED_ADMIN'; operationId: string },
  settings: FollowSettings,
  onStatus?: (status: string) => void,
): Promise<{ status: StackSetOperationRecordStatus | 'CANCELLED'; reason?: string }> {
  const pause = settings.sleep ?? sleep;
  const now = settings.now ?? (() => Date.now());
  const deadline = now() + settings.timeoutMs;
  let last: string | undefined;
  for (;;) {
    if (settings.signal?.aborted) return { status: 'CANCELLED' };
    const d = await cf.send(
      new DescribeStackSetOperationCommand({
        StackSetName: target.stackSetName,
        OperationId: target.operationId,
        CallAs: target.callAs,
      }),
    );
    const status = d.StackSetOperation?.Status;
    if (status && status !== last) {
      last = status;
      onStatus?.(status);
    }
    if (status && (terminalStackSetOperationStatuses as readonly string[]).includes(status)) {
      const reason = d.StackSetOperation?.StatusReason;
      return { status: status as StackSetOperationRecordStatus, ...(reason ? { reason } : {}) };
    }
    if (now() >= deadline) return { status: 'TIMED_OUT' };
    await pause(settings.intervalMs, settings.signal);
  }
}

/**
 * The instances an operation reaches (`reaches`, `account/region`), after it ended:
 * ListStackSetOperationResults (per account and Region, with StatusReason: ⌈results / 100⌉ pages),
 * completed by ListStackInstances only when it does not list some of them (an endpoint may list no
 * results at all). The stage's other instances are not read: an operation in one Region (a Region
 * added to the stage) or for a few new accounts reads its own results, not the whole stack set.
 */
export async function operationInstances(
  cf: CloudFormationSender,
  name: string,
  callAs: 'SELF' | 'DELEGATED_ADMIN',
  operationId: string,
  reaches: readonly string[],
): Promise<StackInstanceObservation[]> {
  if (reaches.length === 0) return [];
  const wanted = new Set(reaches);
  const byKey = new Map<string, StackInstanceObservation>();
  const results = await pages(`ListStackSetOperationResults ${operationId}`, async (token) => {
    const r = await cf.send(
      new ListStackSetOperationResultsCommand({
        StackSetName: name,
        OperationId: operationId,
        CallAs: callAs,
        NextToken: token,
        MaxResults: 100,
      }),
    );
    return { items: r.Summaries ?? [], next: r.NextToken };
  });
  for (const s of results) {
    if (!s.Account || !s.Region) continue;
    const k = instanceKey(s.Account, s.Region);
    if (!wanted.has(k)) continue;
    byKey.set(k, {
      accountId: s.Account,
      region: s.Region,
      status: s.Status ?? null,
      detailedStatus: s.Status ?? null,
      statusReason: s.StatusReason ?? null,
    });
  }
  if (byKey.size < wanted.size) {
    for (const i of await listInstances(cf, name, callAs)) {
      const k = instanceKey(i.account, i.region);
      if (!wanted.has(k) || byKey.has(k)) continue;
      byKey.set(k, {
        accountId: i.account,
        region: i.region,
        status: i.status ?? null,
        detailedStatus: i.detailedStatus ?? null,
        statusReason: i.statusReason ?? null,
      });
    }
  }
  return [...byKey.values()];
}
