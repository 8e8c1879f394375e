/**
 * withRetries on a fake clock: the sleep advances `now`, so the delays and the time budget are
 * exact and the test takes no time.
 */
import { describe, expect, it } from 'vitest';
import {
  awsErrorName,
  resourceInUseRetry,
  RetryInterrupted,
  trustedAccessPropagationRetry,
  withRetries,
  type RetryPolicy,
} from '../../src/aws/retry.js';
import { untilAborted } from '../support/waits.js';

const awsError = (name: string) => Object.assign(new Error(`${name}: try again later`), { name });

function fakeClock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
  };
}

/** Fails with the given errors in turn, then returns `value`. */
function failing<T>(errors: Error[], value: T) {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return value;
  };
  return { fn, calls: () => calls };
}

const policy: RetryPolicy = {
  codes: ['ResourceInUseException'],
  maxElapsedMs: 100_000,
  baseDelayMs: 5_000,
  maxDelayMs: 30_000,
};

describe('withRetries', () => {
  it('retries with doubling delays capped at maxDelay, then returns the result', async () => {
    const clock = fakeClock();
    const op = failing(
      Array.from({ length: 5 }, () => awsError('ResourceInUseException')),
      'done',
    );
    await expect(withRetries(op.fn, [policy], clock)).resolves.toBe('done');
    const expected = [0, 1, 2, 3, 4].map((i) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** i));
    expect(clock.slept).toEqual(expected);
    // The cap is reached: the last waits are equal and never above it.
    expect(Math.max(...clock.slept)).toBe(policy.maxDelayMs);
    expect(op.calls()).toBe(6);
  });

  it('stops before a wait would exceed the elapsed budget and rethrows the same error object', async () => {
    const clock = fakeClock();
    const errors = Array.from({ length: 50 }, () => awsError('ResourceInUseException'));
    const op = failing(errors, 'never');
    const thrown = await withRetries(op.fn, [policy], clock).catch((e: unknown) => e);
    // The error of the last attempt, unchanged (not a wrapper).
    expect(thrown).toBe(errors[op.calls() - 1]);
    const total = clock.slept.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(policy.maxElapsedMs);
    // One more wait (at least the cap, by then) would have gone over the budget.
    expect(total + policy.maxDelayMs).toBeGreaterThan(policy.maxElapsedMs);
    expect(op.calls()).toBe(clock.slept.length + 1);
  });

  it('does not retry other errors, nor errors without a name it knows', async () => {
    const clock = fakeClock();
    const denied = awsError('AccessDeniedException');
    const op = failing([denied], 'never');
    await expect(withRetries(op.fn, [policy], clock)).rejects.toBe(denied);
    expect(op.calls()).toBe(1);
    expect(clock.slept).toEqual([]);
    await expect(
      withRetries(() => Promise.reject('ResourceInUseException' as unknown as Error), [policy], clock),
    ).rejects.toBe('ResourceInUseException');
    expect(clock.slept).toEqual([]);
  });

  it('a signal ends the wait at once and stops retrying: RetryInterrupted carries the AWS error', async () => {
    const busy = awsError('ResourceInUseException');
    const { fn, calls } = failing([busy, busy, busy], 'done');
    const controller = new AbortController();
    // A wait that never ends by itself: only the abort can end it (else the test times out).
    const pending = withRetries(fn, [policy], { signal: controller.signal, sleep: untilAborted });
    const failed = pending.catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const error = await failed;
    expect(error).toBeInstanceOf(RetryInterrupted);
    expect((error as RetryInterrupted).cause).toBe(busy);
    expect((error as Error).message).toMatch(
      /stopped by a signal while waiting to try again \(ResourceInUseException/,
    );
    expect(calls()).toBe(1);
    // Already aborted: not even one wait.
    const again = failing([busy], 'done');
    await expect(withRetries(again.fn, [policy], { signal: controller.signal })).rejects.toBeInstanceOf(
      RetryInterrupted,
    );
    expect(again.calls()).toBe(1);
  });

  it('calls onRetry before each wait with the code, attempt number and delay', async () => {
    const clock = fakeClock();
    const seen: Array<{ code: string; attempt: number; delayMs: number }> = [];
    const op = failing(
      Array.from({ length: 3 }, () => awsError('ResourceInUseException')),
      1,
    );
    await withRetries(op.fn, [policy], { ...clock, onRetry: (info) => seen.push(info) });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.delayMs)).toEqual(clock.slept);
    expect(new Set(seen.map((s) => s.code))).toEqual(new Set(['ResourceInUseException']));
  });

  it('keeps one attempt count per policy when two policies are given', async () => {
    const clock = fakeClock();
    const seen: Array<{ code: string; attempt: number; delayMs: number }> = [];
    const inUse = () => awsError('ResourceInUseException');
    const denied = () => awsError('OrganizationAccessDeniedException');
    const op = failing([denied(), inUse(), denied(), inUse(), inUse()], 'ok');
    await expect(
      withRetries(op.fn, [resourceInUseRetry, trustedAccessPropagationRetry], {
        ...clock,
        onRetry: (info) => seen.push(info),
      }),
    ).resolves.toBe('ok');
    expect(seen.map((s) => [s.code, s.attempt])).toEqual([
      ['OrganizationAccessDeniedException', 1],
      ['ResourceInUseException', 1],
      ['OrganizationAccessDeniedException', 2],
      ['ResourceInUseException', 2],
      ['ResourceInUseException', 3],
    ]);
    const delay = (p: RetryPolicy, attempt: number) =>
      Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
    expect(clock.slept).toEqual([
      delay(trustedAccessPropagationRetry, 1),
      delay(resourceInUseRetry, 1),
      delay(trustedAccessPropagationRetry, 2),
      delay(resourceInUseRetry, 2),
      delay(resourceInUseRetry, 3),
    ]);
  });
});

describe('awsErrorName', () => {
  it('reads the name of SDK-like errors only', () => {
    expect(awsErrorName(awsError('ThrottlingException'))).toBe('ThrottlingException');
    expect(awsErrorName({ name: 42 })).toBeUndefined();
    expect(awsErrorName('ResourceInUseException')).toBeUndefined();
    expect(awsErrorName(null)).toBeUndefined();
  });
});
