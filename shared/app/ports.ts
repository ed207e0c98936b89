import type { CustomerProfileUpdated } from '../domain/events/schemas.js';
import type { Journey } from '../domain/journey/definition.js';
import type { Instance } from '../domain/journey/instance.js';
import type { EmailTemplate } from '../domain/templates/render.js';

/** Small interfaces the use cases talk to; adapters implement them for AWS and locally. */

export interface Clock {
  /** The current time as an ISO 8601 string. */
  now(): string;
}

/** A customer's profile: what profile updates said (their event keys aside), and when. */
export type Profile = Omit<CustomerProfileUpdated, 'eventKey'> & {
  createdAt: string;
  updatedAt: string;
};

/**
 * What the customer's partition says about the addresses careflow checked for this customer:
 * channel → normalised address → the reason it is suppressed, or null when it may be contacted.
 * An address that is not listed has not been checked yet.
 */
export type SuppressionMarks = Partial<Record<Channel, Record<string, string | null>>>;

export interface CustomerState {
  profile: Profile | null;
  /** Every instance of the customer, running or ended (ended ones expire). */
  instances: Instance[];
  /** When the customer was erased: their tombstone, read in the same Query (decision 0075). */
  erasedAt?: string;
  /**
   * The suppression marks of the customer's addresses, read in the same Query (decision 0071);
   * absent when none was checked yet (see SuppressionList).
   */
  suppressions?: SuppressionMarks;
  /**
   * The customer's counted marketing sends (`ContactCounter`), when the store reads them in the
   * same request; absent when it does not, and then the frequency cap asks the counter.
   */
  contacts?: ContactEntry[];
  /** Unsubscribe requests whose event the processor has not applied yet (`UnsubscribeRequests`). */
  unsubscribeRequests?: UnsubscribeRequest[];
}

/** An unsubscribe the customer asked for, recorded when the request came in. */
export interface UnsubscribeRequest {
  channel: 'email' | 'sms';
  scope: 'marketing' | 'all';
  /** When the customer asked. */
  at: string;
}

/**
 * Unsubscribe requests, kept in the customer's partition the moment they come in, so every send
 * honours them before the processor has applied `Customer Unsubscribed` to the profile: a record
 * may wait in front of that event for hours (a send the provider deferred, decision 0087).
 * `CustomerStore.load` returns them beside the profile; a request counts until the processor has
 * applied its event (`applied`).
 */
export interface UnsubscribeRequests {
  record(customerId: string, request: UnsubscribeRequest): Promise<void>;
  /** The processor applied `Customer Unsubscribed` for this channel and scope to the profile. */
  applied(customerId: string, request: Pick<UnsubscribeRequest, 'channel' | 'scope'>): Promise<void>;
}

export interface CustomerStore {
  /** The profile and the instances of one customer, in one read. */
  load(customerId: string): Promise<CustomerState>;
  saveProfile(profile: Profile): Promise<void>;
  /**
   * Write an instance if its stored version is still `expectedVersion` (null: must not exist).
   * Throws ConflictError otherwise.
   */
  saveInstance(instance: Instance, expectedVersion: number | null): Promise<void>;
}

/** What decides whether an event may start a journey: its trigger, and the version it is at. */
export interface JourneyTrigger {
  id: string;
  version: number;
  /**
   * The trigger pattern, or its JSON text as stored: the index parses and checks the text when an
   * event first reaches the trigger, or at once when it has no usable filing.
   */
  trigger: Journey['trigger'] | string;
  /**
   * Where the trigger index files it, worked out at publish (`PatternIndex.filingOf`), as stored
   * (its JSON text): the index checks it, and files the trigger from the pattern when it is absent
   * or not usable.
   */
  filing?: unknown;
}

export interface JourneyStore {
  /**
   * Every published journey, current version. A stored journey this release cannot read is left
   * out and reported to `onUnreadable` (its key and why), so that one bad item stops one journey,
   * not all of them.
   */
  listPublished(onUnreadable?: (key: string, problem: Error) => void): Promise<Journey[]>;
  /**
   * Optional: the trigger of every journey `listPublished` would return, read without the rest of
   * the journeys (steps, templates); the catalog files these and reads a version (`getVersion`)
   * only when an event matches it. Undefined when the store cannot tell them all yet (journeys
   * published before it kept triggers apart): the catalog then reads `listPublished`. Unreadable
   * ones are left out and reported as by `listPublished`.
   */
  listTriggers?(onUnreadable?: (key: string, problem: Error) => void): Promise<JourneyTrigger[] | undefined>;
  /**
   * Optional: a number that changes whenever a journey is published or changes state. A catalog
   * whose cache expired reads it, and reloads only when it moved; without it, it always reloads.
   */
  catalogStamp?(): Promise<number>;
  /**
   * Optional: the catalog's trigger index as made when the stamp moved to `stamp`
   * (`catalogSnapshotText`, decision 0082); undefined when none was kept for that stamp.
   */
  catalogSnapshot?(stamp: number): Promise<string | undefined>;
  /** One published version, kept for as long as instances may run on it. */
  getVersion(id: string, version: number): Promise<Journey | undefined>;
  /** Publish a version: it becomes the current one and is kept under its number. */
  putPublished(journey: Journey): Promise<void>;
}

export interface TemplateStore {
  get(id: string): Promise<EmailTemplate | undefined>;
}

export type MessageStatus = 'sending' | 'sent' | 'failed' | 'skipped' | 'unknown';

export interface MessageRecord {
  messageId: string;
  customerId: string;
  channel: 'email' | 'sms';
  to: string | null;
  subject: string | null;
  journeyId: string;
  instanceId: string;
  stepId: string;
  template: string;
  status: MessageStatus;
  /** Why a message was skipped or failed. */
  reason: string | null;
  providerMessageId: string | null;
  sentAt: string;
  updatedAt: string;
  /** What the provider reported after sending (SES events, SNS delivery logs); never goes down in rank. */
  deliveryStatus?: DeliveryStatus;
  deliveryAt?: string;
  /** The provider's short, address-free word on it (bounce type, an SMS carrier's response), if any. */
  deliveryDetail?: string | null;
}

export interface MessageLog {
  /**
   * Record that a message is about to be sent. Returns false when the message id is
   * already recorded (sent, skipped, or in an unknown state): then it must not be sent again.
   */
  claim(record: MessageRecord): Promise<boolean>;
  /** Set the outcome of a claimed message. */
  settle(
    customerId: string,
    messageId: string,
    outcome: {
      status: Exclude<MessageStatus, 'sending'>;
      providerMessageId?: string;
      /** The message's channel: an SMS is found again by its provider id, when SNS reports its delivery. */
      channel?: Channel;
      reason?: string;
      at: string;
    },
  ): Promise<void>;
  /** Forget a claim whose send certainly did not happen, so a retry may send. */
  release(customerId: string, messageId: string): Promise<void>;
  /** The status of a message, or null when it was never claimed (read only when a claim lost). */
  status(customerId: string, messageId: string): Promise<MessageStatus | null>;
  /** The customer's contact history, newest first. */
  list(customerId: string, limit: number): Promise<MessageRecord[]>;
}

export interface OutgoingEmail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface EmailSender {
  /**
   * Send one email. Throws SendRejectedError when the provider refused it for good,
   * SendDeferredError when it certainly did not send and a retry may succeed;
   * any other error leaves the outcome unknown.
   */
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

export interface Wake {
  kind: 'wake';
  customerId: string;
  instanceId: string;
  version: number;
}

export interface WakeScheduler {
  /** Deliver `wake` to the customer's queue at `at`. Scheduling the same name twice is a no-op. */
  schedule(request: { name: string; at: string; wake: Wake }): Promise<void>;
  /** Delete a pending wake-up; one that already fired or never existed is no error. */
  cancel(name: string): Promise<void>;
}

export interface OutgoingEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time: string;
}

export interface EventPublisher {
  publish(events: OutgoingEvent[]): Promise<void>;
}

export interface SurveyAnswer {
  surveyId: string;
  customerId: string;
  kind: 'nps' | 'csat';
  score: number;
  comment: string | null;
  journeyId: string | null;
  instanceId: string | null;
  orderId: string | null;
  answeredAt: string;
}

export interface SurveyStore {
  /** Insert or update the one answer of a survey; returns its revision (1 for the first answer). */
  record(answer: SurveyAnswer): Promise<{ revision: number }>;
  get(customerId: string, surveyId: string): Promise<(SurveyAnswer & { revision: number }) | undefined>;
}

export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Where an invalid event is kept with its reason, so nothing is lost. */
export interface DeadLetters {
  keep(entry: { reason: string; payload: unknown; receivedAt: string }): Promise<void>;
}

export interface OrderedQueue {
  send(messages: { body: string; groupId: string; deduplicationId: string }[]): Promise<void>;
}

export interface OutgoingSms {
  messageId: string;
  /** E.164 phone number. */
  to: string;
  text: string;
  category: 'care' | 'marketing';
}

export interface SmsSender {
  /** Same error contract as EmailSender: SendRejectedError, SendDeferredError, or unknown. */
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

export type Channel = 'email' | 'sms';

/**
 * Addresses that must not be contacted again: hard bounces, complaints, opt-outs, erased customers.
 * The list is keyed by address and is the source of truth. Each customer's partition mirrors it for
 * the customer's own addresses (`CustomerState.suppressions`), so a send needs no lookup: a customer
 * *watches* an address once, and every later suppression of it marks the partitions of its watchers
 * (docs/decisions/0071-suppression-marks-in-the-customer-partition.md).
 */
/** An address to suppress, why and when; `unwatch` names a customer who stops watching it. */
export interface SuppressionEntry {
  channel: Channel;
  address: string;
  reason: string;
  at: string;
  unwatch?: string;
}

export interface SuppressionList {
  /** The reason an address is suppressed, or null when it may be contacted. */
  reasonFor(channel: Channel, address: string): Promise<string | null>;
  /**
   * Suppress an address and mark it in the partition of every customer watching it. `unwatch`: a
   * customer who stops watching it at the same time (one being erased), so no link to them is kept.
   */
  suppress(entry: SuppressionEntry): Promise<void>;
  /**
   * Make the customer a watcher of the address and mark its state in their partition; returns the
   * reason it is suppressed now, or null. Needed once per address a customer has: from then on the
   * marks loaded with the profile answer.
   */
  watch(customerId: string, channel: Channel, address: string): Promise<string | null>;
  /**
   * Lift a suppression (an operator's decision): the address may be contacted again, and each
   * watcher's mark of it is cleared, so their next send watches it afresh. False when the address
   * was not suppressed.
   */
  lift(channel: Channel, address: string, at: string): Promise<boolean>;
}

// ---- Admin API: journey lifecycle, drafts, stored templates, journey figures ----

/**
 * Whether a published journey admits new customers. Instances that are running keep going in
 * every state, on the version they started on (see docs/admin-api.md).
 */
export type JourneyState = 'active' | 'paused' | 'archived';

export interface PublishedJourney {
  /** The current version. */
  journey: Journey;
  state: JourneyState;
}

/**
 * The admin side of the journey store. `listPublished` (the engine's view) returns only the
 * active journeys; these methods see every state.
 */
export interface JourneyAdminStore extends JourneyStore {
  /** Every published journey, current version, in any state. */
  listCurrent(): Promise<PublishedJourney[]>;
  getCurrent(id: string): Promise<PublishedJourney | undefined>;
  /** The highest version number stored for the journey; 0 when it was never published. */
  latestVersion(id: string): Promise<number>;
  /** Change the state of a published journey; NotFoundError when it was never published. */
  setState(id: string, state: JourneyState, at: string): Promise<void>;
}

export interface JourneyDraft {
  journeyId: string;
  /** The definition as last saved; a draft may be invalid, it is checked at publish. */
  definition: Record<string, unknown>;
  /** 1 when created, +1 with every save. */
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Archived before it was ever published (a published journey's state lives with the journey). */
  archived: boolean;
  /** The version and the draft revision of the last publish; null when never published. */
  publishedVersion: number | null;
  publishedRevision: number | null;
}

/** What a save expects to find: nothing yet, a given revision, or anything. */
export type DraftExpectation = { revision: number } | 'new' | 'any';

export interface JourneyDrafts {
  get(journeyId: string): Promise<JourneyDraft | undefined>;
  list(): Promise<JourneyDraft[]>;
  /** Create or replace a draft; ConflictError when the expectation does not hold. */
  save(
    input: { journeyId: string; definition: Record<string, unknown>; at: string },
    expect: DraftExpectation,
  ): Promise<JourneyDraft>;
  /** Note that `revision` of the draft was published as `version`. */
  markPublished(journeyId: string, revision: number, version: number, at: string): Promise<void>;
  setArchived(journeyId: string, archived: boolean, at: string): Promise<void>;
}

export interface StoredTemplate {
  template: EmailTemplate;
  /** 1 when first stored, +1 with every change. */
  revision: number;
  updatedAt: string;
}

/** Templates marketers stored in the table; the built-in ones in code are the fallback. */
export interface TemplateRepository {
  get(id: string): Promise<StoredTemplate | undefined>;
  list(): Promise<StoredTemplate[]>;
  put(template: EmailTemplate, at: string): Promise<StoredTemplate>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
}

/** Counter name → amount to add (negative to subtract); see shared/app/admin/stats.ts for the names. */
export type StatsDelta = Readonly<Record<string, number>>;

/** Per-journey counters, kept cheaply: one write per instance save, one Query per read. */
export interface JourneyStats {
  /** Add a delta; `shardKey` (e.g. the instance id) spreads a busy journey's writes. */
  record(journeyId: string, shardKey: string, delta: StatsDelta): Promise<void>;
  /** Every counter of the journey, summed. */
  read(journeyId: string): Promise<Record<string, number>>;
}

// ---- Journey engine: send guards and entry limits ----

/** One counted marketing send: the message id makes counting idempotent. */
export interface ContactEntry {
  messageId: string;
  at: string;
}

/**
 * The customer's recent marketing sends, across journeys and channels, for the frequency cap.
 * Kept in one small item in the customer's partition (see docs/data-model.md).
 */
export interface ContactCounter {
  /** The sends at or after `since`, oldest first. */
  recent(customerId: string, since: string): Promise<ContactEntry[]>;
  /** Count one send (counting the same message id again changes nothing); entries before `since` may be dropped. */
  record(customerId: string, entry: ContactEntry, since: string): Promise<void>;
}

/** Entries into a journey per day, for the journey-wide daily cap. */
export interface EntryCounter {
  /**
   * Count one entry on `day` (`yyyy-mm-dd`) unless `cap` entries are counted already.
   * Atomic: true when counted, false when the cap was reached.
   */
  tryEnter(journeyId: string, day: string, cap: number): Promise<boolean>;
}

// ---- Provider feedback: what happened to a message after the provider accepted it ----

/**
 * What the provider reported about a sent message. Kept apart from `MessageStatus`, which is the
 * outcome of the send itself and the at-most-once guard (see docs/decisions/0031-email-feedback.md).
 */
export type DeliveryStatus =
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'rejected'
  | 'bounced'
  | 'complained'
  /** An SMS the carrier or the phone did not take (SNS delivery status `FAILURE`). */
  | 'undelivered';

export interface DeliveryUpdate {
  status: DeliveryStatus;
  /** The stored delivery status moves only to a higher rank (an open after a click changes nothing). */
  rank: number;
  /** When the provider saw it happen. */
  at: string;
  /** Id of the provider event; a redelivered event carries the same id. */
  eventId: string;
  /** A short, address-free description, e.g. `Permanent/General` for a bounce. */
  detail: string | null;
  /** The provider's id of the message, recorded when the send's own outcome was never settled. */
  providerMessageId: string;
}

export interface DeliveryOutcome {
  message: MessageRecord;
  /** The delivery status now stored (the highest rank seen so far). */
  status: DeliveryStatus;
  /** True when this provider event is the first of its kind for the message (also on its redelivery). */
  firstOfKind: boolean;
  /**
   * True only for the call that recorded the first event of its kind (not on a redelivery): what
   * the journey's figures count, so that a retried provider event is never counted twice.
   */
  newKind: boolean;
}

/** Provider feedback on the message log (the same `M#` entries as `MessageLog`). */
export interface MessageDeliveryLog {
  /**
   * Apply one provider event to a logged message. A message whose send outcome was never settled
   * (`sending`, `unknown`) becomes `sent`: the provider's event proves it accepted the message.
   * Undefined when the customer has no such message.
   */
  recordDelivery(
    customerId: string,
    messageId: string,
    update: DeliveryUpdate,
  ): Promise<DeliveryOutcome | undefined>;
}

/** A logged message, as found by the id its provider gave it. */
export interface MessageKey {
  customerId: string;
  messageId: string;
}

/**
 * Finds a logged message by its provider's id (the `MessageId` SNS `Publish` returned), for
 * provider reports that carry nothing else careflow knows (SNS SMS delivery logs). Undefined when
 * no message has that id (not careflow's, expired, erased), or when the lookup has not seen it yet.
 */
export interface MessageLookup {
  findByProviderMessageId(providerMessageId: string): Promise<MessageKey | undefined>;
}

// ---- Privacy: export and erase everything careflow holds about a customer ----

/** One stored item of a customer, as plain JSON without the table's bookkeeping attributes. */
export type StoredRecord = Record<string, unknown>;

export interface CustomerRecords {
  customerId: string;
  profile: StoredRecord | null;
  instances: StoredRecord[];
  messages: StoredRecord[];
  surveyAnswers: StoredRecord[];
  /** Items of kinds this release does not know yet, with their `kind`. */
  other: StoredRecord[];
  /** Set once the customer was erased: the tombstone is all that is left. */
  erasure: { erasedAt: string } | null;
  /** The addresses the customer's suppression marks name (decision 0071), also listed in `other`. */
  suppressionMarks?: SuppressionMarks;
}

/** Everything careflow stores under one customer id. */
export interface CustomerDataStore {
  readAll(customerId: string): Promise<CustomerRecords>;
  /**
   * Write the erasure tombstone (no personal data, only the id and the time). Idempotent: an
   * existing tombstone keeps its time, which is returned; `renew` moves it to `at` (a customer
   * who signed up again after an erasure is erased again).
   */
  markErased(customerId: string, at: string, options?: { renew?: boolean }): Promise<{ erasedAt: string }>;
  /** Delete every item of the customer except the tombstone; returns how many were deleted. */
  deleteAll(customerId: string): Promise<number>;
}
