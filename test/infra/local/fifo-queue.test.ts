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

describe('the local FIFO queue: a message postponed by its consumer', () => {
  it('holds the message and its group until the clock passes, then gives them out in order', async () => {
    let now = Date.parse('2026-11-03T09:00:00.000Z');
    const movingClock = { now: () => new Date(now).toISOString() };
    const queue = new LocalFifoQueue('arn:aws:sqs:local:000000000000:customers.fifo', movingClock);
    const received: string[] = [];
    let deferOnce = true;
    queue.setConsumer(async (event: SQSEvent) => {
      const failures: { itemIdentifier: string }[] = [];
      for (const r of event.Records) {
        if (failures.length > 0 || (deferOnce && r.body === '"first"')) {
          if (failures.length === 0) {
            deferOnce = false;
            queue.changeVisibility(r.receiptHandle, 120);
          }
          failures.push({ itemIdentifier: r.messageId });
          continue;
        }
        received.push(r.body);
      }
      return { batchItemFailures: failures };
    });

    queue.send([
      { body: '"first"', groupId: 'c-1', deduplicationId: 'e-1' },
      { body: '"second"', groupId: 'c-1', deduplicationId: 'e-2' },
      { body: '"other"', groupId: 'c-2', deduplicationId: 'e-3' },
    ]);
    await queue.idle();
    expect(received).toEqual(['"other"']);
    expect(queue.depth).toBe(0);

    now += 60_000;
    queue.release();
    await queue.idle();
    expect(received).toEqual(['"other"']);

    now += 61_000;
    queue.release();
    await queue.idle();
    expect(received).toEqual(['"other"', '"first"', '"second"']);
  });

  it('knows no receipt handle of a message it does not hold', () => {
    const { queue } = queueWithConsumer();
    expect(queue.changeVisibility('nope', 60)).toBe(false);
  });
});
