import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkSettings } from '../../app/deps.js';
import { type Config, required } from '../../config/config.js';
import { Env } from '../../config/env.js';

/** How many days a survey link stays valid. */
export const SURVEY_TTL_DAYS = 30;

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
