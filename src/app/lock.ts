/** The lock of one org pack, shared by deploy and destroy: taken, kept alive while working, released. */
import { LockHeldError, acquireLock, type Lock } from '../rollout/lock.js';
import type { StatusStore } from '../state/store.js';
import { refused } from './errors.js';
import type { RolloutContext } from './context.js';
import type { AppEvent, RolloutDeps } from './events.js';

/** A lock lives this long unless refreshed; a deploy refreshes it every third of that. */
const LOCK_TTL_MS = 15 * 60_000;

/**
 * The lock of one org pack, in the template bucket of the configuration's first Region. A lock
 * left by a dead process of this host is taken over, told as an event, and that run's unfinished
 * rows are closed as interrupted in `store`.
 */
export async function lockPack(
  ctx: Pick<RolloutContext, 'aws' | 'config'>,
  { pack, orgPackName }: { pack: string; orgPackName: string },
  operation: string,
  waitSeconds: number,
  deps: Pick<RolloutDeps, 'lockHolder' | 'isProcessAlive' | 'onEvent'>,
  store?: StatusStore,
): Promise<Lock> {
  const region = ctx.config.regions[0] as string;
  const { user, host, pid } = deps.lockHolder;
  try {
    const lock = await acquireLock(ctx.aws.s3(region), {
      bucket: ctx.config.templateBuckets[region] as string,
      owner: ctx.config.deployingAccount,
      orgPackName,
      holder: { who: `${user}@${host} pid ${pid}`, operation, host, pid },
      takeOver: { host, isProcessAlive: deps.isProcessAlive },
      ttlMs: LOCK_TTL_MS,
      ...(waitSeconds > 0 ? { wait: { timeoutMs: waitSeconds * 1000, pollMs: 2_000 } } : {}),
    });
    if (lock.tookOver) {
      const closed = store?.interruptUnfinished(orgPackName) ?? [];
      deps.onEvent?.({
        kind: 'lock-taken-over',
        operation: lock.tookOver.operation,
        pid: lock.tookOver.pid,
        interrupted: closed.length,
      });
    }
    return lock;
  } catch (error) {
    // `unlock` takes the configuration's pack name, which the org pack name need not be.
    if (error instanceof LockHeldError)
      throw refused(error.message.replace(`packsmith unlock ${orgPackName}\``, `packsmith unlock ${pack}\``));
    throw error;
  }
}

/** Keeps the lock alive while `work` runs; aborts `controller` if the lock is lost. */
export async function holdingLock<T>(
  lock: Lock,
  controller: AbortController,
  emit: (event: AppEvent) => void,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => {
    lock.refresh().catch((error: unknown) => {
      emit({ kind: 'lock-lost', message: (error as Error).message });
      controller.abort();
    });
  }, LOCK_TTL_MS / 3);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    const released = await lock.release().catch(() => undefined);
    if (released && !released.released) emit({ kind: 'lock-not-released', reason: released.reason });
  }
}

/** An AbortController that follows `signal` (a lock lost aborts only this one). */
export function followSignal(signal: AbortSignal | undefined): AbortController {
  const controller = new AbortController();
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}
