import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkSettings } from '../../app/deps.js';
import type { Clock, Logger } from '../../app/ports.js';
import { type Config, required } from '../../config/config.js';
import { Env } from '../../config/env.js';
import { systemClock } from '../clock.js';
import { createDocumentClient } from '../dynamodb/client.js';
import { createLogger } from '../logger.js';

/**
 * Pieces shared by the per-function composition roots. Each function wires only what it
 * uses, so its bundle carries only those SDK clients and its role needs only those rights.
 * Endpoints come from the standard AWS variables (AWS_ENDPOINT_URL_<SERVICE>): that is how
 * the local stack points the very same code at its emulators.
 */
export interface WiringOverrides {
  clock?: Clock;
  logger?: Logger;
}

/** How many days a survey link stays valid. */
export const SURVEY_TTL_DAYS = 30;

export const basics = (overrides: WiringOverrides) => ({
  clock: overrides.clock ?? systemClock,
  logger: overrides.logger ?? createLogger(),
});

export const tableOptions = (config: Config) => ({
  doc: createDocumentClient(new DynamoDBClient({})),
  tableName: required(config, 'tableName'),
  retentionDays: config.retentionDays,
});

/** The link-signing key: from Secrets Manager in AWS, from the environment locally. Read once. */
const signingKey = async (config: Config): Promise<string> => {
  if (config.signingSecret) return config.signingSecret;
  const arn = required(config, 'signingSecretArn');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!secret.SecretString || secret.SecretString.length < 16) {
    throw new Error(`the secret named by ${Env.signingSecretArn} is empty or too short`);
  }
  return secret.SecretString;
};

export const linkSettings = async (config: Config): Promise<LinkSettings> => ({
  baseUrl: config.publicBaseUrl.replace(/\/$/, ''),
  signingKey: await signingKey(config),
  surveyTtlDays: SURVEY_TTL_DAYS,
});

/** Build once per container, on first use; a failed build is retried on the next call. */
export const once = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
};
