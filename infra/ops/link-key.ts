#!/usr/bin/env node
// Rotates the key that signs survey and unsubscribe links. See docs/operations.md, "Rotating the link-signing key".
//   npm run link-key -- show|rotate [--stage prod] [--grace-days 730] [--revoke] [--dry-run]
import { randomBytes } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  parseSigningSecret,
  rotateSigningSecret,
  type SigningSecret,
} from '../../shared/domain/links/keyring.js';
import { StackOutput, stackNameFor } from '../stacks/outputs.js';
import { parseCommandLine, runAsCommand, runCommand, UsageError } from './command.js';
import { readStackOutputs } from './stack-outputs.js';

/**
 * Set by the rotation on each function that reads the key: a configuration change, so Lambda
 * starts new execution environments, which read the new secret. careflow itself does not read it.
 */
export const LINK_KEY_ID_VARIABLE = 'CAREFLOW_LINK_KEY_ID';

/** As long as an unsubscribe link lives; the functions' `careflow:linkKeyGraceDays` should match. */
const DEFAULT_GRACE_DAYS = 730;

export const usage = `Usage: npm run link-key -- <show|rotate> [options]

  show        list the key ids of the secret and when each was retired (never the keys)
  rotate      make a new current key; the old one verifies the links it signed for the grace
              period; then restart the functions that read the key, so they all use the new one

Options:
  --stage <stage>        stack careflow-<stage> (default dev); its outputs name the secret and functions
  --stack-name <name>    another stack name
  --secret-id <arn>      the secret, instead of the stack output
  --grace-days <n>       drop previous keys retired longer ago than this (default ${DEFAULT_GRACE_DAYS})
  --revoke               keep no old key: every link sent before stops working (an exposed key)
  --dry-run              show what would change; change nothing
  --region <region>      AWS region (default: the AWS_REGION / profile region)
`;

export interface LinkKeyOptions {
  action: 'show' | 'rotate';
  stackName: string;
  secretId?: string;
  graceDays: number;
  revoke: boolean;
  dryRun: boolean;
  region?: string;
}

/** The command line as options; throws UsageError with what is wrong. */
export const parseLinkKeyArgs = (argv: string[]): LinkKeyOptions => {
  const { values, positionals } = parseCommandLine(argv, {
    stage: { type: 'string', default: 'dev' },
    'stack-name': { type: 'string' },
    'secret-id': { type: 'string' },
    'grace-days': { type: 'string' },
    revoke: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    region: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) throw new UsageError('');
  const action = positionals[0];
  if ((action !== 'show' && action !== 'rotate') || positionals.length > 1) {
    throw new UsageError('give one action: show or rotate');
  }
  const str = (key: string): string | undefined =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined;
  const graceText = str('grace-days');
  const graceDays = graceText === undefined ? DEFAULT_GRACE_DAYS : Number(graceText);
  if (!Number.isInteger(graceDays) || graceDays < 1) {
    throw new UsageError(`--grace-days must be a positive whole number: got '${graceText}'`);
  }
  return {
    action,
    stackName: str('stack-name') ?? stackNameFor(str('stage') ?? 'dev'),
    graceDays,
    revoke: values.revoke === true,
    dryRun: values['dry-run'] === true,
    ...(str('secret-id') ? { secretId: str('secret-id') } : {}),
    ...(str('region') ? { region: str('region') } : {}),
  };
};

export interface LinkKeyClients {
  secrets: SecretsManagerClient;
  lambda: LambdaClient;
  cloudFormation: CloudFormationClient;
}

export interface LinkKeyEnvironment {
  now: () => string;
  /** A new random key. */
  newKey: () => string;
  /** Seconds to wait for each function update. @default 120 */
  maxWaitSeconds?: number;
}

/** The keys of a secret as the command prints them: ids and dates, never the key material. */
export const describeSecret = (secret: SigningSecret, graceDays: number): string[] => [
  `  current  ${secret.current.id}`,
  ...secret.previous.map((key) => {
    const until = new Date(Date.parse(key.retiredAt) + graceDays * 86_400_000).toISOString().slice(0, 10);
    return `  previous ${key.id}, retired ${key.retiredAt}, verifies links until about ${until}`;
  }),
];

/** Makes a function read the secret again, in new execution environments. */
const restart = async (
  lambda: LambdaClient,
  functionName: string,
  keyId: string,
  maxWaitTime: number,
): Promise<void> => {
  const current = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: functionName,
      Environment: { Variables: { ...current.Environment?.Variables, [LINK_KEY_ID_VARIABLE]: keyId } },
      ...(current.RevisionId ? { RevisionId: current.RevisionId } : {}),
    }),
  );
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime }, { FunctionName: functionName });
};

/** Runs one action; returns the lines to print. */
export const linkKey = async (
  options: LinkKeyOptions,
  clients: LinkKeyClients,
  environment: LinkKeyEnvironment,
): Promise<string[]> => {
  let outputs: Record<string, string> | undefined;
  const output = async (key: string): Promise<string> => {
    outputs ??= await readStackOutputs(clients.cloudFormation, options.stackName);
    const value = outputs[key];
    if (!value) throw new Error(`stack ${options.stackName} has no output ${key}`);
    return value;
  };
  const secretId = options.secretId ?? (await output(StackOutput.linkSigningSecretArn));
  const stored = await clients.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const secret = parseSigningSecret(stored.SecretString ?? '');
  if (options.action === 'show') {
    return [`link-signing keys of ${secretId}`, ...describeSecret(secret, options.graceDays)];
  }

  const rotated = rotateSigningSecret(secret, {
    key: environment.newKey(),
    now: environment.now(),
    graceDays: options.graceDays,
    revoke: options.revoke,
  });
  const lines = [
    `link-signing key ${options.dryRun ? 'would be rotated (dry run: nothing changed)' : 'rotated'}: ${secretId}`,
    ...describeSecret(rotated, options.graceDays),
  ];
  const dropped = secret.previous.filter((key) => !rotated.previous.some((kept) => kept.id === key.id));
  if (options.revoke) lines.push('  revoked: every link signed before stops working');
  else if (dropped.length > 0)
    lines.push(`  dropped (grace period over): ${dropped.map((k) => k.id).join(', ')}`);
  // Verifiers before signers, so no function checks a link signed with a key it does not know yet.
  const functions = options.secretId
    ? []
    : (await output(StackOutput.linkKeyFunctions)).split(',').filter((name) => name !== '');
  if (options.dryRun) return [...lines, ...functions.map((fn) => `  would restart ${fn}`)];

  await clients.secrets.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(rotated) }),
  );
  for (const fn of functions) {
    await restart(clients.lambda, fn, rotated.current.id, environment.maxWaitSeconds ?? 120);
    lines.push(`  restarted ${fn}`);
  }
  if (functions.length === 0) {
    lines.push('  restart the survey, unsubscribe and processor functions so they read the new key');
  }
  return lines;
};

/** The command: returns the exit code (0 done, 1 failed, 2 usage). */
export const main = (
  argv: string[],
  makeClients: (region?: string) => LinkKeyClients,
  environment: LinkKeyEnvironment,
  print: (text: string) => void,
): Promise<number> =>
  runCommand(argv, print, {
    usage,
    parse: parseLinkKeyArgs,
    name: (options) => `link-key ${options.action}`,
    run: async (options) => ({
      text: (await linkKey(options, makeClients(options.region), environment)).join('\n'),
    }),
  });

if (runAsCommand(import.meta.url)) {
  const makeClients = (region?: string): LinkKeyClients => {
    const config = region ? { region } : {};
    return {
      secrets: new SecretsManagerClient(config),
      lambda: new LambdaClient(config),
      cloudFormation: new CloudFormationClient(config),
    };
  };
  const environment: LinkKeyEnvironment = {
    now: () => new Date().toISOString(),
    newKey: () => randomBytes(32).toString('base64url'),
  };
  process.exitCode = await main(process.argv.slice(2), makeClients, environment, (text) => console.log(text));
}
