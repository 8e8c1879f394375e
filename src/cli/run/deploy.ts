/**
 * `packsmith deploy`: preflight, plan, confirmation, lock, then per pack and Region: stage, put,
 * record, and follow every account to the end, with the status store recording each poll.
 */
import { CliError, UsageError } from '../errors.js';
import { processOutput, type Output } from '../output.js';
import type { DeployCommandOptions } from '../commands/deploy.js';
import { applyRegion } from '../../rollout/apply.js';
import { describePack } from '../../rollout/observe.js';
import type { DesiredPack } from '../../rollout/desired.js';
import { sameSecond } from '../../rollout/plan.js';
import { discoverOrganization } from '../../org/discover.js';
import type { PlanDocument } from '../output-schemas/rollout.js';
import { bucketOf, desiredOf, formatPlan, makePlan, planPack, readPlanFile } from './planning.js';
import { formatFindings, preflightFindings } from './preflight.js';
import { buildPacks, desiredPacks, discover, loadRolloutContext, openStore } from './rollout-context.js';
import {
  confirm,
  holdingLock,
  interruptible,
  lockPack,
  progressFor,
  reportResults,
  trackingSettings,
  type PackRegionResult,
} from './rollout-runner.js';

export async function runDeploy(packs: string[], options: DeployCommandOptions): Promise<number> {
  const io = processOutput();
  const regionConcurrency = Number(options.regionConcurrency);
  if (!Number.isInteger(regionConcurrency) || regionConcurrency < 1) {
    throw new UsageError('--region-concurrency must be a positive integer');
  }
  const lockWait = Number(options.lockWait);
  if (!Number.isFinite(lockWait) || lockWait < 0)
    throw new UsageError('--lock-wait must be a number of seconds');
  const ctx = loadRolloutContext(packs, options, io);
  // From here on, every exit goes through the finally below: no signal handler is left behind.
  const { controller, dispose } = interruptible(io);
  try {
    const tracking = trackingSettings(options, controller.signal);
    const built = await buildPacks(ctx, io);
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built, tree, io);

    const findings = await preflightFindings(ctx, desired, tree);
    const blocking = findings.filter((f) => f.severity === 'error');
    if (findings.length > 0 && (blocking.length > 0 || options.format !== 'json'))
      io.err(formatFindings(findings, io));
    if (blocking.length > 0) throw new CliError('preflight failed: nothing was deployed');

    let plan: PlanDocument;
    if (options.plan) {
      plan = readPlanFile(options.plan, ctx);
      await checkPlanIsCurrent(plan, ctx);
    } else {
      plan = await makePlan(ctx, desired, tree);
    }
    if (options.format !== 'json') io.err(formatPlan(plan, io));
    const work = plan.packs.flatMap((p) =>
      p.regions.filter((r) => r.action !== 'unchanged').map((r) => ({ pack: p, region: r })),
    );
    const unchanged = plan.packs.flatMap((p) =>
      p.regions
        .filter((r) => r.action === 'unchanged')
        .map((r) => ({ pack: p.pack, orgPackName: p.orgPackName, region: r.region })),
    );
    if (work.length === 0) {
      if (options.format !== 'json') io.err('Nothing to deploy: every pack is up to date.');
      return reportResults([], unchanged, options.format, io);
    }
    if (!(await confirm(`Deploy ${work.length} pack × Region change(s) as planned above?`, options.yes, io)))
      return 1;

    const store = openStore(ctx);
    const { progress, onEvent } = progressFor(options, io);
    const results: PackRegionResult[] = [];
    // Accounts closed during a rollout are not failures: re-read the organization when some are missing.
    const suspendedNow = async () =>
      (await discoverOrganization(ctx.aws.organizations())).accounts
        .filter((a) => a.status !== 'ACTIVE')
        .map((a) => a.id);
    try {
      for (const pack of plan.packs) {
        const regions = pack.regions.filter((r) => r.action !== 'unchanged');
        if (regions.length === 0) continue;
        const lock = await lockPack(ctx, pack, 'deploy', lockWait);
        await holdingLock(lock, controller, io, async () => {
          const current = await stillPlanned(ctx, pack, regions, options.plan ? undefined : desired, io);
          for (const r of current.unchanged)
            unchanged.push({ pack: pack.pack, orgPackName: pack.orgPackName, region: r });
          const queue = [...current.work];
          const worker = async () => {
            for (let r = queue.shift(); r; r = queue.shift()) {
              if (controller.signal.aborted) break;
              const planned = r;
              const result = await applyRegion({
                pack: pack.pack,
                orgPackName: pack.orgPackName,
                region: planned.region,
                bucket: bucketOf(ctx, planned.region),
                owner: ctx.config.deployingAccount,
                config: ctx.aws.config(planned.region),
                s3: ctx.aws.s3(planned.region),
                operation: planned.action === 'create' ? 'create' : 'update',
                desired: desiredOf(planned),
                store,
                tracking: { ...tracking, suspendedAccounts: suspendedNow },
                onEvent: onEvent(pack.pack),
              }).catch((error: unknown): PackRegionResult => ({
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
              results.push({ ...result, pack: pack.pack, orgPackName: pack.orgPackName });
            }
          };
          await Promise.all(Array.from({ length: Math.min(regionConcurrency, regions.length) }, worker));
        });
      }
    } finally {
      progress.finish();
      store.close();
    }
    return reportResults(results, unchanged, options.format, io);
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
  io: Output,
): Promise<{ work: PlannedRegion[]; unchanged: string[] }> {
  const moved = await movedSincePlan(ctx, pack, regions);
  if (moved.length === 0) return { work: [...regions], unchanged: [] };
  const wanted = desired?.find((d) => d.pack === pack.pack);
  if (!wanted) throw new CliError((moved[0] as { message: string }).message);
  const names = new Set(regions.map((r) => r.region));
  const fresh = await planPack(ctx, {
    ...wanted,
    regions: wanted.regions.filter((r) => names.has(r.region)),
  });
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
