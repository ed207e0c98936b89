import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main, parseRedriveArgs, type RedriveClients, redrive } from '../../infra/ops/redrive.js';
import { moveDeadLetters } from '../../infra/ops/redrive-lib.js';
import { StackOutput } from '../../infra/stacks/outputs.js';
import { messageGroupIdOf } from '../../shared/domain/events/message-group.js';

const region = { region: 'eu-west-1' };
const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

const outputs = {
  [StackOutput.customerQueueUrl]: url('customers.fifo'),
  [StackOutput.customerDlqUrl]: url('customers-dlq.fifo'),
  [StackOutput.ingestDlqUrl]: url('ingest-dlq'),
  [StackOutput.invalidEventsQueueUrl]: url('invalid-events'),
  [StackOutput.wakeDlqUrl]: url('wake-dlq'),
  [StackOutput.eventBusName]: 'careflow-prod',
  [StackOutput.sesEventsDlqUrl]: url('ses-events-dlq'),
  [StackOutput.feedbackFunctionName]: 'careflow-prod-feedback',
  [StackOutput.smsDeliveryDlqUrl]: url('sms-delivery-dlq'),
  [StackOutput.smsDeliveryFunctionName]: 'careflow-prod-sms-delivery',
};

/** An event as EventBridge delivers it to a rule target's DLQ. */
const busEvent = (id: string, customerId: string) => ({
  version: '0',
  id,
  'detail-type': 'Order Completed',
  source: 'shop',
  account: '123456789012',
  time: '2026-11-02T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { customerId, orderId: `o-${id}`, total: 42 },
});

/** What Lambda's on-failure destination puts in the queue for a failed async invocation. */
const invocationRecord = (event: unknown) => ({
  version: '1.0',
  timestamp: '2026-11-02T09:01:00.000Z',
  requestContext: {
    requestId: 'r-1',
    functionArn: 'arn:aws:lambda:...:router',
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: event,
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  responsePayload: { errorType: 'Error', errorMessage: 'boom' },
});

const message = (id: string, body: unknown) => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('redrive', () => {
  const sqs = new SQSClient(region);
  const eventBridge = new EventBridgeClient(region);
  const cloudFormation = new CloudFormationClient(region);
  const lambda = new LambdaClient(region);
  const lambdaMock = mockClient(lambda);
  const sqsMock = mockClient(sqs);
  const ebMock = mockClient(eventBridge);
  const cfnMock = mockClient(cloudFormation);
  const clients: RedriveClients = { sqs, eventBridge, cloudFormation, lambda };

  beforeEach(() => {
    sqsMock.reset();
    ebMock.reset();
    cfnMock.reset();
    lambdaMock.reset();
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'careflow-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  /** The receipt handles made visible again, in call order. */
  const released = () =>
    sqsMock
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => [e.ReceiptHandle, e.VisibilityTimeout]);
  const deleted = () =>
    sqsMock
      .commandCalls(DeleteMessageBatchCommand)
      .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.ReceiptHandle));

  describe('the customer DLQ (FIFO): SQS message move task', () => {
    beforeEach(() => {
      sqsMock
        .on(GetQueueAttributesCommand, { QueueUrl: url('customers-dlq.fifo') })
        .resolves({ Attributes: { QueueArn: arn('customers-dlq.fifo'), ApproximateNumberOfMessages: '7' } })
        .on(GetQueueAttributesCommand, { QueueUrl: url('customers.fifo') })
        .resolves({ Attributes: { QueueArn: arn('customers.fifo') } })
        .on(ListMessageMoveTasksCommand)
        .resolves({ Results: [{ Status: 'COMPLETED', TaskHandle: 'old' }] });
    });

    it('starts one move task from the DLQ to the customer queue, found from the stack outputs', async () => {
      sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });

      const report = await redrive(parseRedriveArgs(['--queue', 'customer', '--stage', 'prod']), clients);

      expect(cfnMock.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
        StackName: 'careflow-prod',
      });
      const starts = sqsMock.commandCalls(StartMessageMoveTaskCommand);
      expect(starts.map((c) => c.args[0].input)).toEqual([
        { SourceArn: arn('customers-dlq.fifo'), DestinationArn: arn('customers.fifo') },
      ]);
      expect(report).toMatchObject({ examined: 7, moved: 7, failures: [] });
    });

    it('moves nothing in a dry run', async () => {
      const report = await redrive(parseRedriveArgs(['--queue', 'customer', '--dry-run']), clients);

      expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
      expect(report).toMatchObject({ dryRun: true, moved: 7, failures: [] });
      expect(report.notes.join()).toContain('would start a message move task for about 7');
    });

    it('refuses to start a second task while one is running', async () => {
      sqsMock
        .on(ListMessageMoveTasksCommand)
        .resolves({ Results: [{ Status: 'RUNNING', TaskHandle: 'busy' }] });

      const report = await redrive(parseRedriveArgs(['--queue', 'customer']), clients);

      expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
      expect(report.failures).toEqual([
        { reason: expect.stringContaining('already running for this queue (handle busy)') },
      ]);
    });

    it('reports a task that could not start', async () => {
      sqsMock
        .on(StartMessageMoveTaskCommand)
        .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied' }));

      const report = await redrive(parseRedriveArgs(['--queue', 'customer']), clients);

      expect(report.moved).toBe(0);
      expect(report.failures).toEqual([
        { reason: 'the message move task did not start: AccessDenied: not allowed' },
      ]);
    });

    it('waits for the task when asked, and reports what it moved or why it failed', async () => {
      sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
      sqsMock
        .on(ListMessageMoveTasksCommand)
        .resolvesOnce({ Results: [] })
        .resolvesOnce({ Results: [{ TaskHandle: 'task-2', Status: 'RUNNING' }] })
        .resolves({
          Results: [
            {
              TaskHandle: 'task-2',
              Status: 'FAILED',
              ApproximateNumberOfMessagesMoved: 4,
              FailureReason: 'KMS',
            },
          ],
        });

      const report = await moveDeadLetters(sqs, {
        dlqUrl: url('customers-dlq.fifo'),
        destinationUrl: url('customers.fifo'),
        dryRun: false,
        wait: true,
        maxPerSecond: 50,
        sleep: async () => {},
      });

      expect(
        sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input.MaxNumberOfMessagesPerSecond,
      ).toBe(50);
      expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(3);
      expect(report).toMatchObject({
        moved: 4,
        failures: [{ reason: 'the message move task ended FAILED: KMS' }],
      });
    });
  });

  describe('the ingest DLQ: events put on the bus again', () => {
    const fromRule = busEvent('e-1', 'c-1');
    const fromLambda = busEvent('e-2', 'c-2');

    beforeEach(() => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({
          Messages: [
            message('m-1', fromRule),
            message('m-2', invocationRecord(fromLambda)),
            message('m-3', 'not json at all'),
          ],
        })
        .resolves({ Messages: [] });
      sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    });

    it('puts each event on the careflow bus once and deletes exactly the messages EventBridge took', async () => {
      ebMock
        .on(PutEventsCommand)
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'n-1' }, { EventId: 'n-2' }] });

      const report = await redrive(parseRedriveArgs(['--queue', 'ingest', '--stage', 'prod']), clients);

      const puts = ebMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries);
      expect(puts).toEqual([
        [
          {
            EventBusName: 'careflow-prod',
            Source: 'shop',
            DetailType: 'Order Completed',
            Detail: JSON.stringify(fromRule.detail),
            Time: new Date(fromRule.time),
          },
          {
            EventBusName: 'careflow-prod',
            Source: 'shop',
            DetailType: 'Order Completed',
            Detail: JSON.stringify(fromLambda.detail),
            Time: new Date(fromLambda.time),
          },
        ],
      ]);
      expect(deleted()).toEqual(['rh-m-1', 'rh-m-2']);
      expect(released()).toEqual([['rh-m-3', 0]]);
      expect(report).toMatchObject({ examined: 3, moved: 2 });
      expect(report.failures).toEqual([
        { messageId: 'm-3', reason: expect.stringContaining('no EventBridge event') },
      ]);
    });

    it('keeps and reports the events EventBridge refused', async () => {
      ebMock.on(PutEventsCommand).resolves({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'n-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      });

      const report = await redrive(parseRedriveArgs(['--queue', 'ingest']), clients);

      expect(deleted()).toEqual(['rh-m-1']);
      expect(released().map(([handle]) => handle)).toEqual(['rh-m-3', 'rh-m-2']);
      expect(report.moved).toBe(1);
      expect(report.failures).toContainEqual({
        messageId: 'm-2',
        reason: 'PutEvents refused it: InternalFailure try again',
      });
    });

    it('keeps every message when PutEvents fails altogether', async () => {
      ebMock
        .on(PutEventsCommand)
        .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

      const report = await redrive(parseRedriveArgs(['--queue', 'ingest']), clients);

      expect(deleted()).toEqual([]);
      expect(report.moved).toBe(0);
      expect(report.failures.map((f) => f.messageId).sort()).toEqual(['m-1', 'm-2', 'm-3']);
    });

    it('moves nothing in a dry run and makes every message it read visible again', async () => {
      const report = await redrive(parseRedriveArgs(['--queue', 'ingest', '--dry-run']), clients);

      expect(ebMock.commandCalls(PutEventsCommand)).toHaveLength(0);
      expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
      expect(
        released()
          .map(([handle]) => handle)
          .sort(),
      ).toEqual(['rh-m-1', 'rh-m-2', 'rh-m-3']);
      expect(report).toMatchObject({ dryRun: true, examined: 3, moved: 2 });
    });

    it('stops after --max messages', async () => {
      ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'n-1' }] });
      sqsMock.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages: number }) => ({
        Messages: [message('m-1', fromRule), message('m-2', fromLambda)].slice(0, input.MaxNumberOfMessages),
      }));

      const report = await redrive(parseRedriveArgs(['--queue', 'ingest', '--max', '1']), clients);

      expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
      expect(report).toMatchObject({ examined: 1, moved: 1 });
    });
  });

  describe('the invalid-events queue: events put on the bus again after a fix', () => {
    it('puts the kept payload on the bus, and refuses events of AWS services', async () => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({
          Messages: [
            message('m-1', {
              reason: 'detail.customerId: required',
              payload: busEvent('e-9', 'c-9'),
              receivedAt: 'x',
            }),
            message('m-2', {
              reason: 'x',
              payload: { ...busEvent('e-8', 'c-8'), source: 'aws.ses' },
              receivedAt: 'x',
            }),
          ],
        })
        .resolves({ Messages: [] });
      sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'n-1' }] });

      const report = await redrive(parseRedriveArgs(['--queue', 'invalid']), clients);

      const entries = ebMock.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
      expect(entries.map((e) => [e.Source, JSON.parse(e.Detail ?? '{}').customerId])).toEqual([
        ['shop', 'c-9'],
      ]);
      expect(deleted()).toEqual(['rh-m-1']);
      expect(report.failures).toEqual([
        { messageId: 'm-2', reason: expect.stringContaining('source aws.ses') },
      ]);
      expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.QueueUrl).toBe(
        url('invalid-events'),
      );
    });
  });

  describe('the wake-up DLQ: wakes sent to the customer queue again', () => {
    const wake = { kind: 'wake', customerId: 'c-1', instanceId: 'j.abc', version: 3 };

    beforeEach(() => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({
          Messages: [
            message('m-1', wake),
            message('m-2', { hello: 'world' }),
            message('m-3', { ...wake, customerId: 'c-2' }),
          ],
        })
        .resolves({ Messages: [] });
      sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    });

    it("sends each wake in its customer's message group and deletes what was sent", async () => {
      sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

      const report = await redrive(parseRedriveArgs(['--queue', 'wake']), clients);

      const sent = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
      expect(sent).toEqual([
        {
          QueueUrl: url('customers.fifo'),
          Entries: [
            {
              Id: '0',
              MessageBody: JSON.stringify(wake),
              MessageGroupId: 'c-1',
              MessageDeduplicationId: 'redrive-m-1',
            },
            {
              Id: '1',
              MessageBody: JSON.stringify({ ...wake, customerId: 'c-2' }),
              MessageGroupId: 'c-2',
              MessageDeduplicationId: 'redrive-m-3',
            },
          ],
        },
      ]);
      expect(deleted()).toEqual(['rh-m-1', 'rh-m-3']);
      expect(report).toMatchObject({ examined: 3, moved: 2 });
      expect(report.failures).toEqual([
        { messageId: 'm-2', reason: expect.stringContaining('not a careflow wake-up') },
      ]);
    });

    it('sends the wake of a customer whose id SQS takes as no group id in the group the router uses', async () => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [message('m-1', { ...wake, customerId: 'müller' })] })
        .resolves({ Messages: [] });
      sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

      await redrive(parseRedriveArgs(['--queue', 'wake']), clients);

      const [entry] = sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
      expect(entry?.MessageGroupId).toBe(messageGroupIdOf('müller'));
      expect(entry?.MessageGroupId).toMatch(/^[!-~]{1,128}$/);
    });

    it('keeps the wakes SQS refused', async () => {
      sqsMock.on(SendMessageBatchCommand).resolves({
        Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: 'y' }],
        Failed: [{ Id: '1', Code: 'KMS.ThrottlingException', SenderFault: false, Message: 'later' }],
      });

      const report = await redrive(parseRedriveArgs(['--queue', 'wake']), clients);

      expect(deleted()).toEqual(['rh-m-1']);
      expect(report.failures).toContainEqual({
        messageId: 'm-3',
        reason: 'SendMessage refused it: KMS.ThrottlingException later',
      });
    });
  });

  describe('the SES events DLQ: events handed to the feedback function again', () => {
    const sesEvent = {
      version: '0',
      id: 's-1',
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      account: '123456789012',
      time: '2026-11-02T09:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { eventType: 'Bounce', mail: { messageId: 'ses-1' } },
    };

    beforeEach(() => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({
          Messages: [
            message('m-1', sesEvent),
            message('m-2', invocationRecord({ ...sesEvent, id: 's-2' })),
            message('m-3', busEvent('e-1', 'c-1')),
          ],
        })
        .resolves({ Messages: [] });
      sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    });

    it('invokes the feedback function asynchronously with each SES event, and deletes what it accepted', async () => {
      lambdaMock
        .on(InvokeCommand)
        .resolvesOnce({ StatusCode: 202 })
        .resolves({ StatusCode: 500, FunctionError: 'Unhandled' });

      const report = await redrive(parseRedriveArgs(['--queue', 'ses', '--stage', 'prod']), clients);

      const invocations = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
      expect(invocations.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
        ['careflow-prod-feedback', 'Event'],
        ['careflow-prod-feedback', 'Event'],
      ]);
      expect(JSON.parse(new TextDecoder().decode(invocations[0]?.Payload as Uint8Array))).toEqual(sesEvent);
      expect(deleted()).toEqual(['rh-m-1']);
      expect(report.moved).toBe(1);
      expect(report.failures).toEqual([
        { messageId: 'm-3', reason: expect.stringContaining('not an SES event') },
        { messageId: 'm-2', reason: 'Lambda did not accept it: status 500 Unhandled' },
      ]);
    });

    it('invokes nothing in a dry run', async () => {
      const report = await redrive(parseRedriveArgs(['--queue', 'ses', '--dry-run']), clients);

      expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
      expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
      expect(report).toMatchObject({ examined: 3, moved: 2 });
    });
  });

  describe('the SMS delivery DLQ: delivery records handed to the sms-delivery function again', () => {
    /** CloudWatch Logs' payload for a subscription: gzip, base64 (only its shape matters here). */
    const logsPayload = { awslogs: { data: 'H4sIAAAAAAAA/6tWKkktLlGyUkpKLUvNKUnNU6oFAMo3yHkWAAAA' } };

    beforeEach(() => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({
          Messages: [
            message('m-1', invocationRecord(logsPayload)),
            message('m-2', invocationRecord({ something: 'else' })),
          ],
        })
        .resolves({ Messages: [] });
      sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    });

    it('invokes the sms-delivery function asynchronously with the kept payload, and deletes what it accepted', async () => {
      const report = await redrive(parseRedriveArgs(['--queue', 'sms', '--stage', 'prod']), clients);

      const invocations = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
      expect(invocations.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
        ['careflow-prod-sms-delivery', 'Event'],
      ]);
      expect(JSON.parse(new TextDecoder().decode(invocations[0]?.Payload as Uint8Array))).toEqual(
        logsPayload,
      );
      expect(deleted()).toEqual(['rh-m-1']);
      expect(report.failures).toEqual([
        { messageId: 'm-2', reason: 'not a batch of SMS delivery records; left in the queue' },
      ]);
    });
  });

  describe('the command', () => {
    const run = async (argv: string[]) => {
      const printed: string[] = [];
      const code = await main(
        argv,
        () => clients,
        (text) => printed.push(text),
      );
      return { code, output: printed.join('\n') };
    };

    it('takes queue URLs and the bus from flags without reading the stack', async () => {
      sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });

      const { code, output } = await run([
        '--queue',
        'ingest',
        '--queue-url',
        url('other-dlq'),
        '--event-bus',
        'other-bus',
      ]);

      expect(code).toBe(0);
      expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(0);
      expect(output).toContain(`from ${url('other-dlq')}`);
      expect(output).toContain('to   event bus other-bus');
      expect(output).toContain('examined 0, moved 0, failed 0');
    });

    it('exits 1 and lists the failures when something could not be moved', async () => {
      sqsMock
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [message('m-1', 'garbage')] })
        .resolves({ Messages: [] });

      const { code, output } = await run(['--queue', 'wake']);

      expect(code).toBe(1);
      expect(output).toContain('FAILED m-1: not a careflow wake-up');
    });

    it('exits 1 naming the stack when its outputs cannot be read', async () => {
      cfnMock.on(DescribeStacksCommand).rejects(new Error('Stack with id careflow-qa does not exist'));

      const { code, output } = await run(['--queue', 'customer', '--stage', 'qa']);

      expect(code).toBe(1);
      expect(output).toContain('cannot read the outputs of stack careflow-qa');
      expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    });

    it.each([
      [['--queue', 'everything'], '--queue must be one of customer, ingest, invalid, wake, ses, sms'],
      [[], '--queue must be one of'],
      [['--queue', 'ingest', '--max', '0'], '--max must be a positive whole number'],
      [['--queue', 'ingest', '--frobnicate'], "Unknown option '--frobnicate'"],
    ])('exits 2 with the usage for %o', async (argv, message) => {
      const { code, output } = await run(argv);
      expect(code).toBe(2);
      expect(output).toContain(message);
      expect(output).toContain('Usage: npm run redrive');
    });
  });
});
