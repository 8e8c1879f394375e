/**
 * How a use case refuses: a typed error the shell maps to its exit code. `usage` is a request that
 * cannot be right as given (a pack or Region not in the configuration, a plan file that is not a
 * plan); `refused` is a state of the world that stops the command (problems in the files, a plan
 * that AWS has moved past, a lock held elsewhere). Problems in files travel as `diagnostics`.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export type AppErrorKind = 'usage' | 'refused';

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const usage = (message: string): AppError => new AppError('usage', message);
export const refused = (message: string): AppError => new AppError('refused', message);
