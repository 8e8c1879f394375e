/**
 * Bounded AWS calls: how many attempts a call gets while they time out, and the message of a call
 * that never got an answer. The timeouts themselves are `awsRequestTimeouts` (src/facts/limits.ts).
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/** A call that got no answer: every attempt timed out, or the endpoint refused or could not be found. */
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

/** Connection failures that say the endpoint cannot be reached at all (refused, no such host). */
const unreachableCodes: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused the connection',
  ENOTFOUND: 'could not be found (DNS)',
  EAI_AGAIN: 'could not be found (DNS lookup failed)',
  EHOSTUNREACH: 'could not be reached (no route to host)',
  ENETUNREACH: 'could not be reached (network unreachable)',
};

/** The Node error code of a connection failure, also when the SDK wraps it. */
function unreachableCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in unreachableCodes) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The error to throw for a call that failed with `error`: an `AwsNoAnswerError` naming the service
 * and the endpoint when the call timed out or the endpoint could not be reached (connection
 * refused, unknown host), otherwise undefined (the error stays as it is).
 */
export function noAnswerError(
  error: unknown,
  service: string,
  endpoint: string,
  timeouts: { connectionMs: number; requestMs: number },
  /** The proxy (`host:port`) the call went through, when one did: it may be what did not answer. */
  proxy?: string,
): AwsNoAnswerError | undefined {
  const name = serviceNames[service] ?? service;
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const advice = proxy
    ? 'check the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), the endpoint (--endpoint-url, AWS_ENDPOINT_URL, --profile) and the network'
    : 'check the endpoint (--endpoint-url, AWS_ENDPOINT_URL, --profile) and the network';
  const where = proxy ? `${endpoint} (through the proxy ${proxy})` : endpoint;
  const code = unreachableCode(error);
  if (code !== undefined) {
    return new AwsNoAnswerError(
      `${name} at ${where} ${unreachableCodes[code]} (${code}, ${tries}); ${advice}`,
      name,
      endpoint,
    );
  }
  if (!isTimeout(error)) return undefined;
  const connecting = /connection/i.test((error as Error).message);
  const seconds = (connecting ? timeouts.connectionMs : timeouts.requestMs) / 1000;
  const what = connecting ? 'accept a connection' : 'answer';
  return new AwsNoAnswerError(
    `${name} at ${where} did not ${what} within ${seconds} s (${tries}); ${advice}`,
    name,
    endpoint,
  );
}
