import { describe, expect, it } from 'vitest';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { HOUR, makeWorld } from '../support/app.js';

/** Tickets of VIP customers are answered within four hours, the others within a day; a miss escalates. */
const ticketPromise: JourneyInput = {
  id: 'ticket-promise',
  name: 'Ticket reply promise',
  category: 'care',
  trigger: { 'detail-type': ['Ticket Opened'] },
  start: 'tier',
  steps: {
    tier: {
      type: 'branch',
      cases: [{ when: { profile: { attributes: { tier: ['vip'] } } }, next: 'vip-reply' }],
      otherwise: 'reply',
    },
    'vip-reply': {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Ticket Resolved'] },
      correlate: 'ticketId',
      timeout: 'PT4H',
      next: 'end',
      onTimeout: 'escalate',
      sla: { priority: 'high' },
    },
    reply: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Ticket Resolved'] },
      correlate: 'ticketId',
      timeout: 'P1D',
      next: 'end',
      onTimeout: 'escalate',
      sla: { priority: 'normal' },
    },
    escalate: {
      type: 'emit',
      detailType: 'Care Case Escalated',
      detail: { reason: 'reply-overdue' },
      next: 'end',
    },
    end: { type: 'exit' },
  },
};

const setUp = async () => {
  const world = await makeWorld([ticketPromise]);
  const counted: string[] = [];
  world.deps.metrics = {
    messageSent: () => {},
    skipped: () => {},
    slaBreached: (priority) => counted.push(priority),
    error: () => {},
  };
  for (const [customerId, tier] of [
    ['c-vip', 'vip'],
    ['c-std', 'standard'],
  ] as const) {
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { customerId, attributes: { tier } }),
    );
  }
  return { world, counted };
};

describe('service levels on care waits', () => {
  it('counts a VIP ticket not resolved within four hours as a high-priority breach, and escalates it', async () => {
    const { world, counted } = await setUp();
    await processCustomerEvent(
      world.deps,
      world.event('Ticket Opened', { customerId: 'c-vip', ticketId: 't-1' }),
    );
    await world.advance(4 * HOUR);
    expect(counted).toEqual(['high']);
    expect(await world.stats.read('ticket-promise')).toMatchObject({ 'sla.breached.high': 1 });
    const escalated = world.events.published.filter((e) => e.detailType === 'Care Case Escalated');
    expect(escalated.map((e) => e.detail.ticketId)).toEqual(['t-1']);
  });

  it('counts nothing for a ticket resolved in time', async () => {
    const { world, counted } = await setUp();
    await processCustomerEvent(
      world.deps,
      world.event('Ticket Opened', { customerId: 'c-vip', ticketId: 't-1' }),
    );
    await world.advance(3 * HOUR);
    await processCustomerEvent(
      world.deps,
      world.event('Ticket Resolved', { customerId: 'c-vip', ticketId: 't-1' }),
    );
    await world.advance(2 * HOUR);
    expect(counted).toEqual([]);
    expect(await world.stats.read('ticket-promise')).not.toHaveProperty(['sla.breached.high']);
  });

  it("holds other customers to their own level's timeout", async () => {
    const { world, counted } = await setUp();
    await processCustomerEvent(
      world.deps,
      world.event('Ticket Opened', { customerId: 'c-std', ticketId: 't-2' }),
    );
    await world.advance(4 * HOUR);
    expect(counted).toEqual([]);
    await world.advance(20 * HOUR);
    expect(counted).toEqual(['normal']);
  });
});
