/**
 * `packsmith destroy PACK`: the options checked, the dependencies built, one call of the destroy
 * use case (src/app/destroy.ts), and its outcome printed with the exit code.
 */
import { destroy, type PresentRegion } from '../../app/destroy.js';
import { processOutput, type Output } from '../output.js';
import type { DestroyCommandOptions } from '../options.js';
import { fromCore, selectionOf } from './rollout-context.js';
import {
  interactiveDeps,
  interruptible,
  lockWaitSeconds,
  progressFor,
  reportCancelledBeforeChange,
  reportResults,
  trackingSettings,
} from './rollout-runner.js';

/** What the deletion removes, shown before the confirmation. */
function describeDestroy(
  io: Output,
  orgPackName: string,
  present: readonly PresentRegion[],
  absent: readonly string[],
): void {
  const p = io.paint;
  for (const region of absent)
    io.err(p.dim(`${orgPackName} does not exist in ${region}: nothing to delete there`));
  if (present.length === 0) return;
  io.err(
    [
      p.bold(`Destroy organization conformance pack ${orgPackName}`),
      ...present.map((r) => `  ${r.region}: ${r.holders.length} account(s) hold it`),
      p.yellow(
        'Deleting it removes its rules and remediations from every one of these accounts, and with the rules their evaluation history (compliance results). This cannot be undone.',
      ),
    ].join('\n'),
  );
}

export async function runDestroy(pack: string, options: DestroyCommandOptions): Promise<number> {
  const io = processOutput();
  const request = { lockWaitSeconds: lockWaitSeconds(options.lockWait), tracking: trackingSettings(options) };
  // From here on, every exit goes through the finally below: no signal handler is left behind.
  const stop = interruptible(io);
  const printer = progressFor(options, io);
  try {
    const { packs: _packs, ...selection } = selectionOf([pack], options);
    const outcome = await fromCore(io, () =>
      destroy({ ...selection, pack }, request, {
        ...interactiveDeps(options, io, stop.controller.signal, printer.onEvent),
        describe: (orgPackName, present, absent) => describeDestroy(io, orgPackName, present, absent),
      }).finally(printer.finish),
    );
    const signal = stop.received();
    switch (outcome.kind) {
      case 'absent':
        io.err(`Nothing to destroy: ${outcome.orgPackName} exists in none of the selected Regions.`);
        return 0;
      case 'declined':
        return 1;
      case 'cancelled':
        return reportCancelledBeforeChange(signal ?? 'SIGINT', options.format, io, 'deleted');
      case 'done':
        return reportResults(outcome.results, [], options.format, io, {
          ...(signal && outcome.interrupted ? { interrupted: signal } : {}),
          statePath: outcome.statePath,
        });
    }
  } finally {
    stop.dispose();
  }
}
