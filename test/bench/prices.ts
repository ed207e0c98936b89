/**
 * Public list prices used by the cost benchmark: AWS us-east-1, on-demand, without free tiers,
 * as published on the services' pricing pages (last checked by hand on the date below; the
 * benchmark does not fetch them). Update both together.
 */
export const PRICES_AS_OF = '2026-11-23';
export const PRICE_REGION = 'us-east-1';

export const Prices = {
  /** DynamoDB on-demand, per write request unit (1 KB) and read request unit (4 KB, strongly consistent). */
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  /** Lambda arm64: per request and per GB-second. */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  /** SQS per request (64 KB chunk): FIFO and standard queues. */
  sqsFifoRequest: 0.5 / 1e6,
  sqsStandardRequest: 0.4 / 1e6,
  /** EventBridge custom events put on a bus (64 KB chunk), including bus-to-bus delivery. */
  eventBridgeEvent: 1.0 / 1e6,
  /** EventBridge Scheduler, per scheduled invocation (API calls are free). */
  schedulerInvocation: 1.0 / 1e6,
  /** API Gateway HTTP API, per request (first 300 million a month). */
  httpApiRequest: 1.0 / 1e6,
  /** CloudWatch Logs ingestion, Standard log class, per GB. */
  logsIngestionGb: 0.5,
  /** Secrets Manager, per API call. */
  secretsManagerCall: 0.05 / 10_000,
  /** SES outbound email, per message (excluded from the target). */
  sesEmail: 0.1 / 1_000,
} as const;

/** Fixed monthly costs, independent of traffic (listed, not part of the per-event figure). */
export const MonthlyPrices = {
  customMetric: 0.3,
  alarm: 0.1,
  /** Dashboards beyond the first three of the account. */
  dashboard: 3.0,
  secret: 0.4,
} as const;
