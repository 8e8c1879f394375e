/**
 * `packsmith destroy PACK`: delete the org pack in each selected Region and follow every account's
 * deletion to the end, recorded like a deploy. Only ever for a pack named explicitly.
 */
import { UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import type { DestroyCommandOptions } from '../options.js';
import { destroyRegion } from '../../rollout/apply.js';
import { describePack } from '../../rollout/observe.js';
import { fetchDetailedStatus } from '../../rollout/poll.js';
import { orgPackNameOf } from '../../org/deploy-config.js';
import { bucketOf } from './planning.js';
import { discover, loadRolloutContext, openStore, shownStatePath } from './rollout-context.js';
import {
  confirm,
  holdingLock,
  interruptible,
  lockPack,
  lockWaitSeconds,
  progressFor,
  reportCancelledBeforeChange,
  reportResults,
  trackingSettings,
  type PackRegionResult,
} from './rollout-runner.js';

export async function runDestroy(pack: string, options: DestroyCommandOptions): Promise<number> {
  const io = processOutput();
  const lockWait = lockWaitSeconds(options.lockWait);
  const ctx = loadRolloutContext([pack], options, io);
  // From here on, every exit goes through the finally below: no signal handler is left behind.
  const stop = interruptible(io);
  const { controller, dispose } = stop;
  try {
    const tracking = trackingSettings(options, controller.signal);
    const deployment = ctx.config.packs[pack];
    if (!deployment) throw new UsageError(`pack "${pack}" is not in ${ctx.configFile}`);
    const orgPackName = orgPackNameOf(pack, deployment);
    const tree = await discover(ctx);
    const names = new Map(tree.accounts.map((a) => [a.id, a]));
    const present: Array<{ region: string; holders: Array<{ id: string; name: string; ouPath: string }> }> =
      [];
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
    const p = io.paint;
    for (const region of absent)
      io.err(p.dim(`${orgPackName} does not exist in ${region}: nothing to delete there`));
    if (present.length === 0) {
      io.err(`Nothing to destroy: ${orgPackName} exists in none of the selected Regions.`);
      return 0;
    }
    io.err(
      [
        p.bold(`Destroy organization conformance pack ${orgPackName}`),
        ...present.map((r) => `  ${r.region}: ${r.holders.length} account(s) hold it`),
        p.yellow(
          'Deleting it removes its rules and remediations from every one of these accounts, and with the rules their evaluation history (compliance results). This cannot be undone.',
        ),
      ].join('\n'),
    );
    if (
      !(await confirm(
        `Destroy ${orgPackName} in ${present.map((r) => r.region).join(', ')}?`,
        options.yes,
        io,
      ))
    )
      return 1;

    const store = openStore(ctx);
    const { progress, onEvent } = progressFor(options, shownStatePath(ctx));
    const results: PackRegionResult[] = [];
    try {
      const lock = await lockPack(ctx, { pack, orgPackName }, 'destroy', lockWait, { io, store });
      await holdingLock(lock, controller, io, async () => {
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
              tracking,
              onEvent: onEvent(pack),
            });
            results.push({ ...result, pack, orgPackName });
          }),
        );
      });
    } finally {
      progress.finish();
      store.close();
    }
    results.sort((a, b) => a.region.localeCompare(b.region));
    const signal = stop.received();
    if (signal && results.every((r) => r.notPut))
      return reportCancelledBeforeChange(signal, options.format, io, 'deleted');
    return reportResults(results, [], options.format, io, {
      ...(signal ? { interrupted: signal } : {}),
      statePath: shownStatePath(ctx),
    });
  } finally {
    dispose();
    ctx.close();
  }
}
