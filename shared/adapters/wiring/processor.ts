import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { EngineDeps } from '../../app/deps.js';
import { JourneyCatalog } from '../../app/journey-catalog.js';
import { type Config, loadConfig, required } from '../../config/config.js';
import { defaultTemplates } from '../../domain/templates/defaults.js';
import { DynamoCustomerStore } from '../dynamodb/customer-store.js';
import { DynamoJourneyStore } from '../dynamodb/journey-store.js';
import { DynamoMessageLog } from '../dynamodb/message-log.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { EventBridgeWakeScheduler } from '../scheduler/eventbridge-wake-scheduler.js';
import { createSesClient, SesEmailSender } from '../ses/ses-email-sender.js';
import { StaticTemplateStore } from '../templates/static-template-store.js';
import { basics, linkSettings, once, tableOptions, type WiringOverrides } from './common.js';

/** The processor's composition root: the journey engine on DynamoDB, SES, Scheduler and EventBridge. */
export const engineDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<EngineDeps> => {
  const { clock, logger } = basics(overrides);
  const table = tableOptions(config);
  return {
    clock,
    logger,
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
    links: await linkSettings(config),
    sender: { from: config.senderEmail },
  };
};

export const lazyEngineDeps = once(() => engineDeps(loadConfig(process.env)));
