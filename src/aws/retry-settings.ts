/**
 * How many attempts and which retry mode a call gets, resolved the way the AWS CLI and SDKs do:
 * `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE`, else the profile's `max_attempts` / `retry_mode` in the
 * shared config file, else packsmith's default (standard mode, 5 attempts: deterministic across SDK
 * releases, see aws-config-facts.md §4). Explicit settings (tests) win over all of them.
 */
import {
  AdaptiveRetryStrategy,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { loadConfig } from '@smithy/core/config';
import type { Provider, RetryStrategyV2 } from '@smithy/types';

/** packsmith's default when neither the environment nor the profile says: the SDK's is 3. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export type RetryMode = 'standard' | 'adaptive';

/** Attempts per call, from explicit settings, the environment, the profile or the default. */
export function maxAttemptsProvider(
  explicit: number | undefined,
  profile: string | undefined,
): Provider<number> {
  if (explicit !== undefined) return () => Promise.resolve(explicit);
  return loadConfig(
    { ...NODE_MAX_ATTEMPT_CONFIG_OPTIONS, default: DEFAULT_MAX_ATTEMPTS },
    profileOption(profile),
  );
}

/** The retry mode; `legacy` (which the SDK v3 does not have) is read as `standard`, as the SDK does. */
export function retryModeProvider(profile: string | undefined): Provider<RetryMode> {
  const load = loadConfig(
    { ...NODE_RETRY_MODE_CONFIG_OPTIONS, default: 'standard' },
    profileOption(profile),
  ) as Provider<string>;
  return async () => ((await load()).toLowerCase() === 'adaptive' ? 'adaptive' : 'standard');
}

/**
 * A retry strategy that learns its mode and attempts on the first call (they may come from a file)
 * and then keeps them: one strategy per client, like the SDK's own.
 */
export function configuredRetryStrategy(
  mode: Provider<RetryMode>,
  attempts: Provider<number>,
): RetryStrategyV2 {
  let strategy: Promise<RetryStrategyV2> | undefined;
  const inner = () =>
    (strategy ??= mode().then((m) =>
      m === 'adaptive' ? new AdaptiveRetryStrategy(attempts) : new StandardRetryStrategy(attempts),
    ));
  return {
    acquireInitialRetryToken: async (scope) => (await inner()).acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: async (token, info) => (await inner()).refreshRetryTokenForRetry(token, info),
    recordSuccess: (token) => {
      void inner().then((s) => s.recordSuccess(token));
    },
  };
}

function profileOption(profile: string | undefined): { profile?: string } {
  return profile ? { profile } : {};
}
