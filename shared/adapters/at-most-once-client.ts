/** How long one provider call may take, in ms, when the client is not told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** How long a connection may take to open, in ms, when the client is not told otherwise. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;

/** How long a send may wait before its outcome counts as unknown. */
export interface SendTimeouts {
  /**
   * Give up on a call that has not answered after this many ms, counted from its start (the
   * connection included): its outcome is unknown. Default 10 000.
   */
  requestTimeoutMs?: number;
  /** Give up when no connection is established after this many ms. Default 3 000. */
  connectionTimeoutMs?: number;
}

/**
 * Client settings for providers that take no idempotency token (SES, SNS): the SDK never
 * retries (`maxAttempts: 1`), because a retry after a timeout or a 5xx could deliver the same
 * message twice, and waits are bounded. Throttling is retried by the senders themselves,
 * everything else by the queue once the outcome is known (decision 0002).
 *
 * The request timeout ends the call with a `TimeoutError` (`throwOnRequestTimeout`): without it
 * the SDK's HTTP handler only logs a warning and the call goes on until the Lambda times out.
 */
export const atMostOnceClientConfig = <C extends { requestHandler?: unknown }>(options: C & SendTimeouts) => {
  const {
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs = DEFAULT_CONNECTION_TIMEOUT_MS,
    requestHandler,
    ...config
  } = options;
  return {
    ...config,
    requestHandler: requestHandler ?? {
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: connectionTimeoutMs,
    },
    maxAttempts: 1,
  };
};

/** Network errors raised before a single byte reached the provider. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The name of an SDK error (`TooManyRequestsException`, …), or `Error`. */
export const errorName = (error: unknown): string =>
  isObject(error) && typeof error.name === 'string' ? error.name : 'Error';

/**
 * Whether an error proves the provider did not send, whatever its service: the SDK flags it as
 * throttling, the answer is HTTP 429, or no connection was ever made. A retry is then safe.
 */
export const certainlyNotSent = (error: unknown): boolean => {
  if (!isObject(error)) return false;
  const retryable = error.$retryable;
  if (isObject(retryable) && retryable.throttling === true) return true;
  const metadata = error.$metadata;
  if (isObject(metadata) && metadata.httpStatusCode === 429) return true;
  return typeof error.code === 'string' && NOT_CONNECTED_CODES.has(error.code);
};
