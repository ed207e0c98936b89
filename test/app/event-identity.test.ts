import { describe, expect, it } from 'vitest';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { postPurchaseSurvey } from '../../shared/domain/defaults/post-purchase-survey.js';
import { parseCustomerEvent } from '../../shared/domain/events/envelope.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { makeWorld } from '../support/app.js';

const alice = { customerId: 'c-alice', email: 'alice@example.com', name: 'Alice', consent: { email: true } };
const order = (orderId: string, eventKey?: string) => ({
  customerId: 'c-alice',
  orderId,
  total: 59.9,
  currency: 'EUR',
  items: [],
  ...(eventKey ? { eventKey } : {}),
});

/** A care journey that answers every care case with an email. */
const careCase: JourneyInput = {
  id: 'care-case',
  name: 'Care case follow-up',
  category: 'care',
  trigger: { source: ['careflow'], 'detail-type': ['Care Case Requested'] },
  start: 'ack',
  steps: {
    ack: { type: 'sendEmail', template: 'apology', next: 'end' },
    end: { type: 'exit' },
  },
};

/** Thanks for every order: no cooldown, so only the event's identity keeps a copy from a second run. */
const orderThanks: JourneyInput = {
  ...careCase,
  id: 'order-thanks',
  name: 'Order thanks',
  trigger: { 'detail-type': ['Order Completed'] },
};

describe('events sent again under a new id', () => {
  it('start one run when a producer retries its PutEvents with the same event key', async () => {
    const world = await makeWorld([orderThanks]);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    const first = world.event('Order Completed', order('o-1001', 'shop/o-1001/completed'));
    const retried = world.event('Order Completed', order('o-1001', 'shop/o-1001/completed'));
    expect(retried.id).not.toBe(first.id);
    await processCustomerEvent(world.deps, first);
    await processCustomerEvent(world.deps, retried);
    expect(world.customers.instances.size).toBe(1);
    expect(world.email.sent).toHaveLength(1);
  });

  it('still start a run for each event with its own key', async () => {
    const world = await makeWorld([careCase]);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    for (const eventKey of ['i-1.case.1', 'i-2.case.1'])
      await processCustomerEvent(
        world.deps,
        world.event('Care Case Requested', { customerId: 'c-alice', eventKey }, 'careflow'),
      );
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['ack', 'ack']);
  });

  it("start one run when careflow's own event is put on the bus again", async () => {
    const world = await makeWorld([careCase]);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    // An emit step puts its event on the bus before the run is saved: a retried run puts it again.
    const emitted = { customerId: 'c-alice', reason: 'nps-detractor', eventKey: 'i-1.case.1' };
    for (let copy = 0; copy < 2; copy += 1)
      await processCustomerEvent(world.deps, world.event('Care Case Requested', emitted, 'careflow'));
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['ack']);
  });

  it('start a run for each customer whose event carries the same key, each with its own id and wake-up', async () => {
    const waits: JourneyInput = {
      ...orderThanks,
      id: 'order-wait',
      start: 'wait',
      steps: { wait: { type: 'wait', duration: 'P1D', next: 'ack' }, ...orderThanks.steps },
    };
    const world = await makeWorld([waits]);
    for (const customerId of ['c-alice', 'c-bob']) {
      await processCustomerEvent(
        world.deps,
        world.event('Customer Profile Updated', { ...alice, customerId }),
      );
      await processCustomerEvent(
        world.deps,
        world.event('Order Completed', { ...order('o-1', 'price-drop/sku-1'), customerId }),
      );
    }
    const ids = [...world.customers.instances.values()].map((i) => i.instanceId);
    expect(new Set(ids).size).toBe(2);
    expect(world.scheduler.scheduled.size).toBe(2);
  });

  it('keep the event key out of the profile a profile update writes', async () => {
    const world = await makeWorld([postPurchaseSurvey]);
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { ...alice, eventKey: 'crm/alice/7' }),
    );
    const state = await world.customers.load('c-alice');
    expect(state.profile).toMatchObject({ email: 'alice@example.com' });
    expect(state.profile).not.toHaveProperty('eventKey');
  });

  it.each([
    ['not a string', 42, 'detail.eventKey'],
    ['empty', '', 'detail.eventKey'],
    ['longer than 256 characters', 'k'.repeat(257), 'detail.eventKey'],
  ])('refuse an event key that is %s, naming the field', (_, eventKey, path) => {
    const parsed = parseCustomerEvent({
      id: 'evt-1',
      'detail-type': 'Order Completed',
      source: 'shop',
      time: '2026-11-02T09:00:00.000Z',
      detail: { ...order('o-1'), eventKey },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.path)).toEqual([path]);
  });
});
