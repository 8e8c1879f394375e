/**
 * `packsmith deploy`: the options checked, the dependencies built (AWS clients, Ctrl-C as an
 * AbortSignal, confirmation on the terminal, live progress), one call of the deploy use case
 * (src/app/deploy.ts), and its outcome printed with the exit code.
 */
import { deploy } from '../../app/deploy.js';
import { stackSetResultLines } from '../../app/stackset.js';
import type { StackSetApplyResult } from '../../rollout/stackset.js';
import { printable } from '../../util/text.js';
import { UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import type { DeployCommandOptions } from '../options.js';
import { fromCore, selectionOf } from './rollout-context.js';
import {
  interactiveDeps,
  interruptible,
  lockWaitSeconds,
  progressFor,
  reportCancelledBeforeChange,
  reportResults,
  stackSetDocument,
  trackingSettings,
} from './rollout-runner.js';

/** The stack sets' rollouts: each stage, and the failed accounts with AWS's reasons; 1 when one did not succeed. */
function reportStackSets(
  results: readonly StackSetApplyResult[],
  io: ReturnType<typeof processOutput>,
): number {
  for (const line of results.flatMap(stackSetResultLines)) io.err(printable(line));
  const failed = results.filter((r) => r.outcome !== 'succeeded');
  if (failed.length === 0) return 0;
  io.err(
    `${failed.map((r) => r.stackSetName).join(', ')} stopped: later stages were not started. ` +
      'Fix the failed accounts, then run `packsmith deploy --resume`.',
  );
  return 1;
}

export async function runDeploy(packs: string[], options: DeployCommandOptions): Promise<number> {
  const io = processOutput();
  const regionConcurrency =
    options.regionConcurrency === undefined ? undefined : Number(options.regionConcurrency);
  if (regionConcurrency !== undefined && (!Number.isInteger(regionConcurrency) || regionConcurrency < 1)) {
    throw new UsageError('--region-concurrency must be a positive integer');
  }
  const request = {
    lockWaitSeconds: lockWaitSeconds(options.lockWait),
    tracking: trackingSettings(options),
    ...(options.plan ? { planFile: options.plan } : {}),
    ...(options.resume ? { resume: true } : {}),
    ...(options.rollback ? { rollback: true } : {}),
    ...(regionConcurrency !== undefined ? { regionConcurrency } : {}),
  };
  // From here on, every exit goes through the finally below: no signal handler is left behind.
  const stop = interruptible(io);
  const printer = progressFor(options, io);
  try {
    const outcome = await fromCore(io, () =>
      deploy(
        selectionOf(packs, options),
        request,
        interactiveDeps(options, io, stop.controller.signal, printer.onEvent),
      ).finally(printer.finish),
    );
    const signal = stop.received();
    if (outcome.kind === 'cancelled') {
      // Cancelled before any change: only a signal cancels.
      return reportCancelledBeforeChange(signal ?? 'SIGINT', options.format, io);
    }
    if (outcome.kind === 'declined') return 1;
    if (outcome.nothingToDo && options.format !== 'json') {
      io.err(
        options.resume
          ? 'Nothing to resume: no rollout in waves is unfinished.'
          : 'Nothing to deploy: every pack is up to date.',
      );
    }
    if (outcome.nothingToDo) return reportResults([], outcome.unchanged, options.format, io);
    const code = reportResults(outcome.results, outcome.unchanged, options.format, io, {
      ...(signal && outcome.interrupted ? { interrupted: signal } : {}),
      statePath: outcome.statePath,
      resumeWith: 'packsmith deploy --resume',
      stackSets: {
        ok: outcome.stackSets.every((r) => r.outcome === 'succeeded'),
        documents: outcome.stackSets.map(stackSetDocument),
      },
    });
    return Math.max(code, reportStackSets(outcome.stackSets, io));
  } finally {
    stop.dispose();
  }
}
