#!/usr/bin/env node
// Moves dead letters back once their cause is fixed. See docs/operations.md, "Redrive".
//   npm run redrive -- --queue customer|ingest|invalid|wake|ses|sms [--dry-run] [--stage prod]
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { StackOutput, stackNameFor } from '../stacks/outputs.js';
import { parseCommandLine, runAsCommand, runCommand, UsageError } from './command.js';
import {
  eventFromIngestMessage,
  eventFromInvalidMessage,
  invokeAgain,
  moveDeadLetters,
  putEventsAgain,
  type RedriveReport,
  resendWakes,
  sesEventFromMessage,
  smsDeliveryPayloadFromMessage,
} from './redrive-lib.js';
import { readStackOutputs } from './stack-outputs.js';

export const redriveQueues = ['customer', 'ingest', 'invalid', 'wake', 'ses', 'sms'] as const;
export type RedriveQueue = (typeof redriveQueues)[number];

export const usage = `Usage: npm run redrive -- --queue <${redriveQueues.join('|')}> [options]

  --queue customer   customer DLQ (FIFO) -> customer queue, with an SQS message move task
  --queue ingest     ingest DLQ -> the careflow bus again (PutEvents)
  --queue invalid    invalid-events queue -> the careflow bus again, after a fix that accepts them
  --queue wake       wake-up DLQ -> customer queue (stale wakes are ignored by the processor)
  --queue ses        SES events DLQ -> the feedback function (asynchronous invocations)
  --queue sms        SMS delivery DLQ -> the sms-delivery function (asynchronous invocations;
                     with SMS on)

Options:
  --dry-run              report what would move; change nothing
  --stage <stage>        stack careflow-<stage> (default dev); its outputs name the queues and the bus
  --stack-name <name>    another stack name
  --queue-url <url>      the queue to read, instead of the stack output
  --destination-url <url>  the customer queue, instead of the stack output (customer, wake)
  --event-bus <name>     the bus, instead of the stack output (ingest, invalid)
  --function <name>      the function, instead of the stack output (ses, sms)
  --max <n>              at most n messages (ingest, invalid, wake)
  --rate <n>             messages per second of the move task (customer)
  --wait                 wait until the move task finished (customer)
  --region <region>      AWS region (default: the AWS_REGION / profile region)
`;

export interface RedriveOptions {
  queue: RedriveQueue;
  dryRun: boolean;
  stackName: string;
  queueUrl?: string;
  destinationUrl?: string;
  eventBus?: string;
  functionName?: string;
  max?: number;
  rate?: number;
  wait: boolean;
  region?: string;
}

const positive = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} must be a positive whole number: got '${value}'`);
  return n;
};

/** The command line as options; throws UsageError with what is wrong. */
export const parseRedriveArgs = (argv: string[]): RedriveOptions => {
  const { values } = parseCommandLine(
    argv,
    {
      queue: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      stage: { type: 'string', default: 'dev' },
      'stack-name': { type: 'string' },
      'queue-url': { type: 'string' },
      'destination-url': { type: 'string' },
      'event-bus': { type: 'string' },
      function: { type: 'string' },
      max: { type: 'string' },
      rate: { type: 'string' },
      wait: { type: 'boolean', default: false },
      region: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) throw new UsageError('');
  const queue = values.queue;
  if (typeof queue !== 'string' || !(redriveQueues as readonly string[]).includes(queue)) {
    throw new UsageError(`--queue must be one of ${redriveQueues.join(', ')}`);
  }
  const str = (key: string): string | undefined =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined;
  const max = positive('max', str('max'));
  const rate = positive('rate', str('rate'));
  return {
    queue: queue as RedriveQueue,
    dryRun: values['dry-run'] === true,
    stackName: str('stack-name') ?? stackNameFor(str('stage') ?? 'dev'),
    wait: values.wait === true,
    ...(str('queue-url') ? { queueUrl: str('queue-url') } : {}),
    ...(str('destination-url') ? { destinationUrl: str('destination-url') } : {}),
    ...(str('event-bus') ? { eventBus: str('event-bus') } : {}),
    ...(str('function') ? { functionName: str('function') } : {}),
    ...(max ? { max } : {}),
    ...(rate ? { rate } : {}),
    ...(str('region') ? { region: str('region') } : {}),
  };
};

export interface RedriveClients {
  sqs: SQSClient;
  lambda: LambdaClient;
  eventBridge: EventBridgeClient;
  cloudFormation: CloudFormationClient;
}

/** Runs one redrive: finds the queues (flags first, then the stack outputs) and moves the messages. */
export const redrive = async (options: RedriveOptions, clients: RedriveClients): Promise<RedriveReport> => {
  let outputs: Record<string, string> | undefined;
  const resolve = async (given: string | undefined, key: string): Promise<string> => {
    if (given) return given;
    outputs ??= await readStackOutputs(clients.cloudFormation, options.stackName);
    const value = outputs[key];
    if (!value) throw new Error(`stack ${options.stackName} has no output ${key}; pass it as a flag`);
    return value;
  };
  const drain = { dryRun: options.dryRun, ...(options.max ? { max: options.max } : {}) };
  switch (options.queue) {
    case 'customer':
      return moveDeadLetters(clients.sqs, {
        dlqUrl: await resolve(options.queueUrl, StackOutput.customerDlqUrl),
        destinationUrl: await resolve(options.destinationUrl, StackOutput.customerQueueUrl),
        dryRun: options.dryRun,
        wait: options.wait,
        ...(options.rate ? { maxPerSecond: options.rate } : {}),
      });
    case 'ingest':
      return putEventsAgain(clients.sqs, clients.eventBridge, {
        ...drain,
        queueUrl: await resolve(options.queueUrl, StackOutput.ingestDlqUrl),
        busName: await resolve(options.eventBus, StackOutput.eventBusName),
        extract: eventFromIngestMessage,
      });
    case 'invalid':
      return putEventsAgain(clients.sqs, clients.eventBridge, {
        ...drain,
        queueUrl: await resolve(options.queueUrl, StackOutput.invalidEventsQueueUrl),
        busName: await resolve(options.eventBus, StackOutput.eventBusName),
        extract: eventFromInvalidMessage,
      });
    case 'wake':
      return resendWakes(clients.sqs, {
        ...drain,
        queueUrl: await resolve(options.queueUrl, StackOutput.wakeDlqUrl),
        customerQueueUrl: await resolve(options.destinationUrl, StackOutput.customerQueueUrl),
      });
    case 'ses':
      return invokeAgain(clients.lambda, clients.sqs, {
        ...drain,
        queueUrl: await resolve(options.queueUrl, StackOutput.sesEventsDlqUrl),
        functionName: await resolve(options.functionName, StackOutput.feedbackFunctionName),
        payloadOf: sesEventFromMessage,
        what: 'an SES event',
      });
    case 'sms':
      return invokeAgain(clients.lambda, clients.sqs, {
        ...drain,
        queueUrl: await resolve(options.queueUrl, StackOutput.smsDeliveryDlqUrl),
        functionName: await resolve(options.functionName, StackOutput.smsDeliveryFunctionName),
        payloadOf: smsDeliveryPayloadFromMessage,
        what: 'a batch of SMS delivery records',
      });
  }
};

/** The report as the command prints it. */
export const formatReport = (queue: RedriveQueue, report: RedriveReport): string => {
  const verb = report.dryRun ? 'would move' : 'moved';
  const lines = [
    `redrive ${queue}${report.dryRun ? ' (dry run: nothing changed)' : ''}`,
    `  from ${report.source}`,
    `  to   ${report.destination}`,
    `  examined ${report.examined}, ${verb} ${report.moved}, failed ${report.failures.length}`,
    ...report.notes.map((note) => `  note: ${note}`),
    ...report.failures.map((f) => `  FAILED ${f.messageId ?? ''}${f.messageId ? ': ' : ''}${f.reason}`),
  ];
  return lines.join('\n');
};

/** The command: returns the exit code (0 all moved, 1 something failed, 2 usage). */
export const main = (
  argv: string[],
  makeClients: (region?: string) => RedriveClients,
  print: (text: string) => void,
): Promise<number> =>
  runCommand(argv, print, {
    usage,
    parse: parseRedriveArgs,
    name: (options) => `redrive ${options.queue}`,
    run: async (options) => {
      const report = await redrive(options, makeClients(options.region));
      return { text: formatReport(options.queue, report), failed: report.failures.length > 0 };
    },
  });

if (runAsCommand(import.meta.url)) {
  const makeClients = (region?: string): RedriveClients => {
    const config = region ? { region } : {};
    return {
      sqs: new SQSClient(config),
      lambda: new LambdaClient(config),
      eventBridge: new EventBridgeClient(config),
      cloudFormation: new CloudFormationClient(config),
    };
  };
  process.exitCode = await main(process.argv.slice(2), makeClients, (text) => console.log(text));
}
