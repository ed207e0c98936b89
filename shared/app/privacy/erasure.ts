import { NotFoundError, ValidationError } from '../../domain/errors.js';
import * as z from '../../domain/zod.js';
import type { PrivacyDeps } from '../deps.js';
import type { Channel, CustomerRecords, StoredRecord } from '../ports.js';

/** Suppression reason of every address of an erased customer. */
export const ERASED_REASON = 'erased';

const CustomerId = z.string().check(z.minLength(1), z.maxLength(128));

const checkCustomerId = (customerId: string): string => {
  const parsed = CustomerId.safeParse(customerId);
  if (parsed.success) return parsed.data;
  throw new ValidationError('customerId must be 1 to 128 characters', [
    { path: 'customerId', message: 'must be 1 to 128 characters' },
  ]);
};

export interface ContactAddress {
  channel: Channel;
  address: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Every address careflow holds for the customer: the profile's email and phone, the addresses
 * older messages went to (a customer who changed address still owns the old one), and those
 * their suppression marks name.
 */
export const contactAddresses = (records: CustomerRecords): ContactAddress[] => {
  const found = new Map<string, ContactAddress>();
  const add = (channel: Channel, address: string | null) => {
    if (address) found.set(`${channel} ${address}`, { channel, address });
  };
  add('email', text(records.profile?.email));
  add('sms', text(records.profile?.phone));
  for (const message of records.messages) {
    if (message.channel === 'email' || message.channel === 'sms') add(message.channel, text(message.to));
  }
  // Addresses checked for suppression once (decision 0071), maybe since gone from the profile and
  // from messages that expired: their suppression items still name the customer as a watcher.
  for (const channel of ['email', 'sms'] as const) {
    for (const address of Object.keys(records.suppressionMarks?.[channel] ?? {})) add(channel, address);
  }
  return [...found.values()];
};

export interface CustomerExport {
  customerId: string;
  exportedAt: string;
  profile: StoredRecord | null;
  instances: StoredRecord[];
  messages: StoredRecord[];
  surveyAnswers: StoredRecord[];
  other: StoredRecord[];
  /** The customer's addresses that careflow will not contact, and why. */
  suppressions: (ContactAddress & { reason: string })[];
  erasure: { erasedAt: string } | null;
}

/**
 * Everything careflow stores about a customer, as JSON: the profile, journey runs, contact
 * history, survey answers, items of kinds added later, and the suppressions of their addresses.
 * NotFoundError when careflow has never stored anything under the id.
 */
export const exportCustomer = async (
  deps: Pick<PrivacyDeps, 'clock' | 'customerData' | 'suppressions'>,
  customerId: string,
): Promise<CustomerExport> => {
  const id = checkCustomerId(customerId);
  const records = await deps.customerData.readAll(id);
  const empty =
    !records.profile &&
    !records.erasure &&
    [records.instances, records.messages, records.surveyAnswers, records.other].every(
      (list) => list.length === 0,
    );
  if (empty) throw new NotFoundError(`careflow holds nothing about customer ${id}`);
  const suppressions: CustomerExport['suppressions'] = [];
  for (const contact of contactAddresses(records)) {
    const reason = await deps.suppressions.reasonFor(contact.channel, contact.address);
    if (reason !== null) suppressions.push({ ...contact, reason });
  }
  return {
    customerId: id,
    exportedAt: deps.clock.now(),
    profile: records.profile,
    instances: records.instances,
    messages: records.messages,
    surveyAnswers: records.surveyAnswers,
    other: records.other,
    suppressions,
    erasure: records.erasure,
  };
};

export interface ErasureReport {
  customerId: string;
  /** When the customer was first erased (a repeated erasure keeps the first time). */
  erasedAt: string;
  /** Items deleted by this call. */
  deletedItems: number;
  /** Addresses put on the suppression list by this call, per channel. */
  suppressed: Record<Channel, number>;
  /** True when the customer had been erased before. */
  alreadyErased: boolean;
}

/**
 * Erase a customer: write the tombstone, suppress every address careflow knows for them
 * (reason `erased`), then delete every other item of the customer (profile last).
 *
 * The order makes a retry after any failure finish the job: until the profile is gone, the
 * addresses can be read again. Idempotent; erasing an id careflow never saw still writes the
 * tombstone, so events that arrive later for it do not build a new profile
 * (docs/decisions/0033-erasure-tombstone.md).
 */
export const eraseCustomer = async (deps: PrivacyDeps, customerId: string): Promise<ErasureReport> => {
  const id = checkCustomerId(customerId);
  const now = deps.clock.now();
  const records = await deps.customerData.readAll(id);
  // Erased before and signed up again since (a profile younger than the tombstone): a new erasure,
  // whose time becomes the cut-off for late events (decision 0075). Otherwise a retry: the first time holds.
  const previous = records.erasure?.erasedAt;
  const createdAt = records.profile?.createdAt;
  const renew =
    previous !== undefined && typeof createdAt === 'string' && Date.parse(createdAt) > Date.parse(previous);
  const { erasedAt } = await deps.customerData.markErased(id, now, { renew });
  const suppressed: Record<Channel, number> = { email: 0, sms: 0 };
  for (const contact of contactAddresses(records)) {
    await deps.suppressions.suppress({ ...contact, reason: ERASED_REASON, at: now, unwatch: id });
    suppressed[contact.channel] += 1;
  }
  const deletedItems = await deps.customerData.deleteAll(id);
  deps.logger.info('customer erased', { customerId: id, deletedItems, suppressed, erasedAt });
  return { customerId: id, erasedAt, deletedItems, suppressed, alreadyErased: records.erasure !== null };
};
