/**
 * Names of the environment variables that the CDK stack sets and the handlers read.
 * One module, so the two sides cannot drift apart.
 */
export const Env = {
  tableName: 'CAREFLOW_TABLE_NAME',
  eventBusName: 'CAREFLOW_EVENT_BUS_NAME',
  customerQueueUrl: 'CAREFLOW_CUSTOMER_QUEUE_URL',
  customerQueueArn: 'CAREFLOW_CUSTOMER_QUEUE_ARN',
  /** Standard queue where events that fail validation are kept with their reason. */
  invalidEventsQueueUrl: 'CAREFLOW_INVALID_EVENTS_QUEUE_URL',
  schedulerGroupName: 'CAREFLOW_SCHEDULER_GROUP',
  schedulerRoleArn: 'CAREFLOW_SCHEDULER_ROLE_ARN',
  sesConfigurationSet: 'CAREFLOW_SES_CONFIGURATION_SET',
  senderEmail: 'CAREFLOW_SENDER_EMAIL',
  publicBaseUrl: 'CAREFLOW_PUBLIC_BASE_URL',
  /** ARN of the Secrets Manager secret holding the link-signing key (AWS). */
  signingSecretArn: 'CAREFLOW_SIGNING_SECRET_ARN',
  /** The link-signing key itself (local stack and tests only). */
  signingSecret: 'CAREFLOW_SIGNING_SECRET',
  /** Days a retired link-signing key still verifies the links it signed (after its `retiredAt`). */
  linkKeyGraceDays: 'CAREFLOW_LINK_KEY_GRACE_DAYS',
  /** Days to keep message logs and processed-event markers. */
  retentionDays: 'CAREFLOW_RETENTION_DAYS',
  /** Standard SQS queue where EventBridge Scheduler puts wake-ups it could not deliver. */
  wakeDlqArn: 'CAREFLOW_WAKE_DLQ_ARN',
  /** Default frequency cap: at most N messages per customer in a window, `N/<ISO duration>` (e.g. `3/P7D`). */
  frequencyCap: 'CAREFLOW_FREQUENCY_CAP',
  /** Default quiet hours in the customer's time zone, `HH:MM-HH:MM` (e.g. `21:00-08:00`). */
  quietHours: 'CAREFLOW_QUIET_HOURS',
  /** IANA time zone for customers whose profile has none (e.g. `Europe/Berlin`). */
  defaultTimeZone: 'CAREFLOW_DEFAULT_TIME_ZONE',
  /**
   * Bearer token the local stack's gateway requires on the admin routes (those with auth `iam`,
   * which AWS protects with IAM instead). Generated and printed at start when not set. Local only.
   */
  adminToken: 'CAREFLOW_ADMIN_TOKEN',
  /** Alphanumeric SMS sender id (1-11 characters), where the destination country supports one. */
  smsSenderId: 'CAREFLOW_SMS_SENDER_ID',
  /** SMS origination number (E.164) or its ARN, from AWS End User Messaging SMS. */
  smsOriginationNumber: 'CAREFLOW_SMS_ORIGINATION_NUMBER',
} as const;
export type EnvName = (typeof Env)[keyof typeof Env];
