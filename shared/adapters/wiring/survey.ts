import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SurveyDeps } from '../../app/deps.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoCustomerStore } from '../dynamodb/customer-store.js';
import { DynamoSurveyStore } from '../dynamodb/survey-store.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { basics, once, type WiringOverrides } from './common.js';
import { linkSettings } from './links.js';
import { tableOptions } from './table.js';

/** The survey function's composition root: answers in DynamoDB, `Survey Answered` on the bus. */
export const surveyDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<SurveyDeps> => {
  const table = tableOptions(config);
  return {
    ...basics(overrides),
    customers: new DynamoCustomerStore(table),
    surveys: new DynamoSurveyStore(table),
    events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
    links: await linkSettings(config),
  };
};

export const lazySurveyDeps = once(() => surveyDeps(loadConfig(process.env)));
