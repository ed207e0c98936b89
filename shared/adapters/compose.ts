import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AppDeps } from '../app/deps.js';
import { JourneyCatalog } from '../app/journey-catalog.js';
import type { Clock, DeadLetters, Logger, OrderedQueue } from '../app/ports.js';
import { type Config, loadConfig, required } from '../config/config.js';
import { Env } from '../config/env.js';
import { defaultTemplates } from '../domain/templates/defaults.js';
import { systemClock } from './clock.js';
import { createDocumentClient } from './dynamodb/client.js';
import { DynamoCustomerStore } from './dynamodb/customer-store.js';
import { DynamoJourneyStore } from './dynamodb/journey-store.js';
import { DynamoMessageLog } from './dynamodb/message-log.js';
import { DynamoSurveyStore } from './dynamodb/survey-store.js';
import { EventBridgePublisher } from './eventbridge/eventbridge-publisher.js';
import { createLogger } from './logger.js';
import { EventBridgeWakeScheduler } from './scheduler/eventbridge-wake-scheduler.js';
import { createSesClient, SesEmailSender } from './ses/ses-email-sender.js';
import { CustomerQueue } from './sqs/customer-queue.js';
import { InvalidEventsQueue } from './sqs/invalid-events-queue.js';
import { StaticTemplateStore } from './templates/static-template-store.js';

/**
 * The composition root of the Lambda functions: wires the AWS adapters from parsed
 * configuration. The local stack calls the same functions with its own clock.
 * Endpoints come from the standard AWS variables (AWS_ENDPOINT_URL_<SERVICE>), which is
 * how the local stack points the very same code at its emulators.
 */
export interface ComposeOverrides {
  clock?: Clock;
  logger?: Logger;
}

/** How many days a survey link stays valid. */
const SURVEY_TTL_DAYS = 30;

const signingKey = async (config: Config): Promise<string> => {
  if (config.signingSecret) return config.signingSecret;
  const arn = required(config, 'signingSecretArn');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!secret.SecretString || secret.SecretString.length < 16) {
    throw new Error(`the secret named by ${Env.signingSecretArn} is empty or too short`);
  }
  return secret.SecretString;
};

export const awsDeps = async (config: Config, overrides: ComposeOverrides = {}): Promise<AppDeps> => {
  const clock = overrides.clock ?? systemClock;
  const doc = createDocumentClient(new DynamoDBClient({}));
  const table = { doc, tableName: required(config, 'tableName'), retentionDays: config.retentionDays };
  return {
    clock,
    logger: overrides.logger ?? createLogger(),
    customers: new DynamoCustomerStore(table),
    catalog: new JourneyCatalog(new DynamoJourneyStore(table), clock),
    templates: new StaticTemplateStore(defaultTemplates),
    messages: new DynamoMessageLog(table),
    email: new SesEmailSender(
      createSesClient(),
      config.sesConfigurationSet ? { configurationSet: config.sesConfigurationSet } : {},
    ),
    scheduler: new EventBridgeWakeScheduler(new SchedulerClient({}), {
      groupName: config.schedulerGroupName,
      queueArn: required(config, 'customerQueueArn'),
      roleArn: required(config, 'schedulerRoleArn'),
      clock,
    }),
    events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
    surveys: new DynamoSurveyStore(table),
    links: { baseUrl: config.publicBaseUrl.replace(/\/$/, ''), signingKey: await signingKey(config), surveyTtlDays: SURVEY_TTL_DAYS },
    sender: { from: config.senderEmail },
  };
};

export interface RouterDeps {
  queue: OrderedQueue;
  deadLetters: DeadLetters;
  logger: Logger;
  now: () => string;
}

export const routerDeps = (config: Config, overrides: ComposeOverrides = {}): RouterDeps => {
  const sqs = new SQSClient({});
  const clock = overrides.clock ?? systemClock;
  return {
    queue: new CustomerQueue(sqs, required(config, 'customerQueueUrl')),
    deadLetters: new InvalidEventsQueue(sqs, required(config, 'invalidEventsQueueUrl')),
    logger: overrides.logger ?? createLogger(),
    now: () => clock.now(),
  };
};

/** Build once per container, on first use; a failed build is retried on the next call. */
export const once = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
};

export const lazyAwsDeps = once(() => awsDeps(loadConfig(process.env)));
export const lazyRouterDeps = once(async () => routerDeps(loadConfig(process.env)));
