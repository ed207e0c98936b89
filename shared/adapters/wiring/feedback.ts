import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FeedbackDeps } from '../../app/deps.js';
import type { DeadLetters } from '../../app/ports.js';
import { type Config, loadConfig, required } from '../../config/config.js';
import { DynamoCustomerStore } from '../dynamodb/customer-store.js';
import { DynamoJourneyStats } from '../dynamodb/journey-stats.js';
import { DynamoMessageDeliveryLog } from '../dynamodb/message-delivery.js';
import { DynamoSuppressionList } from '../dynamodb/suppression-list.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { InvalidEventsQueue } from '../sqs/invalid-events-queue.js';
import { basics, once, type WiringOverrides } from './common.js';
import { tableOptions } from './table.js';

/** The feedback function's dependencies: the use case's, and where invalid SES events are kept. */
export interface FeedbackFunctionDeps extends FeedbackDeps {
  deadLetters: DeadLetters;
}

/**
 * The feedback function's composition root: message status, suppressions and journey figures in the table,
 * `Email Opened`/`Email Clicked`/... on the careflow bus, invalid SES events on the
 * invalid-events queue. Needs CAREFLOW_TABLE_NAME, CAREFLOW_EVENT_BUS_NAME and
 * CAREFLOW_INVALID_EVENTS_QUEUE_URL.
 */
export const feedbackDeps = async (
  config: Config,
  overrides: WiringOverrides = {},
): Promise<FeedbackFunctionDeps> => {
  const { clock, logger } = basics(overrides);
  const table = tableOptions(config);
  return {
    clock,
    logger,
    deliveries: new DynamoMessageDeliveryLog(table),
    suppressions: new DynamoSuppressionList(table),
    stats: new DynamoJourneyStats(table),
    customers: new DynamoCustomerStore(table),
    events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
    deadLetters: new InvalidEventsQueue(new SQSClient({}), required(config, 'invalidEventsQueueUrl')),
  };
};

export const lazyFeedbackDeps = once(() => feedbackDeps(loadConfig(process.env)));
