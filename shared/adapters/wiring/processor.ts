import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { EngineDeps } from '../../app/deps.js';
import { suppressOptedOut } from '../../app/feedback/sms-opt-out.js';
import { JourneyCatalog } from '../../app/journey-catalog.js';
import type { Clock, Logger, SmsSender, SuppressionList } from '../../app/ports.js';
import { type Config, loadConfig, required } from '../../config/config.js';
import { DEFAULT_SEND_POLICY, type SendPolicy } from '../../domain/guards/send.js';
import { DynamoContactCounter } from '../dynamodb/contact-counter.js';
import { DynamoCustomerStore, DynamoUnsubscribeRequests } from '../dynamodb/customer-store.js';
import { DynamoEntryCounter } from '../dynamodb/entry-counter.js';
import { DynamoJourneyStats } from '../dynamodb/journey-stats.js';
import { DynamoJourneyStore } from '../dynamodb/journey-store.js';
import { DynamoMessageLog } from '../dynamodb/message-log.js';
import { DynamoSuppressionList } from '../dynamodb/suppression-list.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { EventBridgeWakeScheduler } from '../scheduler/eventbridge-wake-scheduler.js';
import { createSesClient, SesEmailSender } from '../ses/ses-email-sender.js';
import { createSnsClient, SnsSmsSender } from '../sns/sns-sms-sender.js';
import { lazySqsClient, type MessageVisibility, SqsMessageVisibility } from '../sqs/message-visibility.js';
import { storedThenBuiltInTemplates } from '../templates/engine-templates.js';
import { basics, once, type WiringOverrides } from './common.js';
import { linkSettings } from './links.js';
import { tableOptions } from './table.js';

/** The deployment's contact policy: the configured values, the defaults for the rest. */
export const sendPolicyFrom = (config: Config): SendPolicy => ({
  frequencyCap: config.frequencyCap ?? DEFAULT_SEND_POLICY.frequencyCap,
  quietHours: config.quietHours ?? DEFAULT_SEND_POLICY.quietHours,
  defaultTimeZone: config.defaultTimeZone ?? DEFAULT_SEND_POLICY.defaultTimeZone,
});

/**
 * SMS through SNS, when the deployment says how it sends SMS (a sender id or an origination
 * number); otherwise there is no SMS channel and SMS steps fall back to email or are skipped.
 * A number the provider reports as opted out goes on the suppression list.
 */
const smsSender = (
  config: Config,
  deps: { suppressions: SuppressionList; clock: Clock; logger: Logger },
): SmsSender | undefined => {
  if (!config.smsSenderId && !config.smsOriginationNumber) return undefined;
  const sender = new SnsSmsSender(createSnsClient(), {
    ...(config.smsSenderId ? { senderId: config.smsSenderId } : {}),
    ...(config.smsOriginationNumber ? { originationNumber: config.smsOriginationNumber } : {}),
  });
  return suppressOptedOut(sender, deps);
};

/** What the processor works with: the journey engine, and the queue's visibility for records that wait. */
export type ProcessorDeps = EngineDeps & { visibility?: MessageVisibility };

/** The processor's composition root: the journey engine on DynamoDB, SES, SNS, Scheduler and EventBridge. */
export const engineDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<ProcessorDeps> => {
  const { clock, logger } = basics(overrides);
  const table = tableOptions(config);
  const suppressions = new DynamoSuppressionList(table);
  const sms = smsSender(config, { suppressions, clock, logger });
  return {
    clock,
    logger,
    customers: new DynamoCustomerStore(table),
    catalog: new JourneyCatalog(new DynamoJourneyStore(table), clock, undefined, logger),
    templates: storedThenBuiltInTemplates(table, clock),
    messages: new DynamoMessageLog(table),
    email: new SesEmailSender(
      createSesClient(),
      config.sesConfigurationSet ? { configurationSet: config.sesConfigurationSet } : {},
    ),
    scheduler: new EventBridgeWakeScheduler(new SchedulerClient({}), {
      groupName: config.schedulerGroupName,
      queueArn: required(config, 'customerQueueArn'),
      roleArn: required(config, 'schedulerRoleArn'),
      ...(config.wakeDlqArn ? { dlqArn: config.wakeDlqArn } : {}),
      clock,
    }),
    events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
    links: await linkSettings(config),
    sender: { from: config.senderEmail },
    suppressions,
    contacts: new DynamoContactCounter(table),
    entries: new DynamoEntryCounter(table),
    ...(sms ? { sms } : {}),
    policy: sendPolicyFrom(config),
    stats: new DynamoJourneyStats(table),
    visibility: new SqsMessageVisibility(lazySqsClient),
    unsubscribeRequests: new DynamoUnsubscribeRequests(table),
  };
};

export const lazyEngineDeps = once(() => engineDeps(loadConfig(process.env)));
