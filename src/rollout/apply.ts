/**
 * Applying a plan in one Region: put (or delete) the org pack, write the deployment record, and
 * track every account to the end, recording each poll in the status store.
 *
 * Order matters for a killed process: the deployment row is started before the put (so the
 * history shows the attempt), and the deployment record is written right after the put is
 * accepted, before tracking, so that a machine that never saw this run still trusts it.
 */
import {
  DeleteOrganizationConformancePackCommand,
  DescribeOrganizationConformancePackStatusesCommand,
  PutOrganizationConformancePackCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import {
  awsErrorName,
  resourceInUseRetry,
  RetryInterrupted,
  trustedAccessPropagationRetry,
  withRetries,
  type RetryHooks,
} from '../aws/retry.js';
import type {
  AccountObservation,
  DeploymentOutcome,
  StartDeploymentInput,
  StatusStore,
} from '../state/store.js';
import { describePack } from './observe.js';
import type { ObservedRegion, PutRequest, TargetAccount } from './plan.js';
import { trackRollout, type PollSnapshot, type RolloutOutcome } from './poll.js';
import { newDeploymentRecord, stageTemplate, writeDeploymentRecord, type S3Sender } from './records.js';
import { createTracker, type AccountState, type StateCounts, type Tracker } from './tracker.js';
import { sleep } from '../util/sleep.js';

type ConfigSender = Pick<ConfigServiceClient, 'send'>;
type ObservedPack = NonNullable<ObservedRegion['pack']>;

export interface TrackingSettings {
  intervalMs: number;
  timeoutMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  signal?: AbortSignal;
  /**
   * Accounts of the organization that are not ACTIVE now, asked only when some targets were not
   * reported by the end: accounts closed during the rollout are not failures.
   */
  suspendedAccounts?: () => Promise<string[]>;
}

export interface RegionTarget {
  pack: string;
  orgPackName: string;
  region: string;
  bucket: string;
  /** The deploying account: owner of the template bucket, and the caller recorded. */
  owner: string;
}

export type RegionEvent =
  | {
      kind: 'staged';
      region: string;
      uri: string;
      uploaded: boolean;
      /** The object under the template's key did not match its hash and was replaced. */
      replaced: boolean;
      bucket: string;
      key: string;
    }
  | { kind: 'put'; region: string; since: Date }
  /** The put was accepted but Describe did not show it within the wait: its record is marked unconfirmed. */
  | { kind: 'unconfirmed'; region: string; attempts: number }
  | { kind: 'retry'; region: string; code: string; delayMs: number }
  | { kind: 'poll'; region: string; snapshot: PollSnapshot }
  /**
   * The local status store failed (locked, disk full, ...): the rollout goes on from AWS, this
   * Region's local history misses what could not be written. Sent once per put or delete.
   */
  | { kind: 'store-failed'; region: string; message: string; afterPut: boolean };

export interface RegionResult {
  region: string;
  operation: 'create' | 'update' | 'delete';
  outcome: RolloutOutcome | 'put-failed';
  /** When the put or delete itself failed: the AWS error. */
  error?: { code: string; message: string };
  deploymentId?: number;
  accounts: AccountState[];
  counts?: StateCounts;
  polls: number;
  requests: number;
  /** The local status store failed while recording this put (its first error): AWS was not at fault. */
  storeError?: string;
  /** Cancelled before the put (or delete) was sent: nothing changed in AWS. */
  notPut?: boolean;
}

/** Which wave of a rollout a put is. */
export interface WaveContext {
  rolloutId: string;
  name: string;
  index: number;
  total: number;
}

export interface ApplyRegionInput extends RegionTarget {
  config: ConfigSender;
  s3: S3Sender;
  operation: 'create' | 'update';
  /** `excludedAccounts` is this put's; `included` the accounts it follows. */
  desired: PutRequest;
  wave?: WaveContext;
  /** Accounts holding the pack already that this put does not follow (see tracker.ts). */
  untracked?: readonly string[];
  store?: StatusStore;
  tracking: TrackingSettings;
  retry?: RetryHooks;
  onEvent?: (event: RegionEvent) => void;
}

const targetsOf = (accounts: readonly TargetAccount[]) =>
  accounts.map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath }));

const outcomeForStore = (outcome: RegionResult['outcome']): DeploymentOutcome =>
  outcome === 'put-failed' ? 'failed' : outcome;

/**
 * The status store's row for one put or delete, finished with the outcome of its result. The store
 * is a local history, never the source of truth: a failure to write it (a lock held by another
 * process, a full disk, a damaged file) is reported once as a `store-failed` event and in the
 * result's `storeError`, and never stops the rollout or passes for an AWS error.
 */
function recordDeployment(
  store: StatusStore | undefined,
  start: StartDeploymentInput,
  emit: (event: RegionEvent) => void,
) {
  let storeError: string | undefined;
  let putAccepted = false;
  const attempt = <T>(write: (s: StatusStore) => T): T | undefined => {
    if (!store) return undefined;
    try {
      return write(store);
    } catch (error) {
      if (storeError === undefined) {
        storeError = error instanceof Error ? error.message : String(error);
        emit({ kind: 'store-failed', region: start.region, message: storeError, afterPut: putAccepted });
      }
      return undefined;
    }
  };
  const deploymentId = attempt((s) => s.startDeployment(start));
  return {
    deploymentId,
    /** The put (or delete) was accepted: later failures say so. */
    accepted() {
      putAccepted = true;
    },
    recorder:
      deploymentId === undefined
        ? undefined
        : {
            deploymentId,
            recordObservations: (d: number, o: readonly AccountObservation[], at?: Date) =>
              attempt((s) => s.recordObservations(d, o, at)),
          },
    finish(result: Omit<RegionResult, 'region' | 'operation' | 'deploymentId'>): RegionResult {
      if (deploymentId !== undefined)
        attempt((s) => s.finishDeployment(deploymentId, outcomeForStore(result.outcome)));
      return {
        region: start.region,
        operation: start.operation,
        ...(deploymentId !== undefined ? { deploymentId } : {}),
        ...result,
        ...(storeError !== undefined ? { storeError } : {}),
      };
    },
  };
}

type DeploymentRow = ReturnType<typeof recordDeployment>;

export interface FollowPutInput extends RegionTarget {
  config: ConfigSender;
  store?: StatusStore;
  tracking: TrackingSettings;
  onEvent?: (event: RegionEvent) => void;
  /** When AWS accepted the put (the pack's LastUpdateTime). */
  since: Date;
  /** What the deployment row records of the put. */
  desired: Pick<PutRequest, 'templateSha256' | 'parameters' | 'unavailableRules'>;
  excludedAccounts: readonly string[];
  /** Accounts to follow, and holders of the pack left alone. */
  followed: readonly TargetAccount[];
  untracked: readonly string[];
  wave?: WaveContext;
}

/**
 * Follows a put AWS accepted earlier (`deploy --resume`) without putting again, recorded like a
 * deploy in a deployment row of its own.
 */
export async function followAcceptedPut(input: FollowPutInput): Promise<RegionResult> {
  const emit = input.onEvent ?? (() => undefined);
  const row = recordDeployment(
    input.store,
    {
      pack: input.pack,
      orgPackName: input.orgPackName,
      region: input.region,
      operation: 'update',
      templateSha256: input.desired.templateSha256,
      parameters: input.desired.parameters,
      excludedAccounts: input.excludedAccounts.length,
      callerAccount: input.owner,
      ...(input.wave ? { wave: { name: input.wave.name, index: input.wave.index } } : {}),
      ...(input.desired.unavailableRules?.length ? { unavailableRules: input.desired.unavailableRules } : {}),
    },
    emit,
  );
  row.accepted();
  emit({ kind: 'put', region: input.region, since: input.since });
  const tracker = createTracker({
    operation: 'update',
    since: input.since,
    targets: targetsOf(input.followed),
    excluded: input.excludedAccounts,
    untracked: input.untracked,
  });
  return row.finish(await track(input, tracker, row));
}

function errorOf(error: unknown): { code: string; message: string } {
  return {
    code: awsErrorName(error) ?? 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Put the pack in one Region and follow it to the end. Never throws for an AWS refusal of the put. */
export async function applyRegion(input: ApplyRegionInput): Promise<RegionResult> {
  const { config, s3, desired, store, region, orgPackName } = input;
  const emit = input.onEvent ?? (() => undefined);
  const staged = await stageTemplate(s3, {
    bucket: input.bucket,
    owner: input.owner,
    orgPackName,
    body: desired.templateBody,
  });
  emit({
    kind: 'staged',
    region,
    uri: staged.uri,
    uploaded: staged.uploaded,
    replaced: staged.replaced,
    bucket: input.bucket,
    key: staged.key,
  });
  // Cancelled while staging: the put is not made.
  if (input.tracking.signal?.aborted) return notPut(input.region, input.operation);

  const row = recordDeployment(
    store,
    {
      pack: input.pack,
      orgPackName,
      region,
      operation: input.operation,
      templateSha256: desired.templateSha256,
      parameters: desired.parameters,
      excludedAccounts: desired.excludedAccounts.length,
      callerAccount: input.owner,
      ...(input.wave ? { wave: { name: input.wave.name, index: input.wave.index } } : {}),
      ...(desired.unavailableRules?.length ? { unavailableRules: desired.unavailableRules } : {}),
    },
    emit,
  );

  // What Describe shows before the put: the put is confirmed once it shows a later LastUpdateTime.
  const before = await describePack(config, orgPackName).catch(() => undefined);
  const localPutTime = new Date();
  try {
    await withRetries(
      () =>
        config.send(
          new PutOrganizationConformancePackCommand({
            OrganizationConformancePackName: orgPackName,
            TemplateS3Uri: staged.uri,
            ConformancePackInputParameters: Object.entries(desired.parameters).map(
              ([ParameterName, ParameterValue]) => ({
                ParameterName,
                ParameterValue,
              }),
            ),
            ExcludedAccounts: desired.excludedAccounts,
            ...(desired.deliveryBucket ? { DeliveryS3Bucket: desired.deliveryBucket } : {}),
            ...(desired.deliveryKeyPrefix ? { DeliveryS3KeyPrefix: desired.deliveryKeyPrefix } : {}),
          }),
        ),
      [resourceInUseRetry, trustedAccessPropagationRetry],
      retryHooks(input, emit),
    );
  } catch (error) {
    if (error instanceof RetryInterrupted)
      return row.finish({ outcome: 'cancelled', accounts: [], polls: 0, requests: 0, notPut: true });
    return row.finish({ outcome: 'put-failed', error: errorOf(error), accounts: [], polls: 0, requests: 0 });
  }
  row.accepted();

  const confirmed = await confirmPut(config, orgPackName, before, input.tracking);
  // AWS's own time for "after this put" when it gives it (second precision; see tracker.ts).
  const since = confirmed.lastUpdateTime ?? localPutTime;
  if (!confirmed.lastUpdateTime) emit({ kind: 'unconfirmed', region, attempts: confirmed.attempts });
  emit({ kind: 'put', region, since });
  await writeDeploymentRecord(s3, {
    bucket: input.bucket,
    owner: input.owner,
    record: newDeploymentRecord({
      pack: input.pack,
      orgPackName,
      region,
      operation: input.operation,
      templateSha256: desired.templateSha256,
      templateKey: staged.key,
      parameters: desired.parameters,
      excludedAccounts: desired.excludedAccounts,
      ...(desired.deliveryBucket ? { deliveryBucket: desired.deliveryBucket } : {}),
      ...(desired.deliveryKeyPrefix ? { deliveryKeyPrefix: desired.deliveryKeyPrefix } : {}),
      ...(desired.unavailableRules?.length ? { unavailableRules: desired.unavailableRules } : {}),
      callerAccount: input.owner,
      packLastUpdateTime: confirmed.lastUpdateTime?.toISOString() ?? null,
      ...(confirmed.lastUpdateTime ? {} : { unconfirmedPutAt: localPutTime.toISOString() }),
      ...(input.wave
        ? {
            rollout: {
              id: input.wave.rolloutId,
              wave: input.wave.name,
              waveIndex: input.wave.index,
              waves: input.wave.total,
              state: 'running' as const,
            },
          }
        : {}),
    }),
  });

  const tracker = createTracker({
    operation: input.operation,
    since,
    targets: targetsOf(desired.included),
    excluded: desired.excludedAccounts,
    ...(input.untracked ? { untracked: input.untracked } : {}),
  });
  return row.finish(await track(input, tracker, row));
}

/** A put that was not made: cancelled before it, nothing recorded. */
function notPut(region: string, operation: RegionResult['operation']): RegionResult {
  return { region, operation, outcome: 'cancelled', accounts: [], polls: 0, requests: 0, notPut: true };
}

async function track(
  input: {
    config: ConfigSender;
    orgPackName: string;
    region: string;
    store?: StatusStore;
    tracking: TrackingSettings;
    onEvent?: (e: RegionEvent) => void;
  },
  tracker: Tracker,
  row: DeploymentRow,
): Promise<Omit<RegionResult, 'region' | 'operation' | 'deploymentId'>> {
  const tracked = await trackRollout({
    config: input.config,
    orgPackName: input.orgPackName,
    tracker,
    ...(row.recorder ? { store: row.recorder } : {}),
    intervalMs: input.tracking.intervalMs,
    timeoutMs: input.tracking.timeoutMs,
    ...(input.tracking.sleep ? { sleep: input.tracking.sleep } : {}),
    ...(input.tracking.now ? { now: input.tracking.now } : {}),
    ...(input.tracking.signal ? { signal: input.tracking.signal } : {}),
    onPoll: (snapshot) => input.onEvent?.({ kind: 'poll', region: input.region, snapshot }),
  });
  let outcome = tracked.outcome;
  if (tracker.counts()['not-reported'] > 0 && input.tracking.suspendedAccounts) {
    const inactive = await input.tracking.suspendedAccounts().catch(() => []);
    tracker.markSuspended(inactive);
    if (outcome === 'timed-out' && tracker.counts()['not-reported'] === 0) {
      outcome = tracker.counts().failed > 0 ? 'failed' : 'succeeded';
    }
  }
  return {
    outcome,
    accounts: tracker.accounts(),
    counts: tracker.counts(),
    polls: tracked.polls,
    requests: tracked.requests,
  };
}

export interface DestroyRegionInput extends RegionTarget {
  config: ConfigSender;
  s3: S3Sender;
  /** Accounts that hold the pack now (from its detailed status), with names when known. */
  holders: ReadonlyArray<{ id: string; name: string; ouPath: string }>;
  store?: StatusStore;
  tracking: TrackingSettings;
  retry?: RetryHooks;
  onEvent?: (event: RegionEvent) => void;
}

/** Delete the pack in one Region and follow every account's deletion to the end. */
export async function destroyRegion(input: DestroyRegionInput): Promise<RegionResult> {
  const { config, s3, store, region, orgPackName } = input;
  const emit = input.onEvent ?? (() => undefined);
  if (input.tracking.signal?.aborted) return notPut(region, 'delete');
  const row = recordDeployment(
    store,
    {
      pack: input.pack,
      orgPackName,
      region,
      operation: 'delete',
      templateSha256: null,
      parameters: {},
      excludedAccounts: 0,
      callerAccount: input.owner,
    },
    emit,
  );
  const localDeleteTime = new Date();
  try {
    await withRetries(
      () =>
        config.send(
          new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: orgPackName }),
        ),
      [resourceInUseRetry],
      retryHooks(input, emit),
    );
  } catch (error) {
    if (error instanceof RetryInterrupted)
      return row.finish({ outcome: 'cancelled', accounts: [], polls: 0, requests: 0, notPut: true });
    return row.finish({ outcome: 'put-failed', error: errorOf(error), accounts: [], polls: 0, requests: 0 });
  }
  row.accepted();
  const since = (await aggregateTime(config, orgPackName)) ?? localDeleteTime;
  emit({ kind: 'put', region, since });
  // The record says "deleted": plan then sees neither a pack nor a record to trust, and a later
  // rollback knows the pack had been removed.
  await writeDeploymentRecord(s3, {
    bucket: input.bucket,
    owner: input.owner,
    record: newDeploymentRecord({
      pack: input.pack,
      orgPackName,
      region,
      operation: 'delete',
      templateSha256: null,
      templateKey: null,
      parameters: {},
      excludedAccounts: [],
      callerAccount: input.owner,
      packLastUpdateTime: null,
    }),
  });
  const tracker = createTracker({ operation: 'delete', since, targets: input.holders, excluded: [] });
  return row.finish(await track(input, tracker, row));
}

/**
 * Waits after each Describe that does not show the put yet: 0.5 + 1 + 2 + 4 + 8 s, at most 15.5 s
 * in all. AWS documents that the organization conformance pack APIs are eventually consistent but
 * gives no figure (aws-config-facts.md §2.4: Terraform "tolerates up to 10 'not found' reads right
 * after create"); a put still invisible after this is recorded as unconfirmed, never as confirmed.
 */
export const putVisibilityDelaysMs: readonly number[] = [500, 1000, 2000, 4000, 8000];

/**
 * Describes the pack until it shows the put just accepted: a LastUpdateTime later (to the second)
 * than the one seen before the put, or, for a pack that was not visible before, any. Bounded by
 * `putVisibilityDelaysMs`; without confirmation, `lastUpdateTime` is undefined.
 */
export async function confirmPut(
  config: ConfigSender,
  orgPackName: string,
  before: ObservedPack | undefined,
  settings: Pick<TrackingSettings, 'sleep' | 'signal'> & { delaysMs?: readonly number[] },
): Promise<{ lastUpdateTime?: Date; attempts: number }> {
  const delays = settings.delaysMs ?? putVisibilityDelaysMs;
  const pause = settings.sleep ?? sleep;
  const beforeSecond = before?.lastUpdateTime
    ? Math.floor(before.lastUpdateTime.getTime() / 1000)
    : undefined;
  for (let attempt = 1; ; attempt++) {
    const now = await describePack(config, orgPackName).catch(() => undefined);
    const time = now?.lastUpdateTime;
    if (time && (beforeSecond === undefined || Math.floor(time.getTime() / 1000) > beforeSecond))
      return { lastUpdateTime: time, attempts: attempt };
    const delay = delays[attempt - 1];
    if (delay === undefined || settings.signal?.aborted) return { attempts: attempt };
    await pause(delay, settings.signal);
  }
}

/** The aggregate status's LastUpdateTime: AWS's time of the delete just accepted. */
async function aggregateTime(config: ConfigSender, orgPackName: string): Promise<Date | undefined> {
  try {
    const r = await config.send(
      new DescribeOrganizationConformancePackStatusesCommand({
        OrganizationConformancePackNames: [orgPackName],
      }),
    );
    return r.OrganizationConformancePackStatuses?.[0]?.LastUpdateTime;
  } catch {
    return undefined;
  }
}

/** packsmith's retry hooks for one Region's write: each wait is reported as a `retry` event. */
function retryHooks(
  input: { region: string; retry?: RetryHooks; tracking: Pick<TrackingSettings, 'signal'> },
  emit: (event: RegionEvent) => void,
): RetryHooks {
  return {
    ...input.retry,
    // A signal ends a wait for ResourceInUse (up to 5 minutes) at once: nothing was put.
    ...(input.tracking.signal ? { signal: input.tracking.signal } : {}),
    onRetry: (info) => {
      input.retry?.onRetry?.(info);
      emit({ kind: 'retry', region: input.region, code: info.code, delayMs: info.delayMs });
    },
  };
}
