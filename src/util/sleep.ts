/**
 * The one wait of packsmith's polls and retries: `ms` milliseconds, ended at once (its timer
 * cleared) when `signal` aborts. A timer left pending after SIGINT would hold the process until it
 * fires, however little else is left to do.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const end = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    signal?.addEventListener('abort', end, { once: true });
  });
}
