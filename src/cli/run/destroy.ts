/**
 * `packsmith destroy PACK`: the options checked, the dependencies built, one call of the destroy
 * use case (src/app/destroy.ts), and its outcome printed with the exit code.
 */
import { destroy, type PresentRegion } from '../../app/destroy.js';
import type { StackSetDestroyResult } from '../../rollout/stackset-destroy.js';
import { printable } from '../../util/text.js';
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
  stackSetDocument,
  trackingSettings,
} from './rollout-runner.js';

/** What the deletion removes, shown before the confirmation. */
function describeDestroy(
  io: Output,
  orgPackName: string,
  present: readonly PresentRegion[],
  absent: readonly string[],
  engine?: 'stackset',
): void {
  const p = io.paint;
  if (engine === 'stackset') {
    if (absent.length) {
      io.err(p.dim(`stack set ${orgPackName} does not exist: nothing to delete`));
      return;
    }
    io.err(
      [
        p.bold(`Destroy stack set ${orgPackName} (engine: stackset)`),
        ...present.map((r) => `  ${r.region}: ${r.holders.length} stack instance(s)`),
        "  the instances stage by stage (in the stages' order, the canary first), then the stack set",
        p.yellow(
          "Deleting them removes the pack's conformance pack, its rules and remediations, from every one of these accounts, and with the rules their evaluation history (compliance results). This cannot be undone.",
        ),
      ].join('\n'),
    );
    return;
  }
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
        describe: (orgPackName, present, absent, engine) =>
          describeDestroy(io, orgPackName, present, absent, engine),
      }).finally(printer.finish),
    );
    const signal = stop.received();
    switch (outcome.kind) {
      case 'absent':
        io.err(
          outcome.engine === 'stackset'
            ? `Nothing to destroy: stack set ${outcome.orgPackName} does not exist.`
            : `Nothing to destroy: ${outcome.orgPackName} exists in none of the selected Regions.`,
        );
        return 0;
      case 'declined':
        return 1;
      case 'cancelled':
        return reportCancelledBeforeChange(signal ?? 'SIGINT', options.format, io, 'deleted');
      case 'stack-set': {
        const r = outcome.result;
        const code = reportResults([], [], options.format, io, {
          ...(signal && outcome.interrupted ? { interrupted: signal } : {}),
          statePath: outcome.statePath,
          stackSets: {
            ok: r.outcome === 'deleted',
            documents: [
              {
                ...stackSetDocument(r),
                ...(r.remaining.length ? { remaining: r.remaining.map((i) => ({ ...i })) } : {}),
              },
            ],
          },
        });
        return Math.max(code, reportStackSetDestroy(r, pack, signal !== undefined, io));
      }
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

/** Each stage's deletion, the instances left with AWS's reasons; 1 unless the stack set is gone. */
function reportStackSetDestroy(
  result: StackSetDestroyResult,
  pack: string,
  interrupted: boolean,
  io: ReturnType<typeof processOutput>,
): number {
  const lines = [`${result.stackSetName}: ${result.outcome === 'deleted' ? 'deleted' : result.outcome}`];
  for (const s of result.stages) {
    lines.push(
      `  stage ${s.stage}: ${s.outcome}, ${s.instances} instance(s)${s.operations.length ? ` (${s.operations.map((o) => `delete-instances ${o.operationId} ${o.status}`).join(', ')})` : ''}`,
    );
    for (const f of s.failures)
      lines.push(`    ${f.account} ${f.region}: ${f.status}${f.reason ? `: ${f.reason}` : ''}`);
  }
  if (result.remaining.length) {
    // Each instance a deletion could not remove (INOPERABLE), with AWS's reason; the others counted.
    const failed = result.remaining.filter((r) => r.status === 'INOPERABLE');
    lines.push(`  ${result.remaining.length} stack instance(s) remain, so the stack set was not deleted:`);
    for (const r of failed)
      lines.push(`    ${r.account} ${r.region}: ${r.status ?? 'unknown'}${r.reason ? `: ${r.reason}` : ''}`);
    const others = result.remaining.length - failed.length;
    if (others > 0) lines.push(`    and ${others} other instance(s) not deleted yet`);
  }
  for (const line of lines) io.err(printable(line));
  if (result.outcome === 'deleted') return 0;
  io.err(
    interrupted
      ? `Stopped: run \`packsmith destroy ${pack}\` again to continue (an operation already issued is followed, not repeated).`
      : `Fix the accounts above (see \`packsmith status ${pack}\`), then run \`packsmith destroy ${pack}\` again: it continues with what remains.`,
  );
  return 1;
}
