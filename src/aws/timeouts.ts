/**
 * Bounded AWS calls: how many attempts a call gets while they time out, and the message of a call
 * that never got an answer. The timeouts themselves are `awsRequestTimeouts` (src/facts/limits.ts).
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/** A call whose every attempt timed out: the service's endpoint is silent or unreachable. */
export class AwsNoAnswerError extends Error {
  constructor(
    message: string,
    readonly service: string,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = 'AwsNoAnswerError';
  }
}

const serviceNames: Readonly<Record<string, string>> = {
  config: 'AWS Config',
  organizations: 'Organizations',
  sts: 'STS',
  s3: 'S3',
};

/** Whether `error` is the HTTP handler's timeout (connection or request). */
export function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'TimeoutError' || code === 'ETIMEDOUT';
}

/**
 * Wraps a retry strategy so that a call stops once `attempts` of its attempts have timed out:
 * the SDK's standard retries would wait out every one of their attempts on a silent endpoint.
 */
export function boundTimeouts(inner: RetryStrategyV2, attempts: number): RetryStrategyV2 {
  const timedOut = new WeakMap<RetryToken, number>();
  return {
    acquireInitialRetryToken: (scope) => inner.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo) {
      const count = (timedOut.get(token) ?? 0) + (isTimeout(info.error) ? 1 : 0);
      // Throwing ends the retries: the SDK then throws the call's last error.
      if (count >= attempts) throw info.error ?? new Error('timed out');
      const next = await inner.refreshRetryTokenForRetry(token, info);
      timedOut.set(next, count);
      return next;
    },
    recordSuccess: (token) => inner.recordSuccess(token),
  };
}

/** The endpoint a call was sent to (scheme, host and port), once the SDK has resolved it. */
export function endpointOf(context: { endpointV2?: { url?: URL } }): string {
  const url = context.endpointV2?.url;
  return url ? url.origin : 'its endpoint';
}

/**
 * The error to throw for a call that failed with `error`: an `AwsNoAnswerError` naming the service
 * and the endpoint when the call timed out, otherwise undefined (the error stays as it is).
 */
export function noAnswerError(
  error: unknown,
  service: string,
  endpoint: string,
  timeouts: { connectionMs: number; requestMs: number },
): AwsNoAnswerError | undefined {
  if (!isTimeout(error)) return undefined;
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
  const connecting = /connection/i.test((error as Error).message);
  const seconds = (connecting ? timeouts.connectionMs : timeouts.requestMs) / 1000;
  const name = serviceNames[service] ?? service;
  const what = connecting ? 'accept a connection' : 'answer';
  return new AwsNoAnswerError(
    `${name} at ${endpoint} did not ${what} within ${seconds} s (${attempts} attempt${attempts === 1 ? '' : 's'}); ` +
      'check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, --profile) and the network',
    name,
    endpoint,
  );
}
