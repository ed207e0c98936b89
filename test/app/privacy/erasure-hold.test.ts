import { describe, expect, it } from 'vitest';
import type { CustomerState, Logger } from '../../../shared/app/ports.js';
import { stateForEvent } from '../../../shared/app/privacy/erasure-hold.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { processWake } from '../../../shared/app/process-wake.js';
import { recordSurveyAnswer } from '../../../shared/app/record-survey-answer.js';
import { InvalidLinkError } from '../../../shared/domain/errors.js';
import type { Instance } from '../../../shared/domain/journey/instance.js';
import { HOUR, makeWorld } from '../../support/app.js';
import { MemoryCustomerStore } from '../../support/fakes.js';

/** The customer store with the tombstones an erasure leaves, read with the profile as DynamoDB's is. */
class ErasableCustomerStore extends MemoryCustomerStore {
  readonly tombstones = new Map<string, string>();
  override async load(customerId: string): Promise<CustomerState> {
    const state = await super.load(customerId);
    const erasedAt = this.tombstones.get(customerId);
    return erasedAt === undefined ? state : { ...state, erasedAt };
  }
}

const ERASED_AT = '2026-11-02T10:00:00.000Z';
const BEFORE = '2026-11-02T09:59:59.000Z';
const AFTER = '2026-11-02T10:05:00.000Z';
const ada = { customerId: 'c-ada', email: 'ada@example.com', name: 'Ada', consent: { email: true } };
const order = { customerId: 'c-ada', orderId: 'o-1', total: 40, currency: 'EUR', items: [] };

/** A world whose customer Ada bought something, then was erased at 10:00. */
const erasedWorld = async () => {
  const world = await makeWorld(undefined, '2026-11-02T09:00:00.000Z');
  const customers = new ErasableCustomerStore();
  const skipped: string[] = [];
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    ...world.deps.logger,
    warn: (message, extra) => warnings.push({ message, extra }),
  };
  world.deps.customers = customers;
  world.deps.logger = logger;
  world.deps.metrics = {
    messageSent: () => {},
    skipped: (reason) => skipped.push(reason),
    slaBreached: () => {},
    error: () => {},
  };
  const at = (time: string, detailType: string, detail: Record<string, unknown>) => ({
    ...world.event(detailType, detail),
    time,
  });
  return { world, customers, skipped, warnings, at };
};

describe('erasure holds against late events', () => {
  it('still drops an old event after an old unsubscribe link is used on the erased customer', async () => {
    const { world, customers, at } = await erasedWorld();
    customers.tombstones.set('c-ada', ERASED_AT);
    world.clock.set(AFTER);
    await customers.record('c-ada', { channel: 'email', scope: 'marketing', at: AFTER });

    const result = await processCustomerEvent(world.deps, at(BEFORE, 'Order Completed', order));

    expect(result).toEqual({ started: [], advanced: [], skipped: [] });
    expect(customers.profiles.get('c-ada')).toBeUndefined();
    expect(customers.instances.size).toBe(0);
  });

  it('drops an event that predates the erasure: no profile comes back, no journey starts', async () => {
    const { world, customers, skipped, warnings, at } = await erasedWorld();
    customers.tombstones.set('c-ada', ERASED_AT);
    world.clock.set(AFTER);

    await processCustomerEvent(world.deps, at(BEFORE, 'Customer Profile Updated', ada));
    const result = await processCustomerEvent(world.deps, at(BEFORE, 'Order Completed', order));

    expect(result).toEqual({ started: [], advanced: [], skipped: [] });
    expect((await customers.load('c-ada')).profile).toBeNull();
    expect((await customers.load('c-ada')).instances).toEqual([]);
    expect(skipped).toEqual(['erased', 'erased']);
    expect(warnings.map((w) => w.message)).toEqual([
      'dropped: the customer was erased',
      'dropped: the customer was erased',
    ]);
    expect(JSON.stringify(warnings)).not.toContain('ada@example.com');
    expect(JSON.stringify(warnings)).not.toContain('c-ada');
  });

  it('drops a later event of another kind while careflow knows nothing new of the customer', async () => {
    const { world, customers, skipped, at } = await erasedWorld();
    customers.tombstones.set('c-ada', ERASED_AT);
    world.clock.set(AFTER);

    await processCustomerEvent(world.deps, at(AFTER, 'Order Completed', order));
    await world.advance(25 * HOUR);

    expect((await customers.load('c-ada')).instances).toEqual([]);
    expect(world.email.sent).toEqual([]);
    expect(skipped).toEqual(['erased']);
  });

  it('starts a fresh profile when the customer signs up again, ignoring what escaped the erasure', async () => {
    const { world, customers, at } = await erasedWorld();
    // A processor run that had loaded Ada before the erasure saved her profile after its deletes.
    await customers.saveProfile({ ...ada, phone: '+4915112345678', createdAt: BEFORE, updatedAt: BEFORE });
    customers.tombstones.set('c-ada', ERASED_AT);
    world.clock.set(AFTER);

    await processCustomerEvent(
      world.deps,
      at(AFTER, 'Customer Profile Updated', {
        customerId: 'c-ada',
        email: 'ada.new@example.com',
        consent: { email: true },
      }),
    );
    const { profile } = await customers.load('c-ada');
    expect(profile).toMatchObject({ customerId: 'c-ada', email: 'ada.new@example.com', createdAt: AFTER });
    expect(profile?.phone).toBeUndefined();
    expect(profile?.name).toBeUndefined();

    await processCustomerEvent(world.deps, at(AFTER, 'Order Completed', order));
    await world.advance(24 * HOUR);
    expect(world.email.sent.map((m) => m.to)).toEqual(['ada.new@example.com']);
  });

  it('never wakes an instance that escaped the erasure, and sends nothing', async () => {
    const { world, customers, skipped, warnings, at } = await erasedWorld();
    await processCustomerEvent(world.deps, at('2026-11-02T09:00:00.000Z', 'Customer Profile Updated', ada));
    await processCustomerEvent(world.deps, at('2026-11-02T09:00:00.000Z', 'Order Completed', order));
    const [instance] = (await customers.load('c-ada')).instances;
    customers.tombstones.set('c-ada', ERASED_AT);
    const [due] = [...world.scheduler.scheduled.values()];
    if (!instance || !due) throw new Error('the order started no waiting instance');
    world.clock.set(due.at);

    expect(await processWake(world.deps, due.wake)).toBe('erased');
    expect(world.email.sent).toEqual([]);
    expect(skipped).toEqual(['erased']);
    expect(warnings[0]?.extra).toEqual({ instanceId: instance.instanceId, erasedAt: ERASED_AT });
  });

  it('refuses a survey answer from a link sent before the erasure: nothing stored, nothing published', async () => {
    const { world, customers, at } = await erasedWorld();
    await processCustomerEvent(world.deps, at('2026-11-02T09:00:00.000Z', 'Customer Profile Updated', ada));
    await processCustomerEvent(world.deps, at('2026-11-02T09:00:00.000Z', 'Order Completed', order));
    await world.advance(24 * HOUR);
    const token = /\/surveys\/([^?\s]+)\?score=0/.exec(world.email.sent[0]?.text ?? '')?.[1];
    if (!token) throw new Error('no survey invitation was sent');
    customers.tombstones.set('c-ada', '2026-11-03T10:00:00.000Z');
    world.clock.set('2026-11-03T11:00:00.000Z');
    const published = world.events.published.length;

    await expect(recordSurveyAnswer(world.deps, { token, score: 2, comment: 'late' })).rejects.toThrow(
      InvalidLinkError,
    );
    expect(world.surveys.answers.size).toBe(0);
    expect(world.events.published.length).toBe(published);

    customers.tombstones.delete('c-ada');
    await recordSurveyAnswer(world.deps, { token, score: 2 });
    expect(world.surveys.answers.size).toBe(1);
  });
});

describe('the erasure cut-off', () => {
  const instance = (startedAt: string) => ({ instanceId: `i-${startedAt}`, startedAt }) as Instance;
  const state = (overrides: Partial<CustomerState>): CustomerState => ({
    profile: null,
    instances: [],
    erasedAt: ERASED_AT,
    ...overrides,
  });
  const fresh = { customerId: 'c-ada', createdAt: AFTER, updatedAt: AFTER };
  const stale = { customerId: 'c-ada', createdAt: BEFORE, updatedAt: BEFORE };

  it.each([
    ['an event at the very time of the erasure', state({}), ERASED_AT, 'Customer Profile Updated', null],
    ['an earlier profile update', state({}), BEFORE, 'Customer Profile Updated', null],
    ['a later order, with no fresh profile', state({ profile: stale }), AFTER, 'Order Completed', null],
    [
      'an earlier order, even after a fresh sign-up',
      state({ profile: fresh }),
      BEFORE,
      'Order Completed',
      null,
    ],
  ])('drops %s', (_, loaded, time, detailType, expected) => {
    expect(stateForEvent(loaded, { time, detailType })).toBe(expected);
  });

  it('passes a customer who was never erased through untouched', () => {
    const loaded = { profile: stale, instances: [instance(BEFORE)] };
    expect(stateForEvent(loaded, { time: BEFORE, detailType: 'Order Completed' })).toBe(loaded);
  });

  it('keeps only what was made after the erasure', () => {
    const kept = stateForEvent(state({ profile: fresh, instances: [instance(BEFORE), instance(AFTER)] }), {
      time: AFTER,
      detailType: 'Order Completed',
    });
    expect(kept?.profile).toBe(fresh);
    expect(kept?.instances.map((i) => i.startedAt)).toEqual([AFTER]);
  });

  it('lets a later profile update start afresh, without the profile that escaped the erasure', () => {
    const kept = stateForEvent(state({ profile: stale, instances: [instance(BEFORE)] }), {
      time: AFTER,
      detailType: 'Customer Profile Updated',
    });
    expect(kept).toMatchObject({ profile: null, instances: [] });
  });
});
