import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminDeps } from '../../shared/adapters/wiring/admin.js';
import { feedbackDeps } from '../../shared/adapters/wiring/feedback.js';
import { engineDeps } from '../../shared/adapters/wiring/processor.js';
import { routerDeps } from '../../shared/adapters/wiring/router.js';
import { surveyDeps } from '../../shared/adapters/wiring/survey.js';
import { unsubscribeDeps } from '../../shared/adapters/wiring/unsubscribe.js';
import { loadConfig } from '../../shared/config/config.js';
import { Env } from '../../shared/config/env.js';
import { type Built, build, idOf, type Json, propsOf } from './support.js';

/**
 * Every function's environment, as the stack sets it, is enough for its composition root: a
 * function that would refuse to start ("careflow is misconfigured: ...") fails here instead of
 * at its first cold start in AWS. CloudFormation references become plausible placeholders.
 */
const composers = {
  Router: routerDeps,
  Processor: engineDeps,
  Survey: surveyDeps,
  Unsubscribe: unsubscribeDeps,
  Feedback: feedbackDeps,
  Api: adminDeps,
} as const;

const placeholder = (name: string): string => {
  if (name === Env.publicBaseUrl) return 'https://abc123.execute-api.eu-west-1.amazonaws.com';
  if (name.endsWith('_URL')) return 'https://sqs.eu-west-1.amazonaws.com/123456789012/placeholder';
  if (name.endsWith('_ARN')) return 'arn:aws:service:eu-west-1:123456789012:placeholder';
  return 'placeholder';
};

describe('function environments', () => {
  const secrets = mockClient(SecretsManagerClient);
  let built: Built;
  let template: Template;

  beforeAll(() => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'a-signing-key-of-enough-length' });
    built = build({ overrides: { sms: { senderId: 'Careflow' } } });
    template = Template.fromStack(built.stack);
  });
  afterAll(() => {
    secrets.restore();
  });

  it('covers every function of the stack', () => {
    expect(built.stack.functions.all.map((f) => f.name).sort()).toEqual(Object.keys(composers).sort());
  });

  it.each(Object.keys(composers) as (keyof typeof composers)[])(
    '%s: its composition root starts with the environment the stack gives it',
    async (name) => {
      const fn = built.stack.functions.all.find((f) => f.name === name);
      if (!fn) throw new Error(`no function ${name}`);
      const variables = (
        propsOf(template, 'AWS::Lambda::Function', idOf(fn.fn.fn)) as { Environment: { Variables: Json } }
      ).Environment.Variables;
      const env = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : placeholder(key),
        ]),
      );

      const deps = await composers[name](loadConfig(env));

      expect(deps).toBeTypeOf('object');
    },
  );
});
