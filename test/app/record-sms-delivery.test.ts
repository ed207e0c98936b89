import { describe, expect, it } from 'vitest';
import { MemoryJourneyStats } from '../../shared/adapters/memory/journey-stats.js';
import type { MessageKey, MessageLookup } from '../../shared/app/ports.js';
import {
  INVALID_NUMBER_REASON,
  recordSmsDelivery,
  type SmsDeliveryDeps,
  type SmsDeliveryReport,
  smsFailureKind,
} from '../../shared/app/record-sms-delivery.js';
import { aMessage, anInstance } from '../integration/dynamodb/fixtures.js';
import { FakeClock, MemoryCustomerStore, RecordingPublisher, silentLogger } from '../support/fakes.js';
import { MemoryDeliveryLog, MemorySuppressionList } from './feedback/fakes.js';

/** The delivery log in memory, with the lookup by provider message id. */
class MemorySmsDeliveryLog extends MemoryDeliveryLog implements MessageLookup {
  async findByProviderMessageId(providerMessageId: string): Promise<MessageKey | undefined> {
    const found = [...this.messages.values()].find((m) => m.providerMessageId === providerMessageId);
    return found && { customerId: found.customerId, messageId: found.messageId };
  }
}

const NUMBER = '+4915112345678';

const setUp = () => {
  const deliveries = new MemorySmsDeliveryLog();
  const suppressions = new MemorySuppressionList();
  deliveries.add(
    aMessage({
      customerId: 'c-1',
      messageId: 'i-1.remind.1',
      channel: 'sms',
      to: NUMBER,
      subject: null,
      status: 'sent',
      providerMessageId: 'sns-1',
    }),
  );
  const stats = new MemoryJourneyStats();
  const customers = new MemoryCustomerStore();
  const events = new RecordingPublisher();
  const deps: SmsDeliveryDeps = {
    clock: new FakeClock('2026-11-03T10:00:06.000Z'),
    logger: silentLogger,
    deliveries,
    suppressions,
    stats,
    customers,
    events,
  };
  return { deps, deliveries, suppressions, stats, customers, events };
};

const report = (overrides: Partial<SmsDeliveryReport> = {}): SmsDeliveryReport => ({
  eventId: 'log-1',
  providerMessageId: 'sns-1',
  outcome: 'delivered',
  at: '2026-11-03T10:00:05.000Z',
  destination: NUMBER,
  providerResponse: 'Message has been accepted by phone carrier',
  ...overrides,
});

describe('recording SMS delivery', () => {
  it('marks a delivered SMS delivered, found by the id SNS Publish returned', async () => {
    // prepare
    const { deps, deliveries, suppressions } = setUp();

    // act
    const result = await recordSmsDelivery(deps, report());

    // assess
    expect(result).toEqual({ message: 'updated', status: 'delivered', suppressed: null, emitted: null });
    expect(deliveries.messages.get('c-1 i-1.remind.1')?.delivery).toBe('delivered');
    expect(suppressions.calls).toEqual([]);
  });

  it('marks a failed SMS undelivered and keeps the number when the failure may pass', async () => {
    // prepare
    const { deps, deliveries, suppressions } = setUp();

    // act
    const result = await recordSmsDelivery(
      deps,
      report({ outcome: 'failed', providerResponse: 'Phone is currently unreachable/unavailable' }),
    );

    // assess
    expect(result).toEqual({
      message: 'updated',
      status: 'undelivered',
      suppressed: null,
      emitted: 'SMS Undelivered',
    });
    expect(deliveries.messages.get('c-1 i-1.remind.1')?.delivery).toBe('undelivered');
    expect(suppressions.calls).toEqual([]);
  });

  it.each([
    ['Invalid phone number', INVALID_NUMBER_REASON],
    ['Destination phone number is invalid', INVALID_NUMBER_REASON],
    ['Phone number is opted out', 'opted-out'],
  ])('suppresses the number when the provider says "%s"', async (providerResponse, reason) => {
    // prepare
    const { deps, suppressions } = setUp();

    // act
    const result = await recordSmsDelivery(deps, report({ outcome: 'failed', providerResponse }));

    // assess
    expect(result.suppressed).toBe(reason);
    expect(suppressions.calls).toEqual([{ channel: 'sms', address: NUMBER, reason }]);
  });

  it('suppresses an invalid number even when the SMS is not careflow’s', async () => {
    // prepare
    const { deps, suppressions } = setUp();

    // act
    const result = await recordSmsDelivery(
      deps,
      report({ providerMessageId: 'sns-other', outcome: 'failed', providerResponse: 'Invalid phone number' }),
    );

    // assess
    expect(result).toEqual({
      message: 'not-found',
      status: null,
      suppressed: INVALID_NUMBER_REASON,
      emitted: null,
    });
    expect(suppressions.calls).toHaveLength(1);
  });

  it('never moves a failure back to delivered', async () => {
    // prepare
    const { deps } = setUp();
    await recordSmsDelivery(deps, report({ outcome: 'failed', providerResponse: 'Unknown error' }));

    // act
    const result = await recordSmsDelivery(deps, report({ eventId: 'log-2' }));

    // assess
    expect(result.status).toBe('undelivered');
  });

  it.each([
    ['Message has been accepted by phone carrier', 'temporary'],
    ['Phone is currently unreachable/unavailable', 'temporary'],
    ['Phone carrier has blocked this message', 'temporary'],
    ['Unknown error attempting to reach phone', 'temporary'],
    ['This delivery would exceed max price', 'temporary'],
    ['Invalid phone number', 'invalid-number'],
    ['Phone number is not a valid mobile number', 'invalid-number'],
    ['Number is unallocated', 'invalid-number'],
    ['Phone number is opted out', 'opted-out'],
  ])('reads "%s" as %s', (response, kind) => {
    expect(smsFailureKind(response)).toBe(kind);
  });
});

describe("SMS delivery in the journey's figures", () => {
  it('counts a delivered SMS once, however often SNS reports it', async () => {
    const { deps, stats } = setUp();
    await recordSmsDelivery(deps, report());
    await recordSmsDelivery(deps, report());
    expect(await stats.read('post-purchase-survey')).toEqual({ 'message.delivered': 1 });
  });

  it('counts an SMS the carrier did not take as undelivered', async () => {
    const { deps, stats } = setUp();
    await recordSmsDelivery(
      deps,
      report({ outcome: 'failed', providerResponse: 'Phone carrier has blocked this message' }),
    );
    expect(await stats.read('post-purchase-survey')).toEqual({ 'message.undelivered': 1 });
  });
});

describe('SMS Undelivered on the bus', () => {
  it('tells journeys that an SMS did not arrive, with the run, the message and why', async () => {
    const { deps, customers, events } = setUp();
    await customers.saveInstance(
      anInstance({
        instanceId: 'i-1',
        customerId: 'c-1',
        trigger: { ...anInstance().trigger, detail: { customerId: 'c-1', orderId: 'o-9' } },
      }),
      null,
    );

    const result = await recordSmsDelivery(
      deps,
      report({ outcome: 'failed', providerResponse: 'Phone is currently unreachable/unavailable' }),
    );

    expect(result.emitted).toBe('SMS Undelivered');
    expect(events.published).toEqual([
      {
        source: 'careflow',
        detailType: 'SMS Undelivered',
        time: '2026-11-03T10:00:06.000Z',
        detail: expect.objectContaining({
          customerId: 'c-1',
          orderId: 'o-9',
          messageId: 'i-1.remind.1',
          channel: 'sms',
          failure: 'temporary',
          eventKey: 'i-1.remind.1/undelivered',
        }),
      },
    ]);
    expect(JSON.stringify(events.published)).not.toContain(NUMBER);
  });

  it('announces nothing for a delivered SMS, nor for a later report of the same kind', async () => {
    const { deps, events } = setUp();
    await recordSmsDelivery(deps, report());
    await recordSmsDelivery(
      deps,
      report({ eventId: 'log-2', outcome: 'failed', providerResponse: 'Unknown error' }),
    );
    await recordSmsDelivery(
      deps,
      report({ eventId: 'log-3', outcome: 'failed', providerResponse: 'Unknown error' }),
    );
    expect(events.published.map((e) => e.detailType)).toEqual(['SMS Undelivered']);
  });
});
