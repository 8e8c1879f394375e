/**
 * packsmith's own bounded retries, for the errors the SDK's standard mode does not retry
 * (aws-config-facts.md §0.8, §4):
 * - `ResourceInUseException`: a create, update or delete of the pack is still in progress
 *   ("try again later"). Terraform retries it around Delete for 5 minutes.
 * - `OrganizationAccessDeniedException` right after trusted access was enabled (eventual
 *   consistency). Terraform retries the Put for 1 minute (`organizationsPropagationTimeout`).
 * Throttling and transient network errors stay the SDK's business.
 */

import { sleep } from '../util/sleep.js';

export interface RetryPolicy {
  /** Error names retried. */
  codes: readonly string[];
  /** Stop retrying once this much time has passed since the first attempt. */
  maxElapsedMs: number;
  /** First wait; doubled each time up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const resourceInUseRetry: RetryPolicy = {
  codes: ['ResourceInUseException'],
  maxElapsedMs: 5 * 60_000,
  baseDelayMs: 5_000,
  maxDelayMs: 30_000,
};

export const trustedAccessPropagationRetry: RetryPolicy = {
  codes: ['OrganizationAccessDeniedException'],
  maxElapsedMs: 60_000,
  baseDelayMs: 2_000,
  maxDelayMs: 10_000,
};

/**
 * CloudFormation StackSets run one operation at a time per stack set (unless managed execution):
 * another operation, such as an automatic deployment to a joining account, answers
 * `OperationInProgressException` ([CFN:CreateStackInstances] errors). packsmith's choice: retry
 * for 10 minutes, a stage waits its turn rather than failing.
 */
export const stackSetOperationInProgressRetry: RetryPolicy = {
  codes: ['OperationInProgressException'],
  maxElapsedMs: 10 * 60_000,
  baseDelayMs: 5_000,
  maxDelayMs: 30_000,
};

export interface RetryHooks {
  /** The wait between attempts (default: util/sleep.ts); it ends early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Called before each wait: what failed, the attempt number, how long we wait. */
  onRetry?: (info: { code: string; attempt: number; delayMs: number }) => void;
  /** Once aborted (SIGINT/SIGTERM), no further wait or attempt: RetryInterrupted is thrown. */
  signal?: AbortSignal;
}

/** A retry given up because the run was stopped by a signal; `cause` is the last AWS error. */
export class RetryInterrupted extends Error {
  override readonly name = 'RetryInterrupted';
  constructor(override readonly cause: unknown) {
    const said = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`stopped by a signal while waiting to try again (${said})`);
  }
}

/** The AWS error name of `error` (SDK exceptions carry it as `name`). */
export function awsErrorName(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string')
    return error.name;
  return undefined;
}

/**
 * Runs `fn`, retrying while it fails with one of the policies' codes and the policy's time budget
 * is not spent. Every other error, and the last retried one, propagates unchanged; a signal ends the
 * wait at once with RetryInterrupted.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policies: readonly RetryPolicy[],
  hooks: RetryHooks = {},
): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  const now = hooks.now ?? Date.now;
  const started = now();
  const attempts = new Map<RetryPolicy, number>();
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const code = awsErrorName(error);
      const policy = policies.find((p) => code !== undefined && p.codes.includes(code));
      if (!policy || code === undefined) throw error;
      const attempt = (attempts.get(policy) ?? 0) + 1;
      attempts.set(policy, attempt);
      const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      if (now() - started + delayMs > policy.maxElapsedMs) throw error;
      if (hooks.signal?.aborted) throw new RetryInterrupted(error);
      hooks.onRetry?.({ code, attempt, delayMs });
      await wait(delayMs, hooks.signal);
      if (hooks.signal?.aborted) throw new RetryInterrupted(error);
    }
  }
}
