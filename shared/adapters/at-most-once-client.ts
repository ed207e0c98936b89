/** How long a send may wait before its outcome counts as unknown. */
export interface SendTimeouts {
  /** Give up on a call that has not answered after this many ms (outcome unknown). Default 10 000. */
  requestTimeoutMs?: number;
  /** Give up when no connection is established after this many ms. Default 3 000. */
  connectionTimeoutMs?: number;
}

/**
 * Client settings for providers that take no idempotency token (SES, SNS): the SDK never
 * retries (`maxAttempts: 1`), because a retry after a timeout or a 5xx could deliver the same
 * message twice, and waits are bounded. Throttling is retried by the senders themselves,
 * everything else by the queue once the outcome is known (decision 0002).
 */
export const atMostOnceClientConfig = <C extends { requestHandler?: unknown }>(options: C & SendTimeouts) => {
  const { requestTimeoutMs = 10_000, connectionTimeoutMs = 3_000, requestHandler, ...config } = options;
  return {
    ...config,
    requestHandler: requestHandler ?? {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: connectionTimeoutMs,
    },
    maxAttempts: 1,
  };
};
