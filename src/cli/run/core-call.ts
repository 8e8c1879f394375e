/**
 * A core call from the shell: the core's refusals (`AppError`) become the CLI's, with their
 * diagnostics printed. Kept apart from rollout-context.ts so that commands which never reach AWS
 * (`build`, `validate`) do not load the AWS SDK (measured: ~0.15 s of CPU in `packsmith build`).
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText } from '../../diagnostics/format-text.js';
import { AppError } from '../../app/errors.js';
import { CliError, UsageError } from '../errors.js';
import type { Output } from '../output.js';

/** Prints every diagnostic and stops with exit code 1 when one is an error. */
export function stopOnErrors(diagnostics: readonly Diagnostic[], io: Output): void {
  printDiagnostics(diagnostics, io);
  if (diagnostics.some((d) => d.severity === 'error'))
    throw new CliError('stopped: fix the problems above first');
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], io: Output): void {
  if (diagnostics.length > 0) io.err(formatDiagnosticsText(diagnostics, io.paint));
}

/** Runs a core call; its refusal becomes the CLI's (problems printed, exit 2 for usage, else 1). */
export async function fromCore<T>(io: Output, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cliErrorOf(error, io);
  }
}

function cliErrorOf(error: unknown, io: Output): unknown {
  if (!(error instanceof AppError)) return error;
  printDiagnostics(error.diagnostics, io);
  return error.kind === 'usage' ? new UsageError(error.message) : new CliError(error.message);
}

/** Same as `fromCore`, for a synchronous call. */
export function fromCoreSync<T>(io: Output, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw cliErrorOf(error, io);
  }
}
