import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgePublisher,
  EventTooLargeError,
  entrySize,
  PublishFailedError,
} from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import type { OutgoingEvent } from '../../shared/app/ports.js';

const eventBridge = mockClient(EventBridgeClient);

const event = (n: number, detail: Record<string, unknown> = {}): OutgoingEvent => ({
  source: 'careflow',
  detailType: 'Survey Answered',
  detail: { customerId: `c-${n}`, eventKey: `k-${n}`, ...detail },
  time: '2026-11-05T10:00:00.000Z',
});

const sleeps: number[] = [];
const publisher = (retries = 3) =>
  new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'careflow-bus', {
    retries,
    baseDelayMs: 10,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

const entriesOf = (call: number): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ?? [];

/** Answer every entry as accepted. */
const acceptAll = (input: { Entries?: PutEventsRequestEntry[] }) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `id-${i}` })),
});

beforeEach(() => {
  eventBridge.reset();
  sleeps.length = 0;
});

describe('EventBridgePublisher', () => {
  it('puts events on the bus with a JSON detail and a Date time', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);

    await publisher().publish([event(1, { nps: 9 })]);

    expect(entriesOf(0)).toEqual([
      {
        EventBusName: 'careflow-bus',
        Source: 'careflow',
        DetailType: 'Survey Answered',
        Detail: JSON.stringify({ customerId: 'c-1', eventKey: 'k-1', nps: 9 }),
        Time: new Date('2026-11-05T10:00:00.000Z'),
      },
    ]);
  });

  it('sends at most 10 entries per call, in order', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);

    await publisher().publish(Array.from({ length: 23 }, (_, i) => event(i)));

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(entriesOf(2).map((e) => JSON.parse(e.Detail ?? '{}').customerId)).toEqual([
      'c-20',
      'c-21',
      'c-22',
    ]);
  });

  it('does nothing for no events', async () => {
    await publisher().publish([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('resends only the failed entries, with backoff, until they are accepted', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .callsFake(acceptAll);

    await publisher().publish([event(0), event(1), event(2), event(3)]);

    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(entriesOf(1).map((e) => JSON.parse(e.Detail ?? '{}').customerId)).toEqual(['c-1', 'c-3']);
    expect(sleeps).toEqual([10]);
  });

  it('gives up after the retries and names every error code', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: input.Entries?.length ?? 0,
      Entries: (input.Entries ?? []).map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' })),
    }));

    const failure = await publisher(2)
      .publish([event(0), event(1)])
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(PublishFailedError);
    expect((failure as PublishFailedError).failures).toEqual([
      {
        source: 'careflow',
        detailType: 'Survey Answered',
        errorCode: 'InternalFailure',
        errorMessage: 'try later',
      },
      {
        source: 'careflow',
        detailType: 'Survey Answered',
        errorCode: 'InternalFailure',
        errorMessage: 'try later',
      },
    ]);
    expect((failure as Error).message).toContain('InternalFailure try later');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it('does not retry entries a retry cannot fix, but still publishes the rest', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad json' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        ],
      })
      .callsFake(acceptAll);

    const failure = await publisher()
      .publish([event(0), event(1)])
      .catch((e: unknown) => e);

    expect(entriesOf(1)).toHaveLength(1);
    expect(JSON.parse(entriesOf(1)[0]?.Detail ?? '{}').customerId).toBe('c-1');
    expect((failure as PublishFailedError).failures.map((f) => f.errorCode)).toEqual(['MalformedDetail']);
  });

  it('refuses an event over 256 KB before sending anything', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);

    const failure = await publisher()
      .publish([event(0), event(1, { blob: 'x'.repeat(256 * 1024) })])
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(EventTooLargeError);
    expect((failure as Error).message).toMatch(/Survey Answered.*at most 262144 bytes/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('keeps each call under 256 KB in total', async () => {
    eventBridge.on(PutEventsCommand).callsFake(acceptAll);
    const big = Array.from({ length: 4 }, (_, i) => event(i, { blob: 'x'.repeat(100 * 1024) }));

    await publisher().publish(big);

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([2, 2]);
    for (const call of calls) {
      const total = (call.args[0].input.Entries ?? []).reduce((sum, e) => sum + entrySize(e), 0);
      expect(total).toBeLessThanOrEqual(256 * 1024);
    }
  });

  it('counts the entry size the way EventBridge does', () => {
    expect(
      entrySize({ Source: 'ab', DetailType: 'ü', Detail: '{}', Time: new Date(), Resources: ['r'] }),
    ).toBe(14 + 2 + 2 + 2 + 1);
  });

  it('refuses an event with an invalid time', async () => {
    await expect(publisher().publish([{ ...event(0), time: 'yesterday' }])).rejects.toThrow(/invalid time/);
  });
});
