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
  /** Days to keep message logs and processed-event markers. */
  retentionDays: 'CAREFLOW_RETENTION_DAYS',
} as const;
export type EnvName = (typeof Env)[keyof typeof Env];
