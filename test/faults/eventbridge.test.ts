import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { bus, eventBridge, useFaultWorld } from './support/harness.js';

const { world } = useFaultWorld();

const detailTypesOf = (entries: { DetailType?: string }[]) => entries.map((e) => e.DetailType);
const putCalls = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

describe('fault injection: EventBridge', () => {
  it('(h) PutEvents fails one entry: only that entry is sent again, and everything reaches the bus once', async () => {
    const w = await world();
    await w.signUp();
    let failures = 1;
    bus.failEntry = (entry) => {
      if (entry.DetailType !== 'Care Case Requested' || failures === 0) return null;
      failures -= 1;
      return 'ThrottlingException';
    };

    expect(
      await w.deliver(w.event('Complaint Filed', { complaintId: 'k-1', topic: 'late delivery' })),
    ).toEqual([]);

    expect(putCalls().map(detailTypesOf)).toEqual([
      ['Care Case Requested'],
      ['Care Case Requested'],
      ['Complaint Acknowledged'],
    ]);
    expect(detailTypesOf(bus.accepted)).toEqual(['Care Case Requested', 'Complaint Acknowledged']);
    expect(w.emailsRequested()).toHaveLength(1);
    expect(await w.history()).toEqual([expect.objectContaining({ stepId: 'sorry', status: 'sent' })]);
  });

  it('(h) PutEvents keeps failing: the record fails, and its retry publishes the event without resending the email', async () => {
    const w = await world();
    await w.signUp();
    const complaint = w.event('Complaint Filed', { complaintId: 'k-1', topic: 'late delivery' });
    bus.failEntry = (entry) => (entry.DetailType === 'Care Case Requested' ? 'InternalFailure' : null);

    expect(await w.deliver(complaint)).toHaveLength(1);
    // The publisher retried the failed entry three times, and nothing after it ran.
    expect(putCalls().map(detailTypesOf)).toEqual(Array(4).fill(['Care Case Requested']));
    expect(bus.accepted).toEqual([]);

    bus.failEntry = () => null;
    expect(await w.deliver(complaint)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect(detailTypesOf(bus.accepted)).toEqual(['Care Case Requested', 'Complaint Acknowledged']);
    // Every attempt carried the same event key, so a consumer that saw an earlier copy drops this one.
    const keys = putCalls()
      .flat()
      .filter((e) => e.DetailType === 'Care Case Requested')
      .map((e) => (JSON.parse(e.Detail ?? '{}') as { eventKey?: string }).eventKey);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toEqual(expect.any(String));
    expect(await w.history()).toEqual([expect.objectContaining({ stepId: 'sorry', status: 'sent' })]);
  });
});
