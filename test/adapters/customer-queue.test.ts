import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CustomerQueue,
  EnqueueFailedError,
  type QueueMessage,
} from '../../shared/adapters/sqs/customer-queue.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/careflow-customers.fifo';

const message = (n: number, body = `{"n":${n}}`): QueueMessage => ({
  body,
  groupId: `cust-${n % 3}`,
  deduplicationId: `evt-${n}`,
});

const sleeps: number[] = [];
const queue = (retries = 3) =>
  new CustomerQueue(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, {
    retries,
    baseDelayMs: 10,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

const acceptAll = (input: { Entries?: SendMessageBatchRequestEntry[] }) => ({
  Successful: (input.Entries ?? []).map((e) => ({
    Id: e.Id,
    MessageId: `mid-${e.Id}`,
    MD5OfMessageBody: '',
  })),
  Failed: [],
});

const entriesOf = (call: number) =>
  sqs.commandCalls(SendMessageBatchCommand)[call]?.args[0].input.Entries ?? [];

beforeEach(() => {
  sqs.reset();
  sleeps.length = 0;
});

describe('CustomerQueue', () => {
  it('batches 23 messages into 3 calls, in order, to the FIFO queue', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(acceptAll);

    await queue().send(Array.from({ length: 23 }, (_, i) => message(i)));

    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.args[0].input.QueueUrl === QUEUE_URL)).toBe(true);
    expect(calls.flatMap((c) => c.args[0].input.Entries ?? []).map((e) => e.MessageDeduplicationId)).toEqual(
      Array.from({ length: 23 }, (_, i) => `evt-${i}`),
    );
  });

  it('sets body, message group and deduplication id on each entry, with unique entry ids', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(acceptAll);

    await queue().send([message(1), message(2)]);

    expect(entriesOf(0)).toEqual([
      { Id: 'm0', MessageBody: '{"n":1}', MessageGroupId: 'cust-1', MessageDeduplicationId: 'evt-1' },
      { Id: 'm1', MessageBody: '{"n":2}', MessageGroupId: 'cust-2', MessageDeduplicationId: 'evt-2' },
    ]);
  });

  it('sends nothing for no messages', async () => {
    await queue().send([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('keeps each call under 256 KB of bodies', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(acceptAll);

    await queue().send(Array.from({ length: 5 }, (_, i) => message(i, 'x'.repeat(100 * 1024))));

    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      2, 2, 1,
    ]);
  });

  it('resends only the failed entries, with backoff, until they are accepted', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: 'm0', MessageId: 'a', MD5OfMessageBody: '' }],
        Failed: [{ Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'try again' }],
      })
      .callsFake(acceptAll);

    await queue().send([message(0), message(1)]);

    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
    expect(entriesOf(1).map((e) => e.MessageDeduplicationId)).toEqual(['evt-1']);
    expect(sleeps).toEqual([10]);
  });

  it('gives up after the retries and lists every failure', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries?: SendMessageBatchRequestEntry[] }) => ({
      Successful: [],
      Failed: (input.Entries ?? []).map((e) => ({
        Id: e.Id,
        SenderFault: false,
        Code: 'ServiceUnavailable',
        Message: 'busy',
      })),
    }));

    const failure = await queue(2)
      .send([message(0), message(1)])
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(EnqueueFailedError);
    expect((failure as EnqueueFailedError).failures).toEqual([
      { deduplicationId: 'evt-0', code: 'ServiceUnavailable', message: 'busy', senderFault: false },
      { deduplicationId: 'evt-1', code: 'ServiceUnavailable', message: 'busy', senderFault: false },
    ]);
    expect((failure as Error).message).toContain('evt-1: ServiceUnavailable busy');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it('does not retry sender faults, but still delivers the rest', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [
          { Id: 'm0', SenderFault: true, Code: 'InvalidParameterValue', Message: 'group id too long' },
          { Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'try again' },
        ],
      })
      .callsFake(acceptAll);

    const failure = await queue()
      .send([message(0), message(1)])
      .catch((e: unknown) => e);

    expect(entriesOf(1).map((e) => e.MessageDeduplicationId)).toEqual(['evt-1']);
    expect((failure as EnqueueFailedError).failures).toEqual([
      {
        deduplicationId: 'evt-0',
        code: 'InvalidParameterValue',
        message: 'group id too long',
        senderFault: true,
      },
    ]);
  });

  it('lets a failed call through (the SDK has already retried it)', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('network down'));

    await expect(queue().send([message(0)])).rejects.toThrow('network down');
  });
});
