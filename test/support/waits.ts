/**
 * A `sleep` for retry and poll hooks that never ends by itself, only once `signal` has aborted (at
 * once when it already has, like util/sleep.ts): a test that passes only if the abort ends the wait.
 */
export const untilAborted = (_ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
