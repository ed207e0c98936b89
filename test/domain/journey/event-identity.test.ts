import { describe, expect, it } from 'vitest';
import { type EventRef, eventIdentity } from '../../../shared/domain/journey/instance.js';

const event = (overrides: Partial<EventRef> = {}, detail: Record<string, unknown> = {}): EventRef => ({
  id: 'evt-1',
  detailType: 'Order Completed',
  source: 'shop',
  time: '2026-11-02T10:00:00.000Z',
  detail: { customerId: 'c-1', ...detail },
  ...overrides,
});

describe('event identity', () => {
  it('is the same for two deliveries with the same event key, whatever their EventBridge ids', () => {
    expect(eventIdentity(event({ id: 'evt-1' }, { eventKey: 'o-1' }))).toBe(
      eventIdentity(event({ id: 'evt-2' }, { eventKey: 'o-1' })),
    );
  });

  it.each([
    ['another key', event({}, { eventKey: 'o-2' })],
    ['another detail-type', event({ detailType: 'Order Refunded' }, { eventKey: 'o-1' })],
    ['another source', event({ source: 'returns' }, { eventKey: 'o-1' })],
    ['no key', event()],
    ['another customer', event({}, { eventKey: 'o-1', customerId: 'c-2' })],
    [
      'the same parts cut differently',
      event({ source: 'shop|Order Completed', detailType: '' }, { eventKey: 'o-1' }),
    ],
  ])('tells an event with %s apart', (_, other) => {
    expect(eventIdentity(other)).not.toBe(eventIdentity(event({}, { eventKey: 'o-1' })));
  });

  it.each([
    ['no key', {}],
    ['an empty key', { eventKey: '' }],
    ['a key that is not a string', { eventKey: 42 }],
  ])('is the EventBridge id for an event with %s', (_, detail) => {
    expect(eventIdentity(event({ id: 'evt-9' }, detail))).toBe('evt-9');
  });
});
