import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LINK_KEY_ID_VARIABLE, type LinkKeyClients, main } from '../../infra/ops/link-key.js';
import type { CareflowFunction } from '../../infra/stacks/constructs/careflow-function.js';
import { StackOutput } from '../../infra/stacks/outputs.js';
import { Env } from '../../shared/config/env.js';
import { keyringOf, parseSigningSecret } from '../../shared/domain/links/keyring.js';
import { signToken, verifyToken } from '../../shared/domain/links/signed-token.js';
import { build, idOf, type Json, propsOf } from './support.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:careflow-prod-links';
const OLD_KEY = 'K'.repeat(64);
const NEW_KEY = 'N'.repeat(43);
const NOW = '2026-11-20T10:00:00.000Z';

describe('npm run link-key', () => {
  const secrets = mockClient(SecretsManagerClient);
  const lambda = mockClient(LambdaClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const clients = (): LinkKeyClients => ({
    secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
  });
  let printed: string[];
  const run = (...argv: string[]) =>
    main(argv, clients, { now: () => NOW, newKey: () => NEW_KEY, maxWaitSeconds: 5 }, (text) => {
      printed.push(text);
    });

  beforeEach(() => {
    printed = [];
    secrets.reset();
    lambda.reset();
    cloudFormation.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'careflow-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: StackOutput.linkSigningSecretArn, OutputValue: SECRET_ARN },
            {
              OutputKey: StackOutput.linkKeyFunctions,
              OutputValue: 'prod-survey,prod-unsubscribe,prod-processor',
            },
          ],
        },
      ],
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: OLD_KEY });
    secrets.on(PutSecretValueCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).callsFake((input: { FunctionName: string }) => ({
      FunctionName: input.FunctionName,
      RevisionId: `rev-${input.FunctionName}`,
      LastUpdateStatus: 'Successful',
      Environment: { Variables: { [Env.tableName]: 'careflow-prod' } },
    }));
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    // The waiter polls GetFunction until the update is done.
    lambda.on(GetFunctionCommand).resolves({ Configuration: { LastUpdateStatus: 'Successful' } });
  });

  it('rotates a single-key secret into a keyring that still verifies links signed before', async () => {
    const oldLink = signToken({ purpose: 'unsubscribe', exp: 2_000_000_000, c: 'c-1' }, OLD_KEY);

    expect(await run('rotate', '--stage', 'prod'), printed.join('\n')).toBe(0);

    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(SECRET_ARN);
    const stored = parseSigningSecret(put?.SecretString ?? '');
    expect(stored).toEqual({
      current: { id: '1', key: NEW_KEY },
      previous: [{ id: '0', key: OLD_KEY, retiredAt: NOW }],
    });
    const keyring = keyringOf(stored, 730);
    expect(verifyToken(oldLink, keyring, 'unsubscribe', Date.parse(NOW) / 1000)).toMatchObject({ c: 'c-1' });
    expect(printed.join('\n')).not.toContain(OLD_KEY);
    expect(printed.join('\n')).not.toContain(NEW_KEY);
  });

  it('restarts the functions that read the key, verifiers first, keeping their environment', async () => {
    await run('rotate', '--stage', 'prod');

    const updates = lambda.commandCalls(UpdateFunctionConfigurationCommand).map((call) => call.args[0].input);
    expect(updates.map((u) => u.FunctionName)).toEqual(['prod-survey', 'prod-unsubscribe', 'prod-processor']);
    expect(updates[0]).toMatchObject({
      RevisionId: 'rev-prod-survey',
      Environment: { Variables: { [Env.tableName]: 'careflow-prod', [LINK_KEY_ID_VARIABLE]: '1' } },
    });
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('changes nothing in a dry run', async () => {
    expect(await run('rotate', '--stage', 'prod', '--dry-run')).toBe(0);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(printed.join('\n')).toContain('would restart prod-processor');
  });

  it('keeps no old key when revoking', async () => {
    await run('rotate', '--secret-id', SECRET_ARN, '--revoke');
    const stored = parseSigningSecret(
      secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '',
    );
    expect(stored.previous).toEqual([]);
    expect(printed.join('\n')).toContain('restart the survey, unsubscribe and processor functions');
  });

  it('shows key ids and dates, never keys', async () => {
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        current: { id: '2', key: NEW_KEY },
        previous: [{ id: '1', key: OLD_KEY, retiredAt: '2026-01-01T00:00:00.000Z' }],
      }),
    });
    expect(await run('show', '--stage', 'prod')).toBe(0);
    expect(printed.join('\n')).toContain('current  2');
    expect(printed.join('\n')).toContain('previous 1, retired 2026-01-01T00:00:00.000Z');
    expect(printed.join('\n')).not.toContain(OLD_KEY);
  });

  it.each([[[]], [['spin']], [['rotate', '--grace-days', 'forever']]])(
    'refuses %j with the usage',
    async (argv) => {
      expect(await run(...argv)).toBe(2);
      expect(printed.join('\n')).toContain('Usage: npm run link-key');
    },
  );
});

// Each case synthesizes the stack (seconds on a small machine).
describe('link-key settings of the stack', { timeout: 60_000 }, () => {
  const envOf = (built: ReturnType<typeof build>, fn: CareflowFunction): Json => {
    const template = Template.fromStack(built.stack);
    const props = propsOf(template, 'AWS::Lambda::Function', idOf(fn.fn)) as {
      Environment: { Variables: Json };
    };
    return props.Environment.Variables;
  };

  it('gives the grace period to every function that reads the key, 730 days unless configured', () => {
    const defaults = build();
    const { survey, unsubscribe, processor } = defaults.stack.functions;
    for (const fn of [survey, unsubscribe, processor]) {
      expect(envOf(defaults, fn)[Env.linkKeyGraceDays]).toBe('730');
    }
    const configured = build({ context: { 'careflow:linkKeyGraceDays': '90' } });
    expect(envOf(configured, configured.stack.functions.survey)[Env.linkKeyGraceDays]).toBe('90');
    expect(() => build({ context: { 'careflow:linkKeyGraceDays': '0' } })).toThrow(
      /careflow:linkKeyGraceDays must be a positive whole number/,
    );
  });

  it('outputs the secret and the functions the command restarts, verifiers first', () => {
    const built = build();
    const outputs = Template.fromStack(built.stack).findOutputs('*');
    expect(outputs[StackOutput.linkSigningSecretArn]?.Value).toEqual({
      Ref: idOf(built.stack.data.signingSecret),
    });
    const names = JSON.stringify(outputs[StackOutput.linkKeyFunctions]?.Value);
    const { survey, unsubscribe, processor } = built.stack.functions;
    const order = [survey, unsubscribe, processor].map((fn) => names.indexOf(idOf(fn.fn)));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
