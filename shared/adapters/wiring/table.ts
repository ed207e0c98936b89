import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, required } from '../../config/config.js';
import { createDocumentClient } from '../dynamodb/client.js';

/** What every DynamoDB adapter is built from (kept apart so functions without the table do not bundle its client). */
export const tableOptions = (config: Config) => ({
  doc: createDocumentClient(new DynamoDBClient({})),
  tableName: required(config, 'tableName'),
  retentionDays: config.retentionDays,
});
