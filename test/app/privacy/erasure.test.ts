import { describe, expect, it } from 'vitest';
import type { PrivacyDeps } from '../../../shared/app/deps.js';
import type { CustomerDataStore, CustomerRecords, StoredRecord } from '../../../shared/app/ports.js';
import { contactAddresses, eraseCustomer, exportCustomer } from '../../../shared/app/privacy/index.js';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.js';
import { FakeClock, silentLogger } from '../../support/fakes.js';
import { MemorySuppressionList } from '../feedback/fakes.js';

/** A customer's partition in memory; records every call in order, and can fail one operation once. */
class MemoryCustomerData implements CustomerDataStore {
  readonly calls: string[] = [];
  profile: StoredRecord | null = null;
  messages: StoredRecord[] = [];
  instances: StoredRecord[] = [];
  surveyAnswers: StoredRecord[] = [];
  erasedAt: string | null = null;
  failOnce: 'deleteAll' | null = null;

  async readAll(customerId: string): Promise<CustomerRecords> {
    this.calls.push('readAll');
    return {
      customerId,
      profile: this.profile,
      instances: [...this.instances],
      messages: [...this.messages],
      surveyAnswers: [...this.surveyAnswers],
      other: [],
      erasure: this.erasedAt ? { erasedAt: this.erasedAt } : null,
    };
  }
  async markErased(
    _customerId: string,
    at: string,
    options: { renew?: boolean } = {},
  ): Promise<{ erasedAt: string }> {
    this.calls.push('markErased');
    this.erasedAt = options.renew ? at : (this.erasedAt ?? at);
    return { erasedAt: this.erasedAt };
  }
  async deleteAll(): Promise<number> {
    this.calls.push('deleteAll');
    if (this.failOnce === 'deleteAll') {
      this.failOnce = null;
      throw new Error('throttled');
    }
    const count =
      (this.profile ? 1 : 0) + this.messages.length + this.instances.length + this.surveyAnswers.length;
    this.profile = null;
    this.messages = [];
    this.instances = [];
    this.surveyAnswers = [];
    return count;
  }
}

const setup = () => {
  const data = new MemoryCustomerData();
  const suppressions = new MemorySuppressionList();
  const clock = new FakeClock('2026-11-10T12:00:00.000Z');
  const deps: PrivacyDeps = { clock, logger: silentLogger, customerData: data, suppressions };
  data.profile = { customerId: 'c-1', email: 'ada@example.com', phone: '+4915112345678', name: 'Ada' };
  data.instances = [{ instanceId: 'i-1', journeyId: 'post-purchase-survey' }];
  data.messages = [
    { messageId: 'm-1', channel: 'email', to: 'ada.old@example.com' },
    { messageId: 'm-2', channel: 'email', to: 'ada@example.com' },
    { messageId: 'm-3', channel: 'sms', to: '+4915112345678' },
    { messageId: 'm-4', channel: 'email', to: null },
  ];
  data.surveyAnswers = [{ surveyId: 'm-1', score: 3 }];
  return { data, suppressions, clock, deps };
};

describe('customer export', () => {
  it('returns everything in the partition and the suppressions of the customer’s addresses', async () => {
    const { deps, suppressions } = setup();
    await suppressions.suppress({
      channel: 'email',
      address: 'ada.old@example.com',
      reason: 'bounce',
      at: 'x',
    });

    const exported = await exportCustomer(deps, 'c-1');

    expect(exported).toEqual({
      customerId: 'c-1',
      exportedAt: '2026-11-10T12:00:00.000Z',
      profile: { customerId: 'c-1', email: 'ada@example.com', phone: '+4915112345678', name: 'Ada' },
      instances: [{ instanceId: 'i-1', journeyId: 'post-purchase-survey' }],
      messages: expect.arrayContaining([expect.objectContaining({ messageId: 'm-1' })]),
      surveyAnswers: [{ surveyId: 'm-1', score: 3 }],
      other: [],
      suppressions: [{ channel: 'email', address: 'ada.old@example.com', reason: 'bounce' }],
      erasure: null,
    });
    expect(exported.messages).toHaveLength(4);
  });

  it('is NotFound for a customer careflow never stored', async () => {
    const { deps, data } = setup();
    data.profile = null;
    data.instances = [];
    data.messages = [];
    data.surveyAnswers = [];
    await expect(exportCustomer(deps, 'c-unknown')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('shows an erased customer as the tombstone alone', async () => {
    const { deps } = setup();
    await eraseCustomer(deps, 'c-1');
    const exported = await exportCustomer(deps, 'c-1');
    expect(exported).toMatchObject({
      profile: null,
      instances: [],
      messages: [],
      surveyAnswers: [],
      erasure: { erasedAt: '2026-11-10T12:00:00.000Z' },
    });
  });

  it.each(['', 'x'.repeat(129)])('refuses the customer id %j, naming the field', async (id) => {
    const { deps } = setup();
    const error = await exportCustomer(deps, id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]?.path).toBe('customerId');
  });
});

describe('customer erasure', () => {
  it('suppresses every address careflow holds for the customer, including old ones, with reason "erased"', async () => {
    const { deps, suppressions } = setup();

    const report = await eraseCustomer(deps, 'c-1');

    expect(report).toEqual({
      customerId: 'c-1',
      erasedAt: '2026-11-10T12:00:00.000Z',
      deletedItems: 7,
      suppressed: { email: 2, sms: 1 },
      alreadyErased: false,
    });
    expect(await suppressions.reasonFor('email', 'ada@example.com')).toBe('erased');
    expect(await suppressions.reasonFor('email', 'ada.old@example.com')).toBe('erased');
    expect(await suppressions.reasonFor('sms', '+4915112345678')).toBe('erased');
  });

  it('writes the tombstone before it deletes anything, and suppresses before deleting', async () => {
    const { deps, data, suppressions } = setup();
    const order: string[] = [];
    const suppress = suppressions.suppress.bind(suppressions);
    suppressions.suppress = async (entry) => {
      order.push(`suppress:${data.calls.length}`);
      return suppress(entry);
    };
    await eraseCustomer(deps, 'c-1');
    expect(data.calls).toEqual(['readAll', 'markErased', 'deleteAll']);
    // Three addresses, each suppressed after readAll and markErased and before deleteAll.
    expect(order).toEqual(['suppress:2', 'suppress:2', 'suppress:2']);
  });

  it('finishes on a retry after the deletes failed', async () => {
    const { deps, data, suppressions } = setup();
    data.failOnce = 'deleteAll';
    await expect(eraseCustomer(deps, 'c-1')).rejects.toThrow('throttled');

    const report = await eraseCustomer(deps, 'c-1');

    expect(report.deletedItems).toBe(7);
    expect(report.alreadyErased).toBe(true);
    expect(await suppressions.reasonFor('sms', '+4915112345678')).toBe('erased');
    expect(data.profile).toBeNull();
  });

  it('is idempotent: erasing again deletes nothing more and keeps the first erasure time', async () => {
    const { deps, clock } = setup();
    await eraseCustomer(deps, 'c-1');
    clock.advance(60_000);
    const again = await eraseCustomer(deps, 'c-1');
    expect(again).toEqual({
      customerId: 'c-1',
      erasedAt: '2026-11-10T12:00:00.000Z',
      deletedItems: 0,
      suppressed: { email: 0, sms: 0 },
      alreadyErased: true,
    });
  });

  it('erases a customer who signed up again from the new erasure time, so the cut-off moves on', async () => {
    const { deps, data, clock } = setup();
    await eraseCustomer(deps, 'c-1');
    clock.advance(3_600_000);
    data.profile = { customerId: 'c-1', email: 'ada.new@example.com', createdAt: clock.now() };
    clock.advance(60_000);

    const again = await eraseCustomer(deps, 'c-1');

    expect(again).toMatchObject({
      erasedAt: '2026-11-10T13:01:00.000Z',
      deletedItems: 1,
      alreadyErased: true,
    });
    expect(data.erasedAt).toBe('2026-11-10T13:01:00.000Z');
  });

  it('erasing an id careflow never saw still leaves a tombstone', async () => {
    const { deps, data } = setup();
    data.profile = null;
    data.instances = [];
    data.messages = [];
    data.surveyAnswers = [];
    const report = await eraseCustomer(deps, 'c-2');
    expect(report).toMatchObject({ deletedItems: 0, alreadyErased: false });
    expect(data.erasedAt).toBe('2026-11-10T12:00:00.000Z');
  });
});

describe('contact addresses', () => {
  it('lists each address once, ignoring empty and non-text values', () => {
    const records: CustomerRecords = {
      customerId: 'c-1',
      profile: { email: 'a@example.com', phone: 42 },
      instances: [],
      messages: [
        { channel: 'email', to: 'a@example.com' },
        { channel: 'sms', to: '' },
        { channel: 'push', to: 'device-1' },
      ],
      surveyAnswers: [],
      other: [],
      erasure: null,
    };
    expect(contactAddresses(records)).toEqual([{ channel: 'email', address: 'a@example.com' }]);
  });
});
