import { randomUUID } from 'node:crypto';
import type { AdminApiDeps } from '../../app/deps.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DEFAULT_SEND_POLICY, type SendPolicy } from '../../domain/guards/send.js';
import { defaultTemplates } from '../../domain/templates/defaults.js';
import { DynamoCustomerStore } from '../dynamodb/customer-store.js';
import { DynamoJourneyDrafts } from '../dynamodb/journey-drafts.js';
import { DynamoJourneyStats } from '../dynamodb/journey-stats.js';
import { DynamoJourneyStore } from '../dynamodb/journey-store.js';
import { DynamoMessageLog } from '../dynamodb/message-log.js';
import { DynamoCustomerData } from '../dynamodb/privacy.js';
import { DynamoSuppressionList } from '../dynamodb/suppression-list.js';
import { DynamoTemplateStore } from '../dynamodb/template-store.js';
import { createSandboxFactory } from '../memory/sandbox.js';
import { createSesClient, SesEmailSender } from '../ses/ses-email-sender.js';
import { LayeredTemplateStore } from '../templates/layered-template-store.js';
import { basics, once, type WiringOverrides } from './common.js';
import { tableOptions } from './table.js';

/**
 * The contact policy dry runs apply: the processor's (`sendPolicyFrom` in ./processor.ts), read
 * here from the same variables so that this bundle does not pull in the processor's clients.
 */
const dryRunPolicy = (config: Config): SendPolicy => ({
  frequencyCap: config.frequencyCap ?? DEFAULT_SEND_POLICY.frequencyCap,
  quietHours: config.quietHours ?? DEFAULT_SEND_POLICY.quietHours,
  defaultTimeZone: config.defaultTimeZone ?? DEFAULT_SEND_POLICY.defaultTimeZone,
});

/**
 * The admin API's composition root: journeys, drafts, templates, figures and customers in the
 * table; SES for test sends only; an in-memory sandbox for dry runs.
 */
export const adminDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<AdminApiDeps> => {
  const { clock, logger } = basics(overrides);
  const table = tableOptions(config);
  const storedTemplates = new DynamoTemplateStore(table);
  // No cache: a preview right after an edit shows the edit.
  const templates = new LayeredTemplateStore(storedTemplates, defaultTemplates, { clock, ttlMs: 0 });
  const sender = { from: config.senderEmail };
  return {
    clock,
    logger,
    messages: new DynamoMessageLog(table),
    customers: new DynamoCustomerStore(table),
    journeys: new DynamoJourneyStore(table, (problem) =>
      logger.warn('index snapshot not kept: containers file the trigger items until the next change', {
        problem: problem.message,
      }),
    ),
    drafts: new DynamoJourneyDrafts(table),
    templates,
    storedTemplates,
    builtInTemplates: defaultTemplates,
    stats: new DynamoJourneyStats(table),
    customerData: new DynamoCustomerData(table),
    suppressions: new DynamoSuppressionList(table),
    email: new SesEmailSender(
      createSesClient(),
      config.sesConfigurationSet ? { configurationSet: config.sesConfigurationSet } : {},
    ),
    sender,
    sandbox: createSandboxFactory({ templates, logger, sender, policy: dryRunPolicy(config) }),
    newId: randomUUID,
  };
};

export const lazyAdminDeps = once(() => adminDeps(loadConfig(process.env)));
