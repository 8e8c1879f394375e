/**
 * `deploy`: preflight, plan, confirmation, lock, then per pack and Region: stage, put, record, and
 * follow every account to the end, with the status store recording each poll. Returns what
 * happened; never prints.
 */
import type { RegionResult, TrackingSettings } from '../rollout/apply.js';
import { readDeploymentRecord } from '../rollout/records.js';
import { runRegionRollout, type RegionRolloutInput, type RegionRolloutResult } from '../rollout/rollout.js';
import { emptyCounts, type AccountState } from '../rollout/tracker.js';
import { resolveWaves } from '../rollout/waves.js';
import { discoverOrganization, type OrgTree } from '../org/discover.js';
import { describePack } from '../rollout/observe.js';
import type { DesiredPack } from '../rollout/desired.js';
import { sameSecond } from '../rollout/plan.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { StatusStore } from '../state/store.js';
import type { PlanDocument } from './documents.js';
import { refused, usage } from './errors.js';
import {
  buildPacks,
  bucketOf,
  desiredPacks,
  discover,
  openStore,
  shownStatePath,
  withCheckedRollout,
  type RolloutContext,
  type RolloutSelection,
} from './context.js';
import type { AppEvent, RolloutDeps } from './events.js';
import { followSignal, holdingLock, lockPack } from './lock.js';
import {
  checkPlanIsBuilt,
  makePlan,
  planPack,
  putRequestOf,
  readPlanFile,
  type WarningSink,
} from './plan.js';
import { preflightFindings } from './preflight.js';
import { observeStackSet, type StackSetApplyResult } from '../rollout/stackset.js';
import { observedMarkOf, type StackSetPlan } from '../rollout/stackset-plan.js';
import {
  deployStackSetPacks,
  hasChanges,
  planStackSetPacks,
  stackSetPacksOf,
  stackSetPlanDifferences,
  stackSetPlanDocument,
  stackSetPlanFromDocument,
  stackSetPlanLines,
  stackSetRegionOf,
} from './stackset.js';

export interface DeployRequest {
  /** `--plan`: apply exactly this saved plan. */
  planFile?: string;
  /** Continue an unfinished rollout in waves where it stopped. */
  resume?: boolean;
  /** Put back the previous deployment when a wave fails beyond its tolerance. */
  rollback?: boolean;
  /** Regions deployed at once (default: the configuration's regionConcurrency, or all). */
  regionConcurrency?: number;
  /** How long to wait for another run's lock of a pack. */
  lockWaitSeconds: number;
  tracking: Omit<TrackingSettings, 'signal' | 'suspendedAccounts'>;
}

/** One pack in one Region: the put's (or delete's) result, the rollout in waves beside it. */
export interface PackRegionResult extends Omit<RegionResult, 'outcome'> {
  pack: string;
  orgPackName: string;
  outcome: RegionResult['outcome'] | 'stopped';
  /** A rollout in waves: every wave's result, and where it stopped. */
  rollout?: RegionRolloutResult;
}

export interface UnchangedRegion {
  pack: string;
  orgPackName: string;
  region: string;
}

export type DeployOutcome =
  /** Cancelled (the signal) before any put: nothing changed. */
  | { kind: 'cancelled'; diagnostics: Diagnostic[] }
  /** The confirmation was declined: nothing changed. */
  | { kind: 'declined'; plan: PlanDocument; diagnostics: Diagnostic[] }
  | {
      kind: 'done';
      plan: PlanDocument;
      /** Nothing to deploy (or to resume): every pack was up to date. */
      nothingToDo: boolean;
      results: PackRegionResult[];
      unchanged: UnchangedRegion[];
      /** The signal stopped the run after a put: AWS goes on rolling out what was put. */
      interrupted: boolean;
      /** The status store's path as messages show it. */
      statePath: string;
      diagnostics: Diagnostic[];
      /** Packs of `engine: stackset`: each stack set's rollout, stage by stage. */
      stackSets: StackSetApplyResult[];
    };

/** Thrown at a checkpoint before any put once the signal was received. */
class CancelledBeforeChange extends Error {}

const checkpoint = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new CancelledBeforeChange();
};

type PlannedPack = PlanDocument['packs'][number];
type PlannedRegion = PlannedPack['regions'][number];
type Mode = 'run' | 'resume' | 'none';

const isOpen = (r: PlannedRegion): boolean =>
  r.rollout !== undefined && (r.rollout.state === 'running' || r.rollout.state === 'stopped');

/** What a deploy does in a planned Region: put, continue its rollout in waves, or nothing. */
const modeOf =
  (resume: boolean | undefined) =>
  (r: PlannedRegion): Mode => {
    if (resume) return isOpen(r) ? 'resume' : r.action === 'unchanged' ? 'none' : 'run';
    return r.action === 'unchanged' ? 'none' : 'run';
  };

/** `deploy`: one call from the configuration to every pack × Region's result. */
export async function deploy(
  selection: RolloutSelection,
  request: DeployRequest,
  deps: RolloutDeps,
): Promise<DeployOutcome> {
  if (request.resume && request.planFile)
    throw usage('--resume continues from AWS and the deployment records: it takes no --plan');
  const diagnostics: Diagnostic[] = [];
  const emit = (event: AppEvent) => deps.onEvent?.(event);
  const warn: WarningSink = (d) => {
    diagnostics.push(...d);
    emit({ kind: 'diagnostics', diagnostics: [...d] });
  };
  try {
    return await withCheckedRollout(selection, deps.connect, async (ctx) => {
      if (ctx.diagnostics.length > 0) warn(ctx.diagnostics);
      const prepared = await prepare(ctx, request, deps, warn);
      const stackSetPlans = await prepareStackSets(ctx, request, deps, prepared.tree, prepared.plan);
      const outcome = await apply(ctx, request, deps, prepared, warn);
      if (outcome.kind === 'declined') return { ...outcome, diagnostics } as DeployOutcome;
      const stackSets = await applyStackSets(ctx, request, deps, stackSetPlans);
      if (stackSets === 'declined') return { kind: 'declined', plan: outcome.plan, diagnostics };
      const nothingToDo = outcome.nothingToDo && stackSets.length === 0;
      // A signal that stopped a stack set is an interruption too (130/143), not a failed stage.
      const interrupted =
        outcome.interrupted ||
        (deps.signal?.aborted === true && stackSets.some((r) => r.outcome === 'cancelled'));
      return { ...outcome, nothingToDo, interrupted, stackSets, diagnostics } as DeployOutcome;
    });
  } catch (error) {
    if (error instanceof CancelledBeforeChange) return { kind: 'cancelled', diagnostics };
    throw error;
  }
}

/** `engine: stackset` packs: planned against AWS now, shown before any confirmation. */
async function prepareStackSets(
  ctx: RolloutContext,
  request: DeployRequest,
  deps: RolloutDeps,
  tree: OrgTree,
  saved: PlanDocument,
): Promise<StackSetPlan[]> {
  if (request.planFile) return savedStackSetPlans(ctx, deps, tree, saved.stackSets ?? []);
  if (stackSetPacksOf(ctx).length === 0) return [];
  const built = await buildPacks(ctx);
  const plans = await planStackSetPacks(ctx, built.built, tree);
  checkpoint(deps.signal);
  deps.onEvent?.({ kind: 'stack-set-plan', lines: plans.flatMap(stackSetPlanLines) });
  return plans;
}

/**
 * `deploy --plan`: the saved stack set plans are applied exactly, once each is what this checkout
 * plans now against what AWS shows now (`stackSetPlanDifferences`: the stack set's StackSetId,
 * template and parameters in AWS, then the template, parameters, stages, targets, overrides,
 * preferences and the instances to change). Any difference refuses the whole deploy before any
 * change, naming the pack, the stage and what differs. Stack set packs the plan does not have are
 * not deployed, as organization packs.
 */
async function savedStackSetPlans(
  ctx: RolloutContext,
  deps: RolloutDeps,
  tree: OrgTree,
  saved: NonNullable<PlanDocument['stackSets']>,
): Promise<StackSetPlan[]> {
  if (saved.length === 0) return [];
  const selected = new Set(stackSetPacksOf(ctx));
  const problems: string[] = saved
    .filter((p) => !selected.has(p.pack))
    .map((p) => `${p.pack}: not among the stack set packs this deploy selects`);
  const built = await buildPacks(ctx);
  const fresh = await planStackSetPacks(ctx, built.built, tree);
  for (const plan of saved) {
    if (!selected.has(plan.pack)) continue;
    const now = fresh.find((f) => f.pack === plan.pack);
    if (!now) problems.push(`${plan.pack}: this checkout no longer builds it`);
    else problems.push(...stackSetPlanDifferences(plan, stackSetPlanDocument(now)));
  }
  if (problems.length > 0) {
    throw refused(
      `the plan is not what this checkout builds and AWS holds now, so nothing was deployed:\n  ${problems.join('\n  ')}\n` +
        'run `packsmith plan --out FILE` again, review it, and deploy that plan',
    );
  }
  checkpoint(deps.signal);
  const plans = saved.map(stackSetPlanFromDocument);
  deps.onEvent?.({ kind: 'stack-set-plan', lines: plans.flatMap(stackSetPlanLines) });
  return plans;
}

/** Confirmation, then each stack set stage by stage (a failed stage stops its stack set); also `packsmith bootstrap`'s. */
export async function applyStackSets(
  ctx: RolloutContext,
  request: DeployRequest,
  deps: RolloutDeps,
  plans: readonly StackSetPlan[],
): Promise<StackSetApplyResult[] | 'declined'> {
  // A saved plan was checked before the lock: another run may have changed the stack set since.
  const verify = request.planFile ? (plan: StackSetPlan) => stackSetStillAsPlanned(ctx, plan) : undefined;
  const changing = plans.filter(hasChanges);
  if (changing.length === 0) return [];
  const verb = request.resume ? 'Resume' : 'Deploy';
  if (!(await deps.confirm(`${verb} ${changing.length} stack set(s) stage by stage as planned above?`)))
    return 'declined';
  if (deps.signal?.aborted) return [];
  const built = await buildPacks(ctx);
  const store = openStore(ctx, deps.openStore);
  deps.onEvent?.({ kind: 'store-opened', statePath: shownStatePath(ctx) });
  const controller = followSignal(deps.signal);
  const results: StackSetApplyResult[] = [];
  try {
    for (const plan of changing) {
      if (controller.signal.aborted) break;
      // The same deploy lock as organization packs, under the stack set's name.
      const lock = await lockPack(
        ctx,
        { pack: plan.pack, orgPackName: plan.stackSetName },
        request.resume ? 'deploy --resume' : 'deploy',
        request.lockWaitSeconds,
        deps,
        store,
      );
      const done = await holdingLock(
        lock,
        controller,
        (e) => deps.onEvent?.(e),
        async () =>
          (await verify?.(plan)) ??
          deployStackSetPacks({
            ctx,
            built: built.built,
            plans: [plan],
            store,
            resume: request.resume === true,
            follow: {
              intervalMs: request.tracking.intervalMs,
              timeoutMs: request.tracking.timeoutMs,
              signal: controller.signal,
            },
            onEvent: (pack, event) => deps.onEvent?.({ kind: 'stack-set', pack, event }),
          }),
      );
      results.push(...done);
    }
  } finally {
    store.close();
  }
  return results;
}

/** `deploy --plan`, under the lock: AWS still shows the stack set the plan was made against. */
async function stackSetStillAsPlanned(ctx: RolloutContext, plan: StackSetPlan): Promise<undefined> {
  const observed = await observeStackSet(ctx.aws.cloudformation(stackSetRegionOf(ctx)), {
    stackSetName: plan.stackSetName,
    callAs: plan.callAs,
  });
  const now = observedMarkOf(observed);
  const then = plan.observedStackSet;
  if (then && JSON.stringify(now) !== JSON.stringify(then))
    throw refused(
      `${plan.pack}: stack set ${plan.stackSetName} changed since the plan was made (another run while this one waited for the lock?): run \`packsmith plan --out FILE\` again`,
    );
  return undefined;
}

interface Prepared {
  plan: PlanDocument;
  desired: DesiredPack[];
  tree: OrgTree;
}

/** Build, organization, desired state, preflight and the plan (made now, or the saved one checked). */
async function prepare(
  ctx: RolloutContext,
  request: DeployRequest,
  deps: RolloutDeps,
  warn: WarningSink,
): Promise<Prepared> {
  const built = await buildPacks(ctx);
  if (built.diagnostics.length > 0) warn(built.diagnostics);
  checkpoint(deps.signal);
  const tree = await discover(ctx);
  checkpoint(deps.signal);
  const desired = desiredPacks(ctx, built.built, tree, built.catalog);
  if (desired.diagnostics.length > 0) warn(desired.diagnostics);
  const findings = await preflightFindings(ctx, desired.packs, tree, { built: built.built });
  checkpoint(deps.signal);
  if (findings.length > 0) deps.onEvent?.({ kind: 'preflight', findings });
  if (findings.some((f) => f.severity === 'error')) throw refused('preflight failed: nothing was deployed');
  let plan: PlanDocument;
  if (request.planFile) {
    plan = readPlanFile(request.planFile, ctx);
    await checkPlanIsCurrent(plan, ctx);
    await checkPlanIsBuilt(ctx, plan, desired.packs, tree, warn);
  } else {
    plan = await makePlan(ctx, desired.packs, tree, warn, deps.now?.() ?? new Date(), (done, total) =>
      deps.onEvent?.({ kind: 'planning', done, total }),
    );
  }
  checkpoint(deps.signal);
  deps.onEvent?.({ kind: 'plan', plan });
  return { plan, desired: desired.packs, tree };
}

/** Refuses a deploy that would start over an unfinished rollout, or roll back to an unknown template. */
function checkCanRun(plan: PlanDocument, request: DeployRequest): void {
  const mode = modeOf(request.resume);
  const blocked = request.resume
    ? []
    : plan.packs.flatMap((p) =>
        p.regions.filter(isOpen).map((r) => `${p.pack} in ${r.region}: ${rolloutSentence(r)}`),
      );
  if (blocked.length > 0) {
    throw refused(
      `a rollout in waves is not finished:\n  ${blocked.join('\n  ')}\ncontinue it with \`packsmith deploy --resume\` (after fixing the failed accounts)`,
    );
  }
  if (request.rollback) {
    const unknown = plan.packs.flatMap((p) =>
      p.regions
        .filter((r) => mode(r) !== 'none' && r.rollbackTo === 'unknown')
        .map((r) => `${p.pack} in ${r.region}`),
    );
    if (unknown.length > 0) {
      throw refused(
        `--rollback cannot restore ${unknown.join(', ')}: the deployed template is unknown (no trusted deployment record); deploy without --rollback`,
      );
    }
  }
}

/** Confirmation, then every pack under its lock. */
async function apply(
  ctx: RolloutContext,
  request: DeployRequest,
  deps: RolloutDeps,
  { plan, desired, tree }: Prepared,
  warn: WarningSink,
): Promise<
  | Omit<Extract<DeployOutcome, { kind: 'done' }>, 'diagnostics' | 'stackSets'>
  | { kind: 'declined'; plan: PlanDocument }
> {
  checkCanRun(plan, request);
  const mode = modeOf(request.resume);
  const work = plan.packs.flatMap((p) => p.regions.filter((r) => mode(r) !== 'none'));
  const unchanged: UnchangedRegion[] = plan.packs.flatMap((p) =>
    p.regions
      .filter((r) => mode(r) === 'none')
      .map((r) => ({ pack: p.pack, orgPackName: p.orgPackName, region: r.region })),
  );
  const statePath = shownStatePath(ctx);
  const done = { kind: 'done' as const, plan, unchanged, statePath };
  if (work.length === 0) return { ...done, nothingToDo: true, results: [], interrupted: false };
  const verb = request.resume ? 'Resume' : 'Deploy';
  if (!(await deps.confirm(`${verb} ${work.length} pack × Region change(s) as planned above?`)))
    return { kind: 'declined', plan };
  checkpoint(deps.signal);

  const store = openStore(ctx, deps.openStore);
  deps.onEvent?.({ kind: 'store-opened', statePath });
  const results: PackRegionResult[] = [];
  const controller = followSignal(deps.signal);
  try {
    for (const pack of plan.packs) {
      const regions = pack.regions.filter((r) => mode(r) !== 'none');
      if (regions.length === 0) continue;
      if (controller.signal.aborted) break;
      const lock = await lockPack(
        ctx,
        pack,
        request.resume ? 'deploy --resume' : 'deploy',
        request.lockWaitSeconds,
        deps,
        store,
      );
      await holdingLock(
        lock,
        controller,
        (e) => deps.onEvent?.(e),
        async () => {
          const current = request.resume
            ? { work: [...regions], unchanged: [] }
            : await stillPlanned(
                ctx,
                pack,
                regions,
                request.planFile ? undefined : desired,
                tree,
                (e) => deps.onEvent?.(e),
                warn,
              );
          for (const r of current.unchanged)
            unchanged.push({ pack: pack.pack, orgPackName: pack.orgPackName, region: r });
          const run = { ctx, request, deps, store, signal: controller.signal, pack, desired, tree };
          results.push(...(await runRegions(run, current.work)));
        },
      );
    }
  } finally {
    store.close();
  }
  results.sort(
    (a, b) => a.pack.localeCompare(b.pack) || ctx.regions.indexOf(a.region) - ctx.regions.indexOf(b.region),
  );
  const interrupted = deps.signal?.aborted === true;
  if (interrupted && results.every((r) => r.notPut)) throw new CancelledBeforeChange();
  return { ...done, nothingToDo: false, results, interrupted };
}

interface PackRun {
  ctx: RolloutContext;
  request: DeployRequest;
  deps: RolloutDeps;
  store: StatusStore;
  signal: AbortSignal;
  pack: PlannedPack;
  desired: readonly DesiredPack[];
  tree: OrgTree;
}

/** The Region worker pool of one pack: at most `regionConcurrency` Regions at once. */
async function runRegions(run: PackRun, regions: readonly PlannedRegion[]): Promise<PackRegionResult[]> {
  const { ctx, request } = run;
  const concurrency = request.regionConcurrency ?? ctx.config.regionConcurrency ?? ctx.regions.length;
  const queue = [...regions];
  const results: PackRegionResult[] = [];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      if (run.signal.aborted) break;
      const planned = r;
      results.push(
        await runRegion(run, planned).catch((error: unknown): PackRegionResult => ({
          // One Region's unexpected failure does not lose the others' results.
          pack: run.pack.pack,
          orgPackName: run.pack.orgPackName,
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
        })),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, regions.length) }, worker));
  return results;
}

/** One pack in one Region: its rollout (in waves, resumed, rolled back), merged into one result. */
async function runRegion(run: PackRun, planned: PlannedRegion): Promise<PackRegionResult> {
  const { ctx, request, deps, pack } = run;
  const target = {
    pack: pack.pack,
    orgPackName: pack.orgPackName,
    region: planned.region,
    bucket: bucketOf(ctx, planned.region),
    owner: ctx.config.deployingAccount,
    config: ctx.aws.config(planned.region),
    s3: ctx.aws.s3(planned.region),
  };
  const resume =
    modeOf(request.resume)(planned) === 'resume'
      ? await resumePoint(ctx, pack, planned, run.desired, run.tree)
      : undefined;
  const previous =
    request.rollback && planned.rollbackTo === 'previous'
      ? (
          await readDeploymentRecord(target.s3, {
            bucket: target.bucket,
            owner: target.owner,
            orgPackName: target.orgPackName,
          })
        ).record
      : undefined;
  // Accounts closed during a rollout are not failures: re-read the organization when some are missing.
  const suspendedAccounts = async () =>
    (await discoverOrganization(ctx.aws.organizations())).accounts
      .filter((a) => a.status !== 'ACTIVE')
      .map((a) => a.id);
  const rollout = await runRegionRollout({
    ...target,
    store: run.store,
    tracking: { ...request.tracking, signal: run.signal, suspendedAccounts },
    onEvent: (event) => deps.onEvent?.({ kind: 'rollout', pack: pack.pack, event }),
    desired: putRequestOf(planned),
    accounts: run.tree.accounts,
    waves: planned.waves,
    covered: planned.covered,
    followCovered: planned.followCovered,
    exists: planned.action !== 'create',
    ...(request.rollback ? { rollback: { previous } } : {}),
    ...(resume ? { resume } : {}),
  });
  return { ...mergeRollout(rollout), pack: pack.pack, orgPackName: pack.orgPackName };
}

/** Planned Regions of the pack whose org pack was put or deleted since the plan looked at it. */
async function movedSincePlan(
  ctx: RolloutContext,
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
async function checkPlanIsCurrent(plan: PlanDocument, ctx: RolloutContext): Promise<void> {
  for (const pack of plan.packs) {
    const regions = pack.regions.filter((r) => r.action !== 'unchanged');
    for (const r of regions) {
      if (!ctx.regions.includes(r.region)) {
        throw usage(`the plan deploys to ${r.region}, which is not among the selected Regions`);
      }
    }
    const [moved] = await movedSincePlan(ctx, pack, regions);
    if (moved) throw refused(moved.message);
  }
}

/**
 * The plan was made before the lock was taken: another deploy may have put the pack while this
 * one planned or waited for the lock. A saved plan (no `desired`) is then refused; otherwise the
 * pack is planned again, so that a deploy that waited does not put again what is already there.
 */
async function stillPlanned(
  ctx: RolloutContext,
  pack: PlannedPack,
  regions: readonly PlannedRegion[],
  desired: readonly DesiredPack[] | undefined,
  tree: OrgTree,
  emit: (event: AppEvent) => void,
  warn: WarningSink,
): Promise<{ work: PlannedRegion[]; unchanged: string[] }> {
  const moved = await movedSincePlan(ctx, pack, regions);
  if (moved.length === 0) return { work: [...regions], unchanged: [] };
  const wanted = desired?.find((d) => d.pack === pack.pack);
  if (!wanted) throw refused((moved[0] as { message: string }).message);
  const names = new Set(regions.map((r) => r.region));
  const fresh = await planPack(
    ctx,
    { ...wanted, regions: wanted.regions.filter((r) => names.has(r.region)) },
    tree,
    warn,
  );
  emit({
    kind: 'replanned',
    pack: pack.pack,
    moved: moved.map((m) => m.region),
    regions: fresh.regions.map((r) => ({ region: r.region, action: r.action, reasons: r.reasons })),
  });
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
  ctx: RolloutContext,
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
    throw refused(
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
