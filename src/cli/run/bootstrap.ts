/**
 * `packsmith bootstrap`: the options checked, the dependencies built, one call of the bootstrap use
 * case (src/app/bootstrap.ts), its plan and results printed with the exit code.
 */
import { bootstrap } from '../../app/bootstrap.js';
import { hasChanges, stackSetResultLines } from '../../app/stackset.js';
import { printable } from '../../util/text.js';
import { processOutput } from '../output.js';
import type { BootstrapCommandOptions } from '../options.js';
import { fromCore, selectionOf } from './rollout-context.js';
import {
  interactiveDeps,
  interruptible,
  lockWaitSeconds,
  progressFor,
  trackingSettings,
} from './rollout-runner.js';

export async function runBootstrap(packs: string[], options: BootstrapCommandOptions): Promise<number> {
  const io = processOutput();
  const request = {
    lockWaitSeconds: lockWaitSeconds(options.lockWait),
    tracking: trackingSettings(options),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.resume ? { resume: true } : {}),
  };
  const stop = interruptible(io);
  const printer = progressFor({ ...options, format: 'text' }, io);
  try {
    const outcome = await fromCore(io, () =>
      bootstrap(
        selectionOf(packs, options),
        request,
        interactiveDeps(options, io, stop.controller.signal, printer.onEvent),
      ).finally(printer.finish),
    );
    if (outcome.kind === 'declined') return 1;
    for (const role of outcome.roles)
      io.err(
        printable(
          `remediation role ${role.name}: ${role.references.map((r) => `${r.pack} ${r.remediation}`).join(', ')}`,
        ),
      );
    if (outcome.plans.length === 0) {
      io.err(
        'Nothing to bootstrap: no pack references a remediation role and `bootstrap.recorder` is not set.',
      );
      return 0;
    }
    if (outcome.dryRun) {
      io.err(
        outcome.plans.some(hasChanges)
          ? 'Dry run: nothing was changed. Run `packsmith bootstrap` to deploy this plan.'
          : 'Nothing to bootstrap: every stack set is up to date.',
      );
      return 0;
    }
    if (outcome.results.length === 0) {
      io.err('Nothing to bootstrap: every stack set is up to date.');
      return 0;
    }
    for (const line of outcome.results.flatMap(stackSetResultLines)) io.err(printable(line));
    const failed = outcome.results.filter((r) => r.outcome !== 'succeeded');
    if (failed.length === 0) return 0;
    io.err(
      `${failed.map((r) => r.stackSetName).join(', ')} did not finish. Fix the failed accounts, then run \`packsmith bootstrap --resume\`.`,
    );
    return 1;
  } finally {
    stop.dispose();
  }
}
