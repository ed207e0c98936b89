import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkSettings } from '../../app/deps.js';
import { type Config, required } from '../../config/config.js';
import { Env } from '../../config/env.js';
import { ValidationError } from '../../domain/errors.js';
import { type Keyring, keyringOf, parseSigningSecret } from '../../domain/links/keyring.js';

/** How many days a survey link stays valid. */
export const SURVEY_TTL_DAYS = 30;

/** The secret's text: from Secrets Manager in AWS, from the environment locally. */
const secretText = async (config: Config): Promise<{ text: string; from: string }> => {
  if (config.signingSecret) return { text: config.signingSecret, from: Env.signingSecret };
  const arn = required(config, 'signingSecretArn');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  return { text: secret.SecretString ?? '', from: `the secret named by ${Env.signingSecretArn}` };
};

/**
 * The link-signing keys, read once per container: the current key signs, retired keys verify
 * for `CAREFLOW_LINK_KEY_GRACE_DAYS` after their retirement. The secret is JSON
 * (`{"current": {"id", "key"}, "previous": [...]}`) or, as before key rotation, one plain key.
 */
const signingKeys = async (config: Config): Promise<Keyring> => {
  const { text, from } = await secretText(config);
  try {
    return keyringOf(parseSigningSecret(text), config.linkKeyGraceDays);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `${from} is not a usable link-signing secret: ${error.message}`,
      error.problems,
      {
        cause: error,
      },
    );
  }
};

export const linkSettings = async (config: Config): Promise<LinkSettings> => ({
  baseUrl: config.publicBaseUrl.replace(/\/$/, ''),
  signingKey: await signingKeys(config),
  surveyTtlDays: SURVEY_TTL_DAYS,
});
