import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidParameterValueError, LocalFifoQueue } from '../../../infra/local/fifo-queue.js';

const clock = { now: () => '2026-11-03T09:00:00.000Z' };

const queueWithConsumer = () => {
  const received: { group: string | undefined; body: string }[] = [];
  const queue = new LocalFifoQueue('arn:aws:sqs:local:000000000000:customers.fifo', clock);
  queue.setConsumer(async (event: SQSEvent) => {
    for (const r of event.Records) received.push({ group: r.attributes.MessageGroupId, body: r.body });
    return { batchItemFailures: [] };
  });
  return { queue, received };
};

describe('the local FIFO queue, like SQS', () => {
  it.each([
    ['a space', 'c 1'],
    ['a letter outside ASCII', 'müller'],
    ['no character at all', ''],
    ['129 characters', 'c'.repeat(129)],
  ])('refuses a message group id with %s, and enqueues nothing of that call', async (_, groupId) => {
    const { queue, received } = queueWithConsumer();

    const send = () =>
      queue.send([
        { body: '{"n":1}', groupId: 'c-1', deduplicationId: 'evt-1' },
        { body: '{"n":2}', groupId, deduplicationId: 'evt-2' },
      ]);

    expect(send).toThrow(InvalidParameterValueError);
    expect(send).toThrow(/parameter MessageGroupId is invalid/);
    await queue.idle();
    expect(received).toEqual([]);
    expect(queue.depth).toBe(0);
  });

  it('refuses a deduplication id SQS would refuse', () => {
    const { queue } = queueWithConsumer();

    expect(() => queue.send([{ body: '{}', groupId: 'c-1', deduplicationId: 'evt 1' }])).toThrow(
      /parameter MessageDeduplicationId is invalid/,
    );
  });

  it('takes every punctuation character SQS allows', async () => {
    const { queue, received } = queueWithConsumer();
    const groupId = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~aZ9';

    queue.send([{ body: '{}', groupId, deduplicationId: 'x'.repeat(128) }]);
    await queue.idle();

    expect(received).toEqual([{ group: groupId, body: '{}' }]);
  });
});
