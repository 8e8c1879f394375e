/**
 * `packsmith deploy`: the options checked, the dependencies built (AWS clients, Ctrl-C as an
 * AbortSignal, confirmation on the terminal, live progress), one call of the deploy use case
 * (src/app/deploy.ts), and its outcome printed with the exit code.
 */
import { deploy } from '../../app/deploy.js';
import { UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import type { DeployCommandOptions } from '../options.js';
import { connectFor, fromCore, selectionOf } from './rollout-context.js';
import {
  confirm,
  interruptible,
  isProcessAlive,
  lockHolder,
  lockWaitSeconds,
  progressFor,
  reportCancelledBeforeChange,
  reportResults,
  trackingSettings,
} from './rollout-runner.js';

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
      deploy(selectionOf(packs, options), request, {
        connect: connectFor(options, io),
        signal: stop.controller.signal,
        confirm: (question) => confirm(question, options.yes, io),
        onEvent: printer.onEvent,
        lockHolder: lockHolder(),
        isProcessAlive,
      }).finally(printer.finish),
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
    return reportResults(outcome.results, outcome.unchanged, options.format, io, {
      ...(signal && outcome.interrupted ? { interrupted: signal } : {}),
      statePath: outcome.statePath,
      resumeWith: 'packsmith deploy --resume',
    });
  } finally {
    stop.dispose();
  }
}
