import type { AdminDeps } from '../../app/deps.js';
import { type Config, loadConfig } from '../../config/config.js';
import { DynamoMessageLog } from '../dynamodb/message-log.js';
import { basics, once, tableOptions, type WiringOverrides } from './common.js';

/** The admin API's composition root: read-only access to the table. */
export const adminDeps = async (config: Config, overrides: WiringOverrides = {}): Promise<AdminDeps> => ({
  logger: basics(overrides).logger,
  messages: new DynamoMessageLog(tableOptions(config)),
});

export const lazyAdminDeps = once(() => adminDeps(loadConfig(process.env)));
