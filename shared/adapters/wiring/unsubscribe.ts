import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { UnsubscribeDeps } from '../../app/unsubscribe.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoCustomerStore, DynamoUnsubscribeRequests } from '../dynamodb/customer-store.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { basics, once, type WiringOverrides } from './common.js';
import { linkSettings } from './links.js';
import { tableOptions } from './table.js';

/**
 * The unsubscribe function's composition root: reads the customer's profile (to show the current
 * choice), keeps the request in the customer's partition and puts `Customer Unsubscribed` on the
 * bus; the processor applies it.
 */
export const unsubscribeDeps = async (
  config: Config,
  overrides: WiringOverrides = {},
): Promise<UnsubscribeDeps> => ({
  ...basics(overrides),
  customers: new DynamoCustomerStore(tableOptions(config)),
  requests: new DynamoUnsubscribeRequests(tableOptions(config)),
  events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
  links: await linkSettings(config),
});

export const lazyUnsubscribeDeps = once(() => unsubscribeDeps(loadConfig(process.env)));
