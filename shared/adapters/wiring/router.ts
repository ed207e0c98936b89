import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters, Logger, OrderedQueue } from '../../app/ports.js';
import { type Config, loadConfig, required } from '../../config/config.js';
import { CustomerQueue } from '../sqs/customer-queue.js';
import { InvalidEventsQueue } from '../sqs/invalid-events-queue.js';
import { basics, once, type WiringOverrides } from './common.js';

export interface RouterDeps {
  queue: OrderedQueue;
  deadLetters: DeadLetters;
  logger: Logger;
  now: () => string;
}

/** The router's composition root: the FIFO customer queue and the invalid-events queue. */
export const routerDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<RouterDeps> => {
  const { clock, logger } = basics(overrides);
  const sqs = new SQSClient({});
  return {
    queue: new CustomerQueue(sqs, required(config, 'customerQueueUrl')),
    deadLetters: new InvalidEventsQueue(sqs, required(config, 'invalidEventsQueueUrl')),
    logger,
    now: () => clock.now(),
  };
};

export const lazyRouterDeps = once(() => routerDeps(loadConfig(process.env)));
