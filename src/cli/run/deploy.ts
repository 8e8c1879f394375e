/**
 * `packsmith deploy`: preflight, plan, confirmation, lock, then per pack and Region: stage, put,
 * record, and follow every account to the end, with the status store recording each poll.
 */
import { CliError, UsageError } from '../errors.js';
import { processOutput, type Output } from '../output.js';
import type { DeployCommandOptions } from '../options.js';
import type { RegionResult } from '../../rollout/apply.js';
import { readDeploymentRecord } from '../../rollout/records.js';
import {
  runRegionRollout,
  type RegionRolloutInput,
  type RegionRolloutResult,
} from '../../rollout/rollout.js';
import { emptyCounts, type AccountState } from '../../rollout/tracker.js';
import { resolveWaves } from '../../rollout/waves.js';
import type { OrgTree } from '../../org/discover.js';
import { describePack } from '../../rollout/observe.js';
import type { DesiredPack } from '../../rollout/desired.js';
import { sameSecond } from '../../rollout/plan.js';
import { discoverOrganization } from '../../org/discover.js';
import type { PlanDocument } from '../../report/schemas/rollout.js';
import {
  bucketOf,
  checkPlanIsBuilt,
  desiredOf,
  formatPlan,
  makePlan,
  planPack,
  readPlanFile,
} from './planning.js';
import { formatFindings, preflightFindings } from './preflight.js';
import {
  desiredPacks,
  discover,
  loadCheckedRolloutContext,
  type loadRolloutContext,
  openStore,
  shownStatePath,
} from './rollout-context.js';
import {
  CancelledBeforeChange,
  confirm,
  holdingLock,
  interruptible,
  reportCancelledBeforeChange,
  stopIfSignalled,
  lockPack,
  lockWaitSeconds,
  progressFor,
  reportResults,
  trackingSettings,
  type PackRegionResult,
} from './rollout-runner.js';

export async function runDeploy(packs: string[], options: DeployCommandOptions): Promise<number> {
  const io = processOutput();
  const regionConcurrencyOption =
    options.regionConcurrency === undefined ? undefined : Number(options.regionConcurrency);
  if (
    regionConcurrencyOption !== undefined &&
    (!Number.isInteger(regionConcurrencyOption) || regionConcurrencyOption < 1)
  ) {
    throw new UsageError('--region-concurrency must be a positive integer');
  }
  const lockWait = lockWaitSeconds(options.lockWait);
  const { ctx, built } = await loadCheckedRolloutContext(packs, options, io);
  // From here on, every exit goes through the finally below: no signal handler is left behind.
  const stop = interruptible(io);
  const { controller, dispose } = stop;
  try {
    const tracking = trackingSettings(options, controller.signal);
    stopIfSignalled(stop);
    const tree = await discover(ctx);
    stopIfSignalled(stop);
    const desired = desiredPacks(ctx, built, tree, io);

    const findings = await preflightFindings(ctx, desired, tree);
    stopIfSignalled(stop);
    const blocking = findings.filter((f) => f.severity === 'error');
    if (findings.length > 0 && (blocking.length > 0 || options.format !== 'json'))
      io.err(formatFindings(findings, io));
    if (blocking.length > 0) throw new CliError('preflight failed: nothing was deployed');

    let plan: PlanDocument;
    if (options.plan) {
      if (options.resume)
        throw new UsageError('--resume continues from AWS and the deployment records: it takes no --plan');
      plan = readPlanFile(options.plan, ctx);
      await checkPlanIsCurrent(plan, ctx);
      await checkPlanIsBuilt(ctx, plan, desired, tree, io);
    } else {
      plan = await makePlan(ctx, desired, tree, io);
    }
    stopIfSignalled(stop);
    if (options.format !== 'json') io.err(formatPlan(plan, io));
    const modeOf = (r: PlannedRegion): 'run' | 'resume' | 'none' => {
      const open = r.rollout && (r.rollout.state === 'running' || r.rollout.state === 'stopped');
      if (options.resume) return open ? 'resume' : r.action === 'unchanged' ? 'none' : 'run';
      return r.action === 'unchanged' ? 'none' : 'run';
    };
    const blocked = options.resume
      ? []
      : plan.packs.flatMap((p) =>
          p.regions
            .filter((r) => r.rollout && (r.rollout.state === 'running' || r.rollout.state === 'stopped'))
            .map((r) => `${p.pack} in ${r.region}: ${rolloutSentence(r)}`),
        );
    if (blocked.length > 0) {
      throw new CliError(
        `a rollout in waves is not finished:\n  ${blocked.join('\n  ')}\ncontinue it with \`packsmith deploy --resume\` (after fixing the failed accounts)`,
      );
    }
    if (options.rollback) {
      const unknown = plan.packs.flatMap((p) =>
        p.regions
          .filter((r) => modeOf(r) !== 'none' && r.rollbackTo === 'unknown')
          .map((r) => `${p.pack} in ${r.region}`),
      );
      if (unknown.length > 0) {
        throw new CliError(
          `--rollback cannot restore ${unknown.join(', ')}: the deployed template is unknown (no trusted deployment record); deploy without --rollback`,
        );
      }
    }
    const work = plan.packs.flatMap((p) =>
      p.regions.filter((r) => modeOf(r) !== 'none').map((r) => ({ pack: p, region: r })),
    );
    const unchanged = plan.packs.flatMap((p) =>
      p.regions
        .filter((r) => modeOf(r) === 'none')
        .map((r) => ({ pack: p.pack, orgPackName: p.orgPackName, region: r.region })),
    );
    if (work.length === 0) {
      if (options.format !== 'json') {
        io.err(
          options.resume
            ? 'Nothing to resume: no rollout in waves is unfinished.'
            : 'Nothing to deploy: every pack is up to date.',
        );
      }
      return reportResults([], unchanged, options.format, io);
    }
    const verb = options.resume ? 'Resume' : 'Deploy';
    if (!(await confirm(`${verb} ${work.length} pack × Region change(s) as planned above?`, options.yes, io)))
      return 1;
    stopIfSignalled(stop);

    const store = openStore(ctx);
    const { progress, onEvent } = progressFor(options, shownStatePath(ctx));
    const results: PackRegionResult[] = [];
    // Accounts closed during a rollout are not failures: re-read the organization when some are missing.
    const suspendedNow = async () =>
      (await discoverOrganization(ctx.aws.organizations())).accounts
        .filter((a) => a.status !== 'ACTIVE')
        .map((a) => a.id);
    const regionConcurrency = regionConcurrencyOption ?? ctx.config.regionConcurrency ?? ctx.regions.length;
    try {
      for (const pack of plan.packs) {
        const regions = pack.regions.filter((r) => modeOf(r) !== 'none');
        if (regions.length === 0) continue;
        if (controller.signal.aborted) break;
        const lock = await lockPack(ctx, pack, options.resume ? 'deploy --resume' : 'deploy', lockWait, {
          io,
          store,
        });
        await holdingLock(lock, controller, io, async () => {
          const current = options.resume
            ? { work: [...regions], unchanged: [] }
            : await stillPlanned(ctx, pack, regions, options.plan ? undefined : desired, tree, io);
          for (const r of current.unchanged)
            unchanged.push({ pack: pack.pack, orgPackName: pack.orgPackName, region: r });
          const queue = [...current.work];
          const worker = async () => {
            for (let r = queue.shift(); r; r = queue.shift()) {
              if (controller.signal.aborted) break;
              const planned = r;
              const target = {
                pack: pack.pack,
                orgPackName: pack.orgPackName,
                region: planned.region,
                bucket: bucketOf(ctx, planned.region),
                owner: ctx.config.deployingAccount,
                config: ctx.aws.config(planned.region),
                s3: ctx.aws.s3(planned.region),
              };
              const result = await (async (): Promise<PackRegionResult> => {
                const resume =
                  modeOf(planned) === 'resume'
                    ? await resumePoint(ctx, pack, planned, desired, tree)
                    : undefined;
                const previous =
                  options.rollback && planned.rollbackTo === 'previous'
                    ? (
                        await readDeploymentRecord(target.s3, {
                          bucket: target.bucket,
                          owner: target.owner,
                          orgPackName: target.orgPackName,
                        })
                      ).record
                    : undefined;
                const rollout = await runRegionRollout({
                  ...target,
                  store,
                  tracking: { ...tracking, suspendedAccounts: suspendedNow },
                  onEvent: onEvent(pack.pack),
                  desired: desiredOf(planned),
                  accounts: tree.accounts,
                  waves: planned.waves,
                  covered: planned.covered,
                  followCovered: planned.followCovered,
                  exists: planned.action !== 'create',
                  ...(options.rollback ? { rollback: { previous } } : {}),
                  ...(resume ? { resume } : {}),
                });
                return { ...mergeRollout(rollout), pack: pack.pack, orgPackName: pack.orgPackName };
              })().catch((error: unknown): PackRegionResult => ({
                // One Region's unexpected failure does not lose the others' results.
                pack: pack.pack,
                orgPackName: pack.orgPackName,
                region: planned.region,
                operation: planned.action === 'create' ? 'create' : 'update',
                outcome: 'put-failed',
                error: {
                  code: (error as Error).name ?? 'Error',
                  message: (error as Error).message ?? String(error),
                },
                accounts: [],
                polls: 0,
                requests: 0,
              }));
              results.push(result);
            }
          };
          await Promise.all(Array.from({ length: Math.min(regionConcurrency, current.work.length) }, worker));
        });
      }
    } finally {
      progress.finish();
      store.close();
    }
    results.sort(
      (a, b) => a.pack.localeCompare(b.pack) || ctx.regions.indexOf(a.region) - ctx.regions.indexOf(b.region),
    );
    const signal = stop.received();
    if (signal && results.every((r) => r.notPut)) throw new CancelledBeforeChange(signal);
    return reportResults(results, unchanged, options.format, io, {
      ...(signal ? { interrupted: signal } : {}),
      statePath: shownStatePath(ctx),
      resumeWith: 'packsmith deploy --resume',
    });
  } catch (error) {
    if (error instanceof CancelledBeforeChange)
      return reportCancelledBeforeChange(error.signal, options.format, io);
    throw error;
  } finally {
    dispose();
    ctx.close();
  }
}

type PlannedPack = PlanDocument['packs'][number];
type PlannedRegion = PlannedPack['regions'][number];

/** Planned Regions of the pack whose org pack was put or deleted since the plan looked at it. */
async function movedSincePlan(
  ctx: ReturnType<typeof loadRolloutContext>,
  pack: PlannedPack,
  regions: readonly PlannedRegion[],
): Promise<Array<{ region: string; message: string }>> {
  const moved: Array<{ region: string; message: string }> = [];
  for (const r of regions) {
    const now = await describePack(ctx.aws.config(r.region), pack.orgPackName);
    const then = r.observedLastUpdateTime;
    if (then === null ? now !== undefined : !sameSecond(now?.lastUpdateTime, then)) {
      moved.push({
        region: r.region,
        message: `${pack.orgPackName} in ${r.region} changed since the plan was made (last update ${now?.lastUpdateTime?.toISOString() ?? 'deleted'}, planned against ${then ?? 'no pack'}): run \`packsmith plan\` again`,
      });
    }
  }
  return moved;
}

/** `deploy --plan`: refuse when a planned pack changed in AWS since the plan was made. */
async function checkPlanIsCurrent(
  plan: PlanDocument,
  ctx: ReturnType<typeof loadRolloutContext>,
): Promise<void> {
  for (const pack of plan.packs) {
    const regions = pack.regions.filter((r) => r.action !== 'unchanged');
    for (const r of regions) {
      if (!ctx.regions.includes(r.region)) {
        throw new UsageError(`the plan deploys to ${r.region}, which is not among the selected Regions`);
      }
    }
    const [moved] = await movedSincePlan(ctx, pack, regions);
    if (moved) throw new CliError(moved.message);
  }
}

/**
 * The plan was made before the lock was taken: another deploy may have put the pack while this
 * one planned or waited for the lock. A saved plan (no `desired`) is then refused; otherwise the
 * pack is planned again, so that a deploy that waited does not put again what is already there.
 */
async function stillPlanned(
  ctx: ReturnType<typeof loadRolloutContext>,
  pack: PlannedPack,
  regions: readonly PlannedRegion[],
  desired: readonly DesiredPack[] | undefined,
  tree: OrgTree,
  io: Output,
): Promise<{ work: PlannedRegion[]; unchanged: string[] }> {
  const moved = await movedSincePlan(ctx, pack, regions);
  if (moved.length === 0) return { work: [...regions], unchanged: [] };
  const wanted = desired?.find((d) => d.pack === pack.pack);
  if (!wanted) throw new CliError((moved[0] as { message: string }).message);
  const names = new Set(regions.map((r) => r.region));
  const fresh = await planPack(
    ctx,
    { ...wanted, regions: wanted.regions.filter((r) => names.has(r.region)) },
    tree,
    io,
  );
  io.err(
    `${pack.pack} was changed in AWS while this deploy waited (${moved.map((m) => m.region).join(', ')}); planned again: ` +
      fresh.regions
        .map((r) => `${r.region} ${r.action}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`)
        .join(', '),
  );
  return {
    work: fresh.regions.filter((r) => r.action !== 'unchanged'),
    unchanged: fresh.regions.filter((r) => r.action === 'unchanged').map((r) => r.region),
  };
}

/** How a planned Region's unfinished rollout stands, in one sentence. */
function rolloutSentence(r: PlannedRegion): string {
  const o = r.rollout;
  if (!o) return '';
  const failed = o.failedAccounts?.length ?? 0;
  return o.state === 'stopped'
    ? `the rollout stopped at wave ${o.wave} (${o.waveIndex + 1} of ${o.waves}) with ${failed} failed account(s)`
    : `the rollout is at wave ${o.wave} (${o.waveIndex + 1} of ${o.waves}), whose put was accepted but not followed to the end`;
}

/**
 * Where `--resume` picks up in a Region: the wave of the last put (from the deployment record),
 * with its accounts as the configuration names them now, the pack's current ExcludedAccounts, and
 * the put's time (the pack's LastUpdateTime) to tell this put's statuses from older ones.
 */
async function resumePoint(
  ctx: ReturnType<typeof loadRolloutContext>,
  pack: PlannedPack,
  planned: PlannedRegion,
  desired: readonly DesiredPack[],
  tree: OrgTree,
): Promise<RegionRolloutInput['resume']> {
  const rollout = planned.rollout;
  const wanted = desired.find((d) => d.pack === pack.pack);
  const deployment = ctx.config.packs[pack.pack];
  if (!rollout || !wanted || !deployment) return undefined;
  const region = wanted.regions.find((r) => r.region === planned.region);
  const now = await describePack(ctx.aws.config(planned.region), pack.orgPackName);
  if (!region || !now?.lastUpdateTime) return undefined;
  const all = resolveWaves({
    tree,
    included: region.included,
    waves: deployment.waves,
    ...(deployment.failureTolerance !== undefined ? { defaultTolerance: deployment.failureTolerance } : {}),
  }).waves;
  // The wave of the last accepted put is the last one whose accounts are not all excluded now: the
  // pack's ExcludedAccounts are the truth even when the process died before rewriting the record.
  const excludedNow = new Set(now.excludedAccounts);
  const reached = all.filter((w) => w.accounts.some((a) => !excludedNow.has(a.id)));
  const wave = reached[reached.length - 1];
  if (!wave) return undefined; // no wave was put: the plan's waves run from the start
  if (!all.some((w) => w.name === rollout.wave)) {
    throw new CliError(
      `${pack.pack} in ${planned.region}: the rollout stopped at wave ${rollout.wave}, which the configuration no longer has; check \`packsmith plan\`, then deploy without --resume`,
    );
  }
  const excluded = new Set(now.excludedAccounts);
  const accounts = wave.accounts.map((a) => a.id).filter((id) => !excluded.has(id));
  return {
    wave: {
      name: wave.name,
      index: wave.index,
      implicit: wave.implicit,
      accounts,
      excludedAccounts: now.excludedAccounts,
      allowedFailures: wave.tolerance.allowed,
      tolerance: wave.tolerance.spec,
    },
    since: now.lastUpdateTime,
    excludedAccounts: now.excludedAccounts,
  };
}

/** The first local status store failure of any put of the Region's rollout. */
const storeErrorOf = (rollout: RegionRolloutResult): string | undefined =>
  [rollout.single, ...rollout.waves.map((w) => w.result), rollout.rolledBack?.result].find(
    (r) => r?.storeError !== undefined,
  )?.storeError;

/** One result per Region: the accounts' last states over every wave, and the rollout beside it. */
function mergeRollout(rollout: RegionRolloutResult): Omit<PackRegionResult, 'pack' | 'orgPackName'> {
  const accounts = new Map<string, AccountState>();
  let last: RegionResult | undefined = rollout.single;
  for (const a of rollout.single?.accounts ?? []) accounts.set(a.id, a);
  for (const w of rollout.waves) {
    for (const a of w.result.accounts) accounts.set(a.id, a);
    last = w.result;
  }
  if (rollout.rolledBack) for (const a of rollout.rolledBack.result.accounts) accounts.set(a.id, a);
  const merged = [...accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const counts = emptyCounts();
  for (const a of merged) counts[a.state] += 1;
  const notPut =
    rollout.outcome === 'cancelled' &&
    (rollout.single ? rollout.single.notPut === true : rollout.waves.every((w) => w.result.notPut === true));
  return {
    region: rollout.region,
    ...(notPut ? { notPut } : {}),
    ...(storeErrorOf(rollout) !== undefined ? { storeError: storeErrorOf(rollout) } : {}),
    operation: last?.operation ?? 'update',
    outcome: rollout.outcome === 'stopped' ? 'stopped' : rollout.outcome,
    ...(last?.error ? { error: last.error } : {}),
    ...(last?.deploymentId !== undefined ? { deploymentId: last.deploymentId } : {}),
    accounts: merged,
    counts,
    polls: rollout.waves.reduce((n, w) => n + w.result.polls, rollout.single?.polls ?? 0),
    requests: rollout.waves.reduce((n, w) => n + w.result.requests, rollout.single?.requests ?? 0),
    rollout,
  };
}
