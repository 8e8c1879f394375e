/**
 * A rollout in one Region: the pack's puts wave by wave (waves.ts), each followed to the end, with
 * a failure tolerance per wave. Beyond it the rollout stops before the next wave and leaves the
 * pack as it is, or with `rollback` puts back the previously deployed template and parameters
 * (from packsmith's deployment record), or deletes the pack when it had none before.
 *
 * Resuming (`deploy --resume`) needs nothing but AWS and the deployment record: the record names
 * the wave of the last put, the pack's ExcludedAccounts and LastUpdateTime say what that put was,
 * and the accounts' statuses say how far it got. A wave whose put was accepted is never put again
 * unless its accounts failed beyond its tolerance (then the put is retried, once the cause is
 * fixed).
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { RetryHooks } from '../aws/retry.js';
import type { StatusStore } from '../state/store.js';
import {
  applyRegion,
  destroyRegion,
  followAcceptedPut,
  type RegionEvent,
  type RegionResult,
  type RegionTarget,
  type TrackingSettings,
  type WaveContext,
} from './apply.js';
import type { PutRequest, TargetAccount } from './plan.js';
import type { OrgAccount } from '../org/discover.js';
import {
  newDeploymentRecord,
  readDeploymentRecord,
  sha256Hex,
  writeDeploymentRecord,
  type DeploymentRecord,
  type RolloutState,
  type S3Sender,
} from './records.js';

type ConfigSender = Pick<ConfigServiceClient, 'send'>;

/** A wave as planned: the accounts it adds and its put's ExcludedAccounts. */
export interface PlannedWave {
  name: string;
  index: number;
  implicit: boolean;
  accounts: string[];
  excludedAccounts: string[];
  allowedFailures: number;
  tolerance: number | string;
}

export type WaveEvent =
  | { kind: 'wave-start'; region: string; wave: string; index: number; total: number; accounts: number }
  | {
      kind: 'wave-end';
      region: string;
      wave: string;
      failed: number;
      allowed: number;
      /** The wave ended the rollout: beyond its tolerance, or its put failed (not an interruption). */
      stopped: boolean;
      /** Cancelled (Ctrl-C, SIGTERM) before its accounts finished; `inProgress` of them had not. */
      interrupted: boolean;
      inProgress: number;
    }
  | { kind: 'rollback'; region: string; to: 'previous' | 'none' };

export interface WaveOutcome {
  name: string;
  index: number;
  /** Accounts the wave adds. */
  accounts: number;
  result: RegionResult;
  /** Accounts of this wave that failed or were not reported. */
  failedInWave: string[];
  allowed: number;
  /** The wave's put was not repeated: its put was accepted before (resume). */
  resumed: boolean;
  /**
   * The rollout was cancelled while this wave's accounts were still rolling out: `failedInWave`
   * are the failures so far, not a verdict, and the wave is neither passed nor stopped by them.
   */
  interrupted: boolean;
  /** Accounts of the wave not finished when it ended (pending or in progress). */
  inProgress: number;
}

export type RolloutOutcome = 'succeeded' | 'stopped' | 'failed' | 'cancelled' | 'timed-out' | 'put-failed';

export interface RegionRolloutResult {
  region: string;
  outcome: RolloutOutcome;
  waves: WaveOutcome[];
  /** The wave that stopped the rollout. */
  stoppedAt?: { wave: string; failed: string[]; allowed: number };
  /** What `rollback` did. */
  rolledBack?: { to: 'previous' | 'none'; result: RegionResult };
  /** Without waves: the one put's result. */
  single?: RegionResult;
}

export interface RegionRolloutInput extends RegionTarget {
  config: ConfigSender;
  s3: S3Sender;
  store?: StatusStore;
  tracking: TrackingSettings;
  retry?: RetryHooks;
  onEvent?: (event: RegionEvent | WaveEvent) => void;
  /** Template, parameters and delivery settings; `included` every target account (names and OUs). */
  desired: PutRequest;
  /** Every account of the organization, for names of accounts outside the targets. */
  accounts: ReadonlyArray<TargetAccount & Pick<OrgAccount, 'status'>>;
  /** The waves still to put, in order (none: one put of `desired` as is). */
  waves: readonly PlannedWave[];
  /** Accounts holding the pack before this rollout (not excluded by its current put). */
  covered: readonly string[];
  /** The first put changes what covered accounts run (template, parameters, delivery): follow them too. */
  followCovered: boolean;
  /** Whether the pack exists in the Region (the first put then creates it). */
  exists: boolean;
  /** On a stop beyond tolerance: put back the record that was current before the rollout, or delete. */
  rollback?: { previous: DeploymentRecord | undefined };
  /** `deploy --resume`: the wave whose put was accepted before, to follow (and retry if it failed). */
  resume?: { wave: PlannedWave; since: Date; excludedAccounts: string[] };
}

export async function runRegionRollout(input: RegionRolloutInput): Promise<RegionRolloutResult> {
  const { region } = input;
  const emit = input.onEvent ?? (() => undefined);
  const byId = new Map(input.accounts.map((a) => [a.id, a]));
  const included = new Map(input.desired.included.map((a) => [a.id, a]));
  const accountOf = (id: string): TargetAccount =>
    included.get(id) ?? byId.get(id) ?? { id, name: '', ouPath: '' };
  const rolloutId = input.resume ? undefined : randomUUID();
  const waves: WaveOutcome[] = [];
  const covered = new Set(input.covered);
  let exists = input.exists;
  const total = input.waves.length + (input.resume ? 1 : 0);
  const result = (
    outcome: RolloutOutcome,
    extra: Partial<RegionRolloutResult> = {},
  ): RegionRolloutResult => ({
    region,
    outcome,
    waves,
    ...extra,
  });

  // No wave: a change of template or parameters only, for every covered account in one put.
  if (input.waves.length === 0 && !input.resume) {
    const r = await applyRegion({
      ...input,
      operation: exists ? 'update' : 'create',
      onEvent: emit,
    });
    return result(r.outcome === 'succeeded' ? 'succeeded' : r.outcome, { single: r });
  }

  const record = await readDeploymentRecord(input.s3, {
    bucket: input.bucket,
    owner: input.owner,
    orgPackName: input.orgPackName,
  }).catch(() => ({ record: undefined }));
  const id = rolloutId ?? record.record?.rollout?.id ?? randomUUID();
  const context = (wave: PlannedWave, index: number): WaveContext => ({
    rolloutId: id,
    name: wave.name,
    index: wave.index,
    total: Math.max(total, index + 1),
  });

  /** Puts (or, resuming, only follows) one wave and decides whether the rollout goes on. */
  const runWave = async (
    wave: PlannedWave,
    position: number,
    resumed?: { since: Date; excludedAccounts: string[] },
  ) => {
    const waveIds = new Set(wave.accounts);
    // The first put of an update also changes what the covered accounts run: follow them too.
    const followed = [
      ...wave.accounts,
      ...(position === 0 && input.followCovered && !resumed
        ? [...covered].filter((a) => !waveIds.has(a))
        : []),
    ];
    const followedIds = new Set(followed);
    const untracked = [...covered].filter((a) => !followedIds.has(a));
    emit({
      kind: 'wave-start',
      region,
      wave: wave.name,
      index: wave.index,
      total: context(wave, position).total,
      accounts: wave.accounts.length,
    });
    let r: RegionResult;
    if (resumed) {
      r = await followAcceptedPut({
        ...input,
        wave: context(wave, position),
        followed: followed.map(accountOf),
        untracked,
        since: resumed.since,
        excludedAccounts: resumed.excludedAccounts,
        onEvent: emit,
      });
    } else {
      r = await applyRegion({
        ...input,
        operation: exists ? 'update' : 'create',
        desired: {
          ...input.desired,
          excludedAccounts: wave.excludedAccounts,
          included: followed.map(accountOf),
        },
        wave: context(wave, position),
        untracked,
        onEvent: emit,
      });
      if (r.outcome !== 'put-failed') exists = true;
    }
    const inWave = r.accounts.filter((a) => waveIds.has(a.id));
    const failedInWave = inWave
      .filter((a) => a.state === 'failed' || a.state === 'not-reported')
      .map((a) => a.id);
    const interrupted = r.outcome === 'cancelled';
    const outcome: WaveOutcome = {
      name: wave.name,
      index: wave.index,
      accounts: wave.accounts.length,
      result: r,
      failedInWave,
      allowed: wave.allowedFailures,
      resumed: Boolean(resumed),
      interrupted,
      inProgress: inWave.filter((a) => a.state === 'pending' || a.state === 'in-progress').length,
    };
    waves.push(outcome);
    for (const a of wave.accounts) covered.add(a);
    const stopped =
      !interrupted && (r.outcome === 'put-failed' || failedInWave.length > wave.allowedFailures);
    emit({
      kind: 'wave-end',
      region,
      wave: wave.name,
      failed: failedInWave.length,
      allowed: wave.allowedFailures,
      stopped,
      interrupted,
      inProgress: outcome.inProgress,
    });
    return { outcome, stopped: stopped || interrupted };
  };

  const stop = async (wave: PlannedWave, o: WaveOutcome): Promise<RegionRolloutResult> => {
    const r = o.result;
    if (r.outcome === 'put-failed') return result('put-failed');
    if (r.outcome === 'cancelled') return result('cancelled');
    await setRolloutState(input, id, 'stopped', o.failedInWave);
    const stoppedAt = { wave: wave.name, failed: o.failedInWave, allowed: wave.allowedFailures };
    if (!input.rollback) return result('stopped', { stoppedAt });
    const rolledBack = await rollback(input, [...covered], emit);
    await setRolloutState(input, id, 'rolled-back', o.failedInWave);
    return result('stopped', { stoppedAt, rolledBack });
  };

  let position = 0;
  if (input.resume) {
    const { wave, since, excludedAccounts } = input.resume;
    let { outcome, stopped } = await runWave(wave, position, { since, excludedAccounts });
    if (stopped && outcome.result.outcome !== 'cancelled') {
      // Its accounts failed beyond tolerance: put the same wave again (the cause may be fixed).
      waves.pop();
      ({ outcome, stopped } = await runWave(wave, position));
    }
    if (stopped) return stop(wave, outcome);
    position += 1;
  }
  for (const wave of input.waves) {
    if (input.tracking.signal?.aborted) return result('cancelled');
    const { outcome, stopped } = await runWave(wave, position);
    if (stopped) return stop(wave, outcome);
    position += 1;
  }
  await setRolloutState(input, id, 'done');
  const last = waves[waves.length - 1]?.result.outcome;
  const anyFailed = waves.some((w) =>
    w.result.accounts.some((a) => a.state === 'failed' || a.state === 'not-reported'),
  );
  return result(last === 'timed-out' ? 'timed-out' : anyFailed ? 'failed' : 'succeeded');
}

/** Rewrites the current record with the rollout's new state (no new put: same LastUpdateTime). */
async function setRolloutState(
  input: Pick<RegionRolloutInput, 's3' | 'bucket' | 'owner' | 'orgPackName'>,
  rolloutId: string,
  state: RolloutState,
  failedAccounts?: string[],
): Promise<void> {
  const { record } = await readDeploymentRecord(input.s3, {
    bucket: input.bucket,
    owner: input.owner,
    orgPackName: input.orgPackName,
  });
  if (!record?.rollout || record.rollout.id !== rolloutId) return;
  const { schemaVersion: _s, packsmithVersion: _v, writtenAt: _w, ...fields } = record;
  await writeDeploymentRecord(input.s3, {
    bucket: input.bucket,
    owner: input.owner,
    record: newDeploymentRecord({
      ...fields,
      rollout: {
        ...record.rollout,
        state,
        ...(failedAccounts?.length ? { failedAccounts: failedAccounts.slice(0, 1000) } : {}),
      },
    }),
  });
}

/** Puts back the previous deployment (its staged template, parameters and exclusions), or deletes the pack. */
async function rollback(
  input: RegionRolloutInput,
  holders: string[],
  emit: (e: RegionEvent | WaveEvent) => void,
): Promise<RegionRolloutResult['rolledBack']> {
  const previous = input.rollback?.previous;
  if (!previous || previous.operation === 'delete' || !previous.templateKey || !previous.templateSha256) {
    emit({ kind: 'rollback', region: input.region, to: 'none' });
    const byId = new Map(input.accounts.map((a) => [a.id, a]));
    const result = await destroyRegion({
      ...input,
      holders: holders.map((id) => {
        const a = byId.get(id);
        return { id, name: a?.name ?? '', ouPath: a?.ouPath ?? '' };
      }),
      onEvent: emit,
    });
    return { to: 'none', result };
  }
  emit({ kind: 'rollback', region: input.region, to: 'previous' });
  const body = await readObject(input.s3, input.bucket, previous.templateKey, input.owner);
  if (sha256Hex(body) !== previous.templateSha256) {
    throw new Error(
      `the previous template s3://${input.bucket}/${previous.templateKey} does not match its recorded hash`,
    );
  }
  const excluded = new Set(previous.excludedAccounts);
  const result = await applyRegion({
    ...input,
    operation: 'update',
    desired: {
      templateBody: body,
      templateSha256: previous.templateSha256,
      parameters: previous.parameters,
      excludedAccounts: previous.excludedAccounts,
      included: input.accounts.filter((a) => a.status === 'ACTIVE' && !excluded.has(a.id)),
      ...(previous.deliveryBucket ? { deliveryBucket: previous.deliveryBucket } : {}),
      ...(previous.deliveryKeyPrefix ? { deliveryKeyPrefix: previous.deliveryKeyPrefix } : {}),
      ...(previous.unavailableRules ? { unavailableRules: previous.unavailableRules } : {}),
    },
    onEvent: emit,
  });
  return { to: 'previous', result };
}

async function readObject(s3: S3Sender, bucket: string, key: string, owner: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}
