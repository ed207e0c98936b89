import type { SmsDeliveryDeps } from '../../app/record-sms-delivery.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoJourneyStats } from '../dynamodb/journey-stats.js';
import { DynamoMessageDeliveryLog } from '../dynamodb/message-delivery.js';
import { DynamoSuppressionList } from '../dynamodb/suppression-list.js';
import { basics, once, type WiringOverrides } from './common.js';
import { tableOptions } from './table.js';

/**
 * The SMS delivery function's composition root: message status (found through the
 * provider-message-id index) and suppressions, both in the table. Needs CAREFLOW_TABLE_NAME only.
 */
export const smsDeliveryDeps = async (
  config: Config,
  overrides: WiringOverrides = {},
): Promise<SmsDeliveryDeps> => {
  const { logger } = basics(overrides);
  const table = tableOptions(config);
  return {
    logger,
    deliveries: new DynamoMessageDeliveryLog(table),
    suppressions: new DynamoSuppressionList(table),
    stats: new DynamoJourneyStats(table),
  };
};

export const lazySmsDeliveryDeps = once(() => smsDeliveryDeps(loadConfig(process.env)));
