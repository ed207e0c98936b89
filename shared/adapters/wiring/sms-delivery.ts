import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SmsDeliveryDeps } from '../../app/record-sms-delivery.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoCustomerStore } from '../dynamodb/customer-store.js';
import { DynamoJourneyStats } from '../dynamodb/journey-stats.js';
import { DynamoMessageDeliveryLog } from '../dynamodb/message-delivery.js';
import { DynamoSuppressionList } from '../dynamodb/suppression-list.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { basics, once, type WiringOverrides } from './common.js';
import { tableOptions } from './table.js';

/**
 * The SMS delivery function's composition root: message status (found through the
 * provider-message-id index), suppressions and journey figures in the table, `SMS Undelivered`
 * on the careflow bus. Needs CAREFLOW_TABLE_NAME and CAREFLOW_EVENT_BUS_NAME.
 */
export const smsDeliveryDeps = async (
  config: Config,
  overrides: WiringOverrides = {},
): Promise<SmsDeliveryDeps> => {
  const { clock, logger } = basics(overrides);
  const table = tableOptions(config);
  return {
    clock,
    logger,
    customers: new DynamoCustomerStore(table),
    events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
    deliveries: new DynamoMessageDeliveryLog(table),
    suppressions: new DynamoSuppressionList(table),
    stats: new DynamoJourneyStats(table),
  };
};

export const lazySmsDeliveryDeps = once(() => smsDeliveryDeps(loadConfig(process.env)));
