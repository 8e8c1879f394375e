/**
 * `destroy PACK`: delete the org pack in each selected Region and follow every account's deletion
 * to the end, recorded like a deploy. Only ever for a pack named explicitly. Returns what happened.
 */
import { destroyRegion, type TrackingSettings } from '../rollout/apply.js';
import { describePack } from '../rollout/observe.js';
import { fetchDetailedStatus } from '../rollout/poll.js';
import { engineOf, orgPackNameOf, type PackDeployment } from '../org/deploy-config.js';
import { destroyStackSet, type StackSetDestroyResult } from '../rollout/stackset-destroy.js';
import { observeStackSet } from '../rollout/stackset.js';
import { planStackSet } from '../rollout/stackset-plan.js';
import { stackSetRegionOf } from './stackset.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { usage } from './errors.js';
import {
  bucketOf,
  discover,
  openStore,
  shownStatePath,
  withRollout,
  type RolloutContext,
  type RolloutRequest,
} from './context.js';
import type { RolloutDeps } from './events.js';
import type { PackRegionResult } from './deploy.js';
import { followSignal, holdingLock, lockPack } from './lock.js';

export interface DestroyRequest {
  lockWaitSeconds: number;
  tracking: Omit<TrackingSettings, 'signal' | 'suspendedAccounts'>;
}

/** A Region where the org pack exists, and the accounts that hold it. */
export interface PresentRegion {
  region: string;
  holders: Array<{ id: string; name: string; ouPath: string }>;
}

export type DestroyOutcome =
  /** The pack exists in none of the selected Regions: nothing to do. */
  | {
      kind: 'absent';
      orgPackName: string;
      absent: string[];
      diagnostics: Diagnostic[];
      /** A stack set pack: its stack set does not exist. */
      engine?: 'stackset';
    }
  | { kind: 'declined'; orgPackName: string; absent: string[]; diagnostics: Diagnostic[] }
  /** Cancelled (the signal) before any delete: nothing changed. */
  | { kind: 'cancelled'; orgPackName: string; absent: string[]; diagnostics: Diagnostic[] }
  /** A pack of `engine: stack set`: its instances deleted stage by stage, then the stack set. */
  | {
      kind: 'stack-set';
      orgPackName: string;
      absent: string[];
      result: StackSetDestroyResult;
      /** The signal stopped the run after a DeleteStackInstances was issued. */
      interrupted: boolean;
      statePath: string;
      diagnostics: Diagnostic[];
    }
  | {
      kind: 'done';
      orgPackName: string;
      absent: string[];
      results: PackRegionResult[];
      /** The signal stopped the run after a delete. */
      interrupted: boolean;
      statePath: string;
      diagnostics: Diagnostic[];
    };

/** Where the org pack exists among the selected Regions, and who holds it there. */
async function presence(
  ctx: RolloutContext,
  orgPackName: string,
): Promise<{ present: PresentRegion[]; absent: string[] }> {
  const tree = await discover(ctx);
  const names = new Map(tree.accounts.map((a) => [a.id, a]));
  const present: PresentRegion[] = [];
  const absent: string[] = [];
  for (const region of ctx.regions) {
    const config = ctx.aws.config(region);
    if (!(await describePack(config, orgPackName))) {
      absent.push(region);
      continue;
    }
    const { rows } = await fetchDetailedStatus(config, orgPackName);
    const holders = rows
      .filter((r) => r.status !== 'DELETE_SUCCESSFUL')
      .map((r) => ({
        id: r.accountId,
        name: names.get(r.accountId)?.name ?? '',
        ouPath: names.get(r.accountId)?.ouPath ?? '',
      }));
    present.push({ region, holders });
  }
  return { present, absent };
}

/**
 * `destroy`: `confirm` is asked with the Regions where the pack exists; `describe` is given them
 * first, with the accounts holding it and the Regions without it, for the shell to show what the
 * deletion removes.
 */
export async function destroy(
  selection: RolloutRequest & { pack: string; regions?: readonly string[] },
  request: DestroyRequest,
  deps: RolloutDeps & {
    describe?(
      orgPackName: string,
      present: readonly PresentRegion[],
      absent: readonly string[],
      engine?: 'stackset',
    ): void;
  },
): Promise<DestroyOutcome> {
  const { pack } = selection;
  return withRollout({ ...selection, packs: [pack] }, deps.connect, async (ctx) => {
    const diagnostics = [...ctx.diagnostics];
    const deployment = ctx.config.packs[pack];
    if (!deployment) throw usage(`pack "${pack}" is not in ${ctx.configFile}`);
    if (engineOf(deployment) === 'stackset') {
      if (selection.regions?.length)
        throw usage(
          `${pack} deploys by engine: stackset; its stack set is destroyed as a whole (every instance in every Region, then the stack set): --region does not apply`,
        );
      return destroyStackSetPack(ctx, pack, deployment, request, deps, diagnostics);
    }
    const orgPackName = orgPackNameOf(pack, deployment);
    const { present, absent } = await presence(ctx, orgPackName);
    const base = { orgPackName, absent, diagnostics };
    deps.describe?.(orgPackName, present, absent);
    if (present.length === 0) return { kind: 'absent', ...base };
    if (!(await deps.confirm(`Destroy ${orgPackName} in ${present.map((r) => r.region).join(', ')}?`)))
      return { kind: 'declined', ...base };

    const store = openStore(ctx, deps.openStore);
    deps.onEvent?.({ kind: 'store-opened', statePath: shownStatePath(ctx) });
    const controller = followSignal(deps.signal);
    const results: PackRegionResult[] = [];
    try {
      const lock = await lockPack(
        ctx,
        { pack, orgPackName },
        'destroy',
        request.lockWaitSeconds,
        deps,
        store,
      );
      await holdingLock(
        lock,
        controller,
        (e) => deps.onEvent?.(e),
        async () => {
          await Promise.all(
            present.map(async ({ region, holders }) => {
              const result = await destroyRegion({
                pack,
                orgPackName,
                region,
                bucket: bucketOf(ctx, region),
                owner: ctx.config.deployingAccount,
                config: ctx.aws.config(region),
                s3: ctx.aws.s3(region),
                holders,
                store,
                tracking: { ...request.tracking, signal: controller.signal },
                onEvent: (event) => deps.onEvent?.({ kind: 'rollout', pack, event }),
              });
              results.push({ ...result, pack, orgPackName });
            }),
          );
        },
      );
    } finally {
      store.close();
    }
    results.sort((a, b) => a.region.localeCompare(b.region));
    const interrupted = deps.signal?.aborted === true;
    if (interrupted && results.every((r) => r.notPut)) return { kind: 'cancelled', ...base };
    return { kind: 'done', ...base, results, interrupted, statePath: shownStatePath(ctx) };
  });
}

/**
 * `destroy` of a stack set pack: what AWS lists (the stack set, its instances per Region), the
 * confirmation, then under the deploy lock (kept under the stack set's name) DeleteStackInstances
 * stage by stage and DeleteStackSet (`rollout/stackset-destroy.ts`), recorded in the store.
 */
async function destroyStackSetPack(
  ctx: RolloutContext,
  pack: string,
  deployment: PackDeployment,
  request: DestroyRequest,
  deps: Parameters<typeof destroy>[2],
  diagnostics: Diagnostic[],
): Promise<DestroyOutcome> {
  const tree = await discover(ctx);
  const cf = ctx.aws.cloudformation(stackSetRegionOf(ctx));
  // The stages' targets and accounts as the configuration names them now.
  const draft = planStackSet({
    pack,
    deployment,
    config: { regions: [...ctx.regions], role: ctx.config.role },
    tree,
    templateBody: '',
    observed: { name: '', exists: false, parameters: [], instances: [], overrides: new Map() },
  });
  const name = draft.stackSetName;
  const observed = await observeStackSet(cf, { stackSetName: name, callAs: draft.callAs });
  const names = new Map(tree.accounts.map((a) => [a.id, a]));
  const regions = [...new Set([...ctx.regions, ...observed.instances.map((i) => i.region)])];
  const present: PresentRegion[] = regions.flatMap((region) => {
    const holders = observed.instances
      .filter((i) => i.region === region)
      .map((i) => ({
        id: i.account,
        name: names.get(i.account)?.name ?? '',
        ouPath: names.get(i.account)?.ouPath ?? '',
      }));
    return holders.length ? [{ region, holders }] : [];
  });
  const base = { orgPackName: name, absent: observed.exists ? [] : [...ctx.regions], diagnostics };
  deps.describe?.(name, present, base.absent, 'stackset');
  if (!observed.exists) return { kind: 'absent', ...base, engine: 'stackset' };
  const where = present.length ? ` and its instances in ${present.map((r) => r.region).join(', ')}` : '';
  if (!(await deps.confirm(`Destroy stack set ${name}${where}?`))) return { kind: 'declined', ...base };
  if (deps.signal?.aborted) return { kind: 'cancelled', ...base };

  const store = openStore(ctx, deps.openStore);
  deps.onEvent?.({ kind: 'store-opened', statePath: shownStatePath(ctx) });
  const controller = followSignal(deps.signal);
  let result: StackSetDestroyResult;
  try {
    const lock = await lockPack(
      ctx,
      { pack, orgPackName: name },
      'destroy',
      request.lockWaitSeconds,
      deps,
      store,
    );
    result = await holdingLock(
      lock,
      controller,
      (e) => deps.onEvent?.(e),
      () =>
        destroyStackSet({
          cf,
          pack,
          stackSetName: name,
          callAs: draft.callAs,
          stages: draft.stages,
          regions: ctx.regions,
          rootId: tree.root.id,
          callerAccount: ctx.config.deployingAccount,
          store,
          follow: {
            intervalMs: request.tracking.intervalMs,
            timeoutMs: request.tracking.timeoutMs,
            signal: controller.signal,
          },
          onEvent: (event) => deps.onEvent?.({ kind: 'stack-set', pack, event }),
        }),
    );
  } finally {
    store.close();
  }
  const interrupted = deps.signal?.aborted === true;
  if (result.outcome === 'absent') return { kind: 'absent', ...base, engine: 'stackset' };
  if (interrupted && result.stages.every((s) => s.operations.length === 0) && result.outcome !== 'deleted')
    return { kind: 'cancelled', ...base };
  return { kind: 'stack-set', ...base, result, interrupted, statePath: shownStatePath(ctx) };
}
