import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SurveyDeps } from '../../app/deps.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoSurveyStore } from '../dynamodb/survey-store.js';
import { EventBridgePublisher } from '../eventbridge/eventbridge-publisher.js';
import { basics, once, type WiringOverrides } from './common.js';
import { linkSettings } from './links.js';
import { tableOptions } from './table.js';

/** The survey function's composition root: answers in DynamoDB, `Survey Answered` on the bus. */
export const surveyDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<SurveyDeps> => ({
  ...basics(overrides),
  surveys: new DynamoSurveyStore(tableOptions(config)),
  events: new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName),
  links: await linkSettings(config),
});

export const lazySurveyDeps = once(() => surveyDeps(loadConfig(process.env)));
