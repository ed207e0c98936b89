import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactHistory } from '../../shared/app/contact-history.js';
import type { FeedbackDeps } from '../../shared/app/deps.js';
import { RecipientOptedOutError } from '../../shared/app/feedback/errors.js';
import { type EmailFeedback, recordEmailFeedback } from '../../shared/app/feedback/record-email-feedback.js';
import { suppressOptedOut } from '../../shared/app/feedback/sms-opt-out.js';
import type { CustomerDataStore } from '../../shared/app/ports.js';
import { eraseCustomer } from '../../shared/app/privacy/erasure.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { makeWorld } from '../support/app.js';
import { MemorySuppressionList, silentLogger } from '../support/fakes.js';
import { MemoryDeliveryLog } from './feedback/fakes.js';

/** A care journey that sends one message whenever `Ping` arrives. */
const pingJourney = (send: Record<string, unknown>): JourneyInput => ({
  id: 'ping',
  name: 'Ping',
  category: 'care',
  trigger: { 'detail-type': ['Ping'] },
  reentry: { allowed: true, maxConcurrent: 100 },
  start: 'send',
  steps: { send: { next: 'end', ...send } as JourneyInput['steps'][string], end: { type: 'exit' } },
});
const email = { type: 'sendEmail', template: 'thank-you-referral' };
const sms = { type: 'sendSms', template: 'thank-you-referral' };

/**
 * A world whose suppression list mirrors into the customers' partitions (as in DynamoDB), with
 * customers `c-ada` and `c-bob`, who share one family email address.
 */
const worldWith = async (send: Record<string, unknown> = email) => {
  const world = await makeWorld([pingJourney(send)], '2026-11-02T10:00:00.000Z');
  const suppressions = new MemorySuppressionList(world.customers);
  world.deps.suppressions = suppressions;
  for (const [customerId, phone] of [
    ['c-ada', '+4915100000001'],
    ['c-bob', '+4915100000002'],
  ] as const) {
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { customerId, email: 'family@example.com', phone }),
    );
  }
  // A minute apart, so the contact history (newest first) has an order.
  const ping = (customerId: string) => {
    world.clock.advance(60_000);
    return processCustomerEvent(world.deps, world.event('Ping', { customerId }));
  };
  const last = async (customerId: string) => (await contactHistory(world.deps, customerId))[0];
  return { ...world, suppressions, ping, last };
};

const feedbackDeps = (world: Awaited<ReturnType<typeof worldWith>>): FeedbackDeps => ({
  clock: world.clock,
  logger: silentLogger,
  deliveries: new MemoryDeliveryLog(),
  suppressions: world.suppressions,
  customers: world.customers,
  events: world.events,
});

const sesEvent = (status: 'bounced' | 'complained', customerId: string): EmailFeedback => ({
  eventId: `ses-${status}`,
  status,
  at: '2026-11-02T10:05:00.000Z',
  providerMessageId: 'ses-1',
  messageId: null,
  customerIds: [customerId],
  recipients: ['Family@Example.com'],
  permanentBounce: true,
  detail: null,
});

describe('suppression as the customer partition knows it', () => {
  it('asks the suppression list once per address, then answers from the partition', async () => {
    const world = await worldWith();

    for (let i = 0; i < 3; i += 1) await world.ping('c-ada');

    expect(world.email.sent).toHaveLength(3);
    expect(world.suppressions.watches).toBe(1);
    expect(world.suppressions.lookups).toBe(0);
  });

  it.each([
    ['a hard bounce', 'bounced', 'bounce'],
    ['a complaint', 'complained', 'complaint'],
  ] as const)(
    'stops mail to both customers of an address after %s of one of them',
    async (_, status, reason) => {
      const world = await worldWith();
      await world.ping('c-ada');
      await world.ping('c-bob');

      await recordEmailFeedback(feedbackDeps(world), sesEvent(status, 'c-ada'));
      await world.ping('c-ada');
      await world.ping('c-bob');

      expect(world.email.sent).toHaveLength(2);
      expect(await world.last('c-ada')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      expect(await world.last('c-bob')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      expect(world.customers.marks.get('c-bob')?.email).toEqual({ 'family@example.com': reason });
      expect(world.suppressions.lookups).toBe(0);
    },
  );

  it('stops SMS to a number the provider reported as opted out', async () => {
    const world = await worldWith(sms);
    world.deps.sms = suppressOptedOut(world.sms, {
      suppressions: world.suppressions,
      clock: world.clock,
      logger: silentLogger,
    });
    await world.ping('c-ada');
    world.sms.failWith = new RecipientOptedOutError('sms', 'opted out');
    await world.ping('c-ada');
    world.sms.failWith = null;

    await world.ping('c-ada');

    expect(world.sms.sent).toHaveLength(1);
    expect(await world.last('c-ada')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('stops mail to the address of an erased customer for whoever else has it', async () => {
    const world = await worldWith();
    await world.ping('c-ada');
    await world.ping('c-bob');
    const customerData: CustomerDataStore = {
      readAll: async (customerId) => ({
        customerId,
        profile: { ...world.customers.profiles.get(customerId) },
        instances: [],
        messages: [],
        surveyAnswers: [],
        other: [],
        erasure: null,
      }),
      markErased: async (_, at) => ({ erasedAt: at }),
      deleteAll: async (customerId) => {
        world.customers.profiles.delete(customerId);
        world.customers.marks.delete(customerId);
        return 1;
      },
    };

    await eraseCustomer({ ...world.deps, customerData, suppressions: world.suppressions }, 'c-ada');
    await world.ping('c-bob');

    expect(world.email.sent).toHaveLength(2);
    expect(await world.last('c-bob')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(world.customers.marks.has('c-ada')).toBe(false);
    expect(world.suppressions.watchers.get('email#family@example.com')).toEqual(new Set(['c-bob']));
  });

  it('stops mail after an operator suppresses the address', async () => {
    const world = await worldWith();
    await world.ping('c-bob');

    await world.suppressions.suppress({
      channel: 'email',
      address: 'family@example.com',
      reason: 'manual',
      at: world.clock.now(),
    });
    await world.ping('c-bob');

    expect(await world.last('c-bob')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('checks a new address once, when the customer is first contacted there', async () => {
    const world = await worldWith();
    await world.ping('c-ada');
    await world.suppressions.suppress({
      channel: 'email',
      address: 'ada.new@example.com',
      reason: 'bounce',
      at: world.clock.now(),
    });

    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { customerId: 'c-ada', email: 'Ada.New@example.com' }),
    );
    await world.ping('c-ada');

    expect(await world.last('c-ada')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(world.suppressions.watches).toBe(2);
  });

  it('sends nothing to a suppressed address, whatever the order of sends, suppressions and address changes', async () => {
    const addresses = ['a@example.com', 'b@example.com', 'c@example.com'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('ping' as const), customer: fc.constantFrom('c-ada', 'c-bob') }),
      fc.record({ kind: fc.constant('suppress' as const), address: fc.constantFrom(...addresses) }),
      fc.record({
        kind: fc.constant('move' as const),
        customer: fc.constantFrom('c-ada', 'c-bob'),
        address: fc.constantFrom(...addresses),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 20 }), async (steps) => {
        const world = await worldWith();
        const suppressedAt = new Map<string, number>();
        for (const s of steps) {
          if (s.kind === 'ping') await world.ping(s.customer);
          else if (s.kind === 'suppress') {
            await world.suppressions.suppress({
              channel: 'email',
              address: s.address,
              reason: 'bounce',
              at: world.clock.now(),
            });
            if (!suppressedAt.has(s.address)) suppressedAt.set(s.address, world.email.sent.length);
          } else {
            await processCustomerEvent(
              world.deps,
              world.event('Customer Profile Updated', { customerId: s.customer, email: s.address }),
            );
          }
        }
        world.email.sent.forEach((mail, index) => {
          const since = suppressedAt.get(mail.to);
          expect(since === undefined || index < since).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });
});
