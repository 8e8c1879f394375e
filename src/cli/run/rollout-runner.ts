/**
 * The shell parts `deploy` and `destroy` share: option bounds, confirmation on the terminal, the
 * lock holder's identity, Ctrl-C handling, live progress, and the end-of-run summary (text or JSON).
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { RegionEvent } from '../../rollout/apply.js';
import type { RegionRolloutResult, WaveEvent } from '../../rollout/rollout.js';
import { hintFor } from '../../rollout/hints.js';
import { emptyCounts } from '../../rollout/tracker.js';
import type { StackSetApplyResult } from '../../rollout/stackset.js';
import type { StackSetDestroyResult } from '../../rollout/stackset-destroy.js';
import { createProgress, type Progress } from '../progress.js';
import { createStepProgress, type StepProgress } from '../step-progress.js';
import { failureCausesOf, formatRolloutSummary, summaryJson } from '../rollout-summary.js';
import { formatFailureCauses } from '../account-summary-text.js';
import type { RolloutDocument } from '../../report/schemas/rollout.js';
import { ExitCode, UsageError } from '../errors.js';
import { jsonDocument, type Output } from '../output.js';
import { useColor } from '../terminal.js';
import type { RolloutCommandOptions, TrackingCommandOptions } from '../options.js';
import { timeBounds } from '../../facts/limits.js';
import type { PackRegionResult } from '../../app/deploy.js';

export type { PackRegionResult };
import type { AppEvent, LockHolder, RolloutDeps } from '../../app/events.js';
import { formatPlan } from './planning.js';
import { formatFindings } from './preflight.js';
import { connectFor, printDiagnostics } from './rollout-context.js';
import { printable } from '../../util/text.js';

/** `--poll-interval` and `--timeout`, within their bounds. */
export function trackingSettings(options: TrackingCommandOptions): { intervalMs: number; timeoutMs: number } {
  return {
    intervalMs:
      boundedNumber(options.pollInterval, '--poll-interval', timeBounds.pollIntervalSeconds, 's') * 1000,
    timeoutMs: boundedNumber(options.timeout, '--timeout', timeBounds.timeoutMinutes, 'minutes') * 60_000,
  };
}

/** `--lock-wait` in seconds, within its bounds. */
export function lockWaitSeconds(value: string): number {
  return boundedNumber(value, '--lock-wait', timeBounds.lockWaitSeconds, 's');
}

/** A number option within `range` (src/facts/limits.ts `timeBounds`), or a usage error naming both. */
export function boundedNumber(
  value: string,
  name: string,
  range: { min: number; max: number },
  unit: string,
): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    throw new UsageError(
      `${name} must be a number from ${range.min} to ${range.max} ${unit}, got "${value}"`,
    );
  }
  return n;
}

/** Asks on the terminal; without one, `--yes` is required (CI). */
export async function confirm(question: string, yes: boolean | undefined, io: Output): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError('this needs confirmation and there is no terminal to ask on: pass --yes (for CI)');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Type "yes" to continue: `);
    if (answer.trim().toLowerCase() === 'yes') return true;
    io.err('Nothing was changed.');
    return false;
  } finally {
    rl.close();
  }
}

/** Who takes a lock, as shown to whoever finds it held: no secrets, just user, host and process. */
export function lockHolder(): LockHolder {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no user database entry (containers)
  }
  return { user, host: hostname(), pid: process.pid };
}

/** Whether a process of this host is running (EPERM: it is, under another user). */
/**
 * The dependencies of a use case that changes the organization from this process: AWS clients,
 * Ctrl-C as the signal, confirmation on the terminal (`--yes`), live progress, this process as the
 * lock holder.
 */
export function interactiveDeps(
  options: RolloutCommandOptions & { yes?: boolean },
  io: Output,
  signal: AbortSignal,
  onEvent: (event: AppEvent) => void,
): RolloutDeps {
  return {
    connect: connectFor(options, io),
    signal,
    confirm: (question) => confirm(question, options.yes, io),
    onEvent,
    lockHolder: lockHolder(),
    isProcessAlive,
  };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number, as shells report a process a signal ended. */
export const exitCodeOf = (signal: StopSignal): number =>
  signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;

/**
 * SIGINT (Ctrl-C) and SIGTERM stop cleanly: no put is made after the signal, tracking stops after
 * the current poll (what was observed stays recorded) and the command exits 130 or 143. A second
 * signal exits at once. The signal reaches the rollout as `controller.signal`, its reason the
 * signal's name.
 */
export function interruptible(io: Output): {
  controller: AbortController;
  /** The signal received, if any. */
  received(): StopSignal | undefined;
  dispose(): void;
} {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (name: StopSignal) => {
    if (received) process.exit(exitCodeOf(received));
    received = name;
    io.err(
      `packsmith: ${name} received: stopping, no further put is made (a pack already put keeps rolling out in AWS; ${name === 'SIGINT' ? 'Ctrl-C' : 'a signal'} again to quit now)`,
    );
    controller.abort(name);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    controller,
    received: () => received,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** A signal stopped the command before it changed anything: nothing claimed, exit 130 or 143. */
export function reportCancelledBeforeChange(
  signal: StopSignal,
  format: string,
  io: Output,
  what = 'deployed',
): number {
  if (format === 'json') {
    io.out(
      jsonDocument('rollout', {
        ok: false,
        cancelled: { signal, beforeAnyChange: true, inProgress: 0 },
        regions: [],
      }),
    );
  } else {
    io.err(`packsmith: cancelled before any change (${signal}): nothing was ${what}`);
  }
  return exitCodeOf(signal);
}

/** The sentence for a local status store failure: the store's fault, not AWS's. */
export function storeFailureText(statePath: string, message: string, afterPut: boolean): string {
  return (
    `recording to the status store ${statePath} failed: ${message}; ` +
    (afterPut
      ? 'the put was accepted by AWS and is followed from AWS — follow it with `packsmith status` (this poll is missing from the local history)'
      : 'the deploy goes on from AWS, without a local history of this put')
  );
}

/**
 * Prints what a rollout use case tells as it goes: warnings, preflight findings, the plan (before
 * the confirmation), lock takeovers, and from the opening of the status store live progress.
 */
export function progressFor(options: { quiet?: boolean; format: string }, io: Output) {
  let progress: Progress | undefined;
  // Reading AWS for the plan, before the plan is shown (the same stage `packsmith plan` shows).
  let planning: StepProgress | undefined;
  let statePath = 'file';
  const onEvent = (event: AppEvent): void => {
    switch (event.kind) {
      case 'planning':
        planning ??= createStepProgress({
          stream: process.stderr,
          quiet: Boolean(options.quiet) || options.format === 'json',
        });
        planning.step('reading pack × Region', event.done, event.total);
        break;
      case 'diagnostics':
        printDiagnostics(event.diagnostics, io);
        break;
      case 'preflight':
        if (event.findings.some((f) => f.severity === 'error') || options.format !== 'json')
          io.err(formatFindings(event.findings, io));
        break;
      case 'plan':
        planning?.finish();
        planning = undefined;
        if (options.format !== 'json') io.err(formatPlan(event.plan, io));
        break;
      case 'replanned':
        io.err(
          `${event.pack} was changed in AWS while this deploy waited (${event.moved.join(', ')}); planned again: ` +
            event.regions
              .map((r) => `${r.region} ${r.action}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`)
              .join(', '),
        );
        break;
      case 'store-opened':
        statePath = event.statePath;
        progress = createProgress({
          stream: process.stderr,
          quiet: Boolean(options.quiet) || options.format === 'json',
          color: useColor(process.stderr),
        });
        break;
      case 'lock-taken-over':
        io.err(
          `packsmith: took over the lock of ${event.operation} pid ${event.pid} on this host, which is no longer running` +
            (event.interrupted
              ? `; its ${event.interrupted} unfinished deployment(s) are recorded as interrupted`
              : ''),
        );
        break;
      case 'lock-lost':
        io.err(`packsmith: the deploy lock was lost (${event.message}); stopping`);
        break;
      case 'lock-not-released':
        io.err(`packsmith: the lock was ${event.reason} before it could be released`);
        break;
      case 'rollout':
        if (progress) onRolloutEvent(progress, statePath, event.pack, event.event);
        break;
      case 'stack-set-plan':
        if (options.format !== 'json') for (const line of event.lines) io.err(printable(line));
        break;
      case 'stack-set': {
        const e = event.event;
        const text =
          e.kind === 'operation'
            ? `${event.pack}: stage ${e.stage}: ${e.operation} ${e.operationId}${e.reused ? ' (already issued: followed)' : ''}`
            : e.kind === 'operation-status'
              ? `${event.pack}: stage ${e.stage}: ${e.operationId} ${e.status}`
              : e.kind === 'skipped'
                ? `${event.pack}: stage ${e.stage}: ${e.operation} ${e.operationId} already succeeded`
                : e.kind === 'stack-set-deleted'
                  ? `${event.pack}: stack set ${e.stackSetName} deleted`
                  : `${event.pack}: stack set ${e.stackSetName} created`;
        if (progress) progress.log(printable(text));
        else if (options.format !== 'json') io.err(printable(text));
        break;
      }
    }
  };
  return {
    onEvent,
    finish: () => {
      planning?.finish();
      progress?.finish();
    },
  };
}

function onRolloutEvent(
  progress: Progress,
  statePath: string,
  pack: string,
  event: RegionEvent | WaveEvent,
): void {
  const label = `${pack} ${event.region}`;
  switch (event.kind) {
    case 'wave-start':
      progress.log(
        `${label}: wave ${event.wave} (${event.index + 1} of ${event.total}), ${event.accounts} account(s)`,
      );
      break;
    case 'wave-end':
      progress.log(`${label}: ${waveEndText(event)}`);
      break;
    case 'rollback':
      progress.log(
        `${label}: rolling back to ${event.to === 'previous' ? 'the previous deployment' : 'no pack'}`,
      );
      break;
    case 'staged':
      // A warning shows whatever the format and --quiet: the bucket was tampered with.
      if (event.replaced)
        process.stderr.write(
          `packsmith: warning: ${label}: ${event.key} in bucket ${event.bucket} did not match its hash; it was replaced\n`,
        );
      progress.log(`${label}: template ${event.uploaded ? 'uploaded to' : 'already at'} ${event.uri}`);
      break;
    case 'put':
      progress.log(`${label}: accepted by AWS at ${event.since.toISOString()}; following every account`);
      break;
    case 'unconfirmed':
      progress.log(
        `${label}: warning: the put was accepted but DescribeOrganizationConformancePacks did not show it after ${event.attempts} read(s); the deployment record is marked unconfirmed and the next plan verifies it`,
      );
      break;
    case 'retry':
      progress.log(`${label}: ${event.code}, trying again in ${Math.round(event.delayMs / 1000)} s`);
      break;
    case 'poll':
      progress.update(label, event.snapshot.counts, event.snapshot.total);
      break;
    case 'store-failed':
      progress.log(`${label}: ${storeFailureText(statePath, event.message, event.afterPut)}`);
      break;
  }
}

/** How the run ended beyond its results: a signal, and where the local history is. */
export interface RunEnding {
  interrupted?: StopSignal;
  /** The status store's path as shown to the user. */
  statePath?: string;
  /** The command that continues an interrupted run. */
  resumeWith?: string;
  /** The stack sets of the run (`engine: stackset`), shown in the JSON document; `ok` only when each is. */
  stackSets?: { documents: NonNullable<RolloutDocument['stackSets']>; ok: boolean };
}

const isOk = (r: PackRegionResult | { outcome: string }) =>
  r.outcome === 'succeeded' || r.outcome === 'unchanged';

/**
 * Prints the end-of-run summary; returns the exit code: 130/143 when a signal stopped the run, 1
 * when any Region or account failed or the local status store could not record, else 0.
 */
export function reportResults(
  results: readonly PackRegionResult[],
  unchanged: ReadonlyArray<{ pack: string; orgPackName: string; region: string }>,
  format: string,
  io: Output,
  ending: RunEnding = {},
): number {
  const storeFailed = results.filter((r) => r.storeError !== undefined);
  const ok =
    results.every(isOk) && storeFailed.length === 0 && !ending.interrupted && ending.stackSets?.ok !== false;
  const code = ending.interrupted ? exitCodeOf(ending.interrupted) : ok ? 0 : 1;
  const inProgress = results.reduce(
    (n, r) => n + (r.counts ? r.counts.pending + r.counts['in-progress'] : 0),
    0,
  );
  if (format === 'json') {
    const regions: RolloutDocument['regions'] = [
      ...results.map((r) => {
        const counts = r.counts ?? emptyCounts();
        const json = summaryJson({
          pack: r.pack,
          region: r.region,
          operation: r.operation,
          accounts: r.accounts,
          counts,
          outcome: r.outcome === 'put-failed' || r.outcome === 'stopped' ? 'failed' : r.outcome,
        });
        const hint = r.error ? hintFor(r.error.code, r.error.message) : undefined;
        const rollout = r.rollout;
        return {
          ...json,
          orgPackName: r.orgPackName,
          outcome: r.outcome,
          ...(r.error ? { error: r.error } : {}),
          ...(hint ? { hint } : {}),
          ...(r.deploymentId !== undefined ? { deploymentId: r.deploymentId } : {}),
          ...(r.storeError !== undefined ? { storeError: r.storeError } : {}),
          ...(rollout && rollout.waves.length
            ? {
                waves: rollout.waves.map((w) => ({
                  name: w.name,
                  accounts: w.accounts,
                  failed: w.failedInWave,
                  allowedFailures: w.allowed,
                  outcome: w.result.outcome,
                  resumed: w.resumed,
                })),
              }
            : {}),
          ...(rollout?.stoppedAt
            ? {
                stoppedAt: {
                  wave: rollout.stoppedAt.wave,
                  failed: rollout.stoppedAt.failed,
                  allowedFailures: rollout.stoppedAt.allowed,
                },
              }
            : {}),
          ...(rollout?.rolledBack
            ? { rolledBack: { to: rollout.rolledBack.to, outcome: rollout.rolledBack.result.outcome } }
            : {}),
        };
      }),
      ...unchanged.map((u) => ({
        pack: u.pack,
        orgPackName: u.orgPackName,
        region: u.region,
        operation: 'none' as const,
        outcome: 'unchanged' as const,
        counts: emptyCounts(),
        targets: 0,
        failed: [],
        notReported: [],
        suspended: [],
        joined: [],
        outsideTargets: [],
      })),
    ];
    const cancelled = ending.interrupted
      ? { cancelled: { signal: ending.interrupted, beforeAnyChange: false, inProgress } }
      : {};
    const failures = failureCausesOf(results);
    io.out(
      jsonDocument('rollout', {
        ok,
        ...cancelled,
        regions,
        ...(ending.stackSets?.documents.length ? { stackSets: ending.stackSets.documents } : {}),
        ...(failures.length ? { failures } : {}),
      }),
    );
    return code;
  }
  const color = useColor(process.stdout);
  const p = io.paint;
  const blocks: string[] = [];
  for (const r of results) {
    if (r.outcome === 'put-failed') {
      const hint = r.error ? hintFor(r.error.code, r.error.message) : undefined;
      blocks.push(
        [
          `${p.bold(r.pack)} ${r.operation} in ${r.region} ${p.red('was refused by AWS')}: ${r.error?.code ?? ''}`,
          `  ${r.error?.message ?? ''}`,
          ...(hint ? [`  ${p.cyan('hint:')} ${hint}`] : []),
        ].join('\n'),
      );
      continue;
    }
    const summary = formatRolloutSummary({
      pack: r.pack,
      region: r.region,
      operation: r.operation,
      accounts: r.accounts,
      counts: r.counts ?? emptyCounts(),
      outcome: r.outcome === 'stopped' ? 'failed' : r.outcome,
      color,
      failures: false,
    });
    blocks.push(r.rollout?.waves.length ? `${summary}\n${formatWaves(r, p)}` : summary.trimEnd());
  }
  for (const u of unchanged)
    blocks.push(`${p.bold(u.pack)} in ${u.region}: ${p.dim('unchanged, nothing to do')}`);
  const causes = failureCausesOf(results.filter((r) => r.outcome !== 'put-failed'));
  if (causes.length > 0) blocks.push(formatFailureCauses(causes, p).join('\n'));
  for (const r of storeFailed) {
    blocks.push(
      p.red(
        `${r.pack} in ${r.region}: ${storeFailureText(ending.statePath ?? 'file', r.storeError ?? '', r.outcome !== 'put-failed')}`,
      ),
    );
  }
  if (ending.interrupted) {
    blocks.push(
      p.yellow(
        `Stopped by ${ending.interrupted}: ${inProgress} account(s) were still in progress. AWS goes on rolling out what was put: ` +
          `follow it with \`packsmith status\`${ending.resumeWith ? `, or continue with \`${ending.resumeWith}\`` : ''}.`,
      ),
    );
  }
  io.out(blocks.join('\n\n'));
  return code;
}

/** The end of a wave as it happened: done, stopped by its failures, or interrupted mid-way. */
export function waveEndText(event: Extract<WaveEvent, { kind: 'wave-end' }>): string {
  if (event.interrupted)
    return `wave ${event.wave} interrupted: ${event.inProgress} account(s) still in progress, ${event.failed} failed so far`;
  return `wave ${event.wave} ${event.stopped ? 'stopped the rollout' : 'done'}: ${event.failed} failed (tolerance ${event.allowed})`;
}

/** The waves of a Region's rollout, and what to do when it stopped. */
export function formatWaves(r: PackRegionResult, p: Output['paint']): string {
  const rollout = r.rollout as RegionRolloutResult;
  const lines = ['', 'Waves:'];
  for (const w of rollout.waves) {
    const failed = w.failedInWave.length;
    const resumed = w.resumed ? ', resumed without a new put' : '';
    if (w.interrupted) {
      lines.push(
        `  ${p.yellow('…')} ${w.name}: ${w.accounts} account(s), interrupted, ${w.inProgress} in progress, ${failed} failed so far${resumed}; continue with \`packsmith deploy ${r.pack} --resume\``,
      );
      continue;
    }
    const mark = failed > w.allowed ? p.red('✗') : p.green('✓');
    lines.push(
      `  ${mark} ${w.name}: ${w.accounts} account(s), ${failed} failed (tolerance ${w.allowed})${resumed}`,
    );
  }
  if (rollout.stoppedAt) {
    const s = rollout.stoppedAt;
    lines.push(
      '',
      p.red(
        `The rollout stopped after wave ${s.wave}: ${s.failed.length} of its accounts failed, more than the ${s.allowed} it tolerates.`,
      ),
    );
    if (rollout.rolledBack) {
      const rb = rollout.rolledBack;
      lines.push(
        rb.to === 'previous'
          ? `Rolled back: the previous template and parameters were put again for the whole organization (${rb.result.outcome}).`
          : `Rolled back: the pack had no earlier deployment here, so it was deleted (${rb.result.outcome}).`,
      );
    } else {
      lines.push(
        `The pack stays as it is: the accounts of later waves did not get it. Fix the failed accounts listed above, then run \`packsmith deploy ${r.pack} --resume\`.`,
      );
    }
  }
  return lines.join('\n');
}

/** A stack set's result in `deploy` / `destroy --format json`: its stages, operations and failures. */
export function stackSetDocument(
  r: StackSetApplyResult | StackSetDestroyResult,
): NonNullable<RolloutDocument['stackSets']>[number] {
  return {
    stackSetName: r.stackSetName,
    outcome: r.outcome,
    stages: r.stages.map((s) => ({
      stage: s.stage,
      outcome: s.outcome,
      operations: s.operations.map((o) => ({ operationId: o.operationId, status: o.status })),
      failures: s.failures.map((f) => ({ ...f })),
    })),
  };
}
