import type {
  Channel,
  Clock,
  ContactCounter,
  ContactEntry,
  CustomerState,
  CustomerStore,
  EmailSender,
  EntryCounter,
  EventPublisher,
  JourneyStore,
  Logger,
  MessageLog,
  MessageRecord,
  OutgoingEmail,
  OutgoingEvent,
  OutgoingSms,
  Profile,
  SmsSender,
  SuppressionEntry,
  SuppressionList,
  SuppressionMarks,
  SurveyAnswer,
  SurveyStore,
  UnsubscribeRequest,
  UnsubscribeRequests,
  Wake,
  WakeScheduler,
} from '../../shared/app/ports.js';
import { ConflictError } from '../../shared/domain/errors.js';
import { normaliseAddress } from '../../shared/domain/guards/send.js';
import type { Journey } from '../../shared/domain/journey/definition.js';
import type { Instance } from '../../shared/domain/journey/instance.js';

/** In-memory implementations of the ports, for use-case tests. */

export class FakeClock implements Clock {
  constructor(private current: string) {}
  now(): string {
    return this.current;
  }
  set(iso: string): void {
    this.current = iso;
  }
  advance(ms: number): void {
    this.current = new Date(Date.parse(this.current) + ms).toISOString();
  }
}

export class MemoryCustomerStore implements CustomerStore, UnsubscribeRequests {
  readonly profiles = new Map<string, Profile>();
  readonly instances = new Map<string, Instance>();
  /** Suppression marks per customer, kept apart from the profile as in the table (`#SUPPRESSED`). */
  readonly marks = new Map<string, SuppressionMarks>();
  /** Unsubscribe requests per customer, kept apart from the profile as in the table (`#UNSUBSCRIBE`). */
  readonly requests = new Map<string, UnsubscribeRequest[]>();
  loads = 0;

  async record(customerId: string, request: UnsubscribeRequest): Promise<void> {
    await this.applied(customerId, request);
    this.requests.set(customerId, [...(this.requests.get(customerId) ?? []), request]);
  }

  async applied(customerId: string, request: Pick<UnsubscribeRequest, 'channel' | 'scope'>): Promise<void> {
    const kept = (this.requests.get(customerId) ?? []).filter(
      (r) => r.channel !== request.channel || r.scope !== request.scope,
    );
    this.requests.set(customerId, kept);
  }

  async load(customerId: string): Promise<CustomerState> {
    this.loads += 1;
    const profile = this.profiles.get(customerId);
    const unsubscribeRequests = this.requests.get(customerId) ?? [];
    const suppressions = this.marks.get(customerId);
    return structuredClone({
      profile: profile ?? null,
      ...(unsubscribeRequests.length > 0 ? { unsubscribeRequests } : {}),
      instances: [...this.instances.values()].filter((i) => i.customerId === customerId),
      ...(suppressions ? { suppressions } : {}),
    });
  }
  async saveProfile(profile: Profile): Promise<void> {
    this.profiles.set(profile.customerId, structuredClone(profile));
  }
  async saveInstance(instance: Instance, expectedVersion: number | null): Promise<void> {
    const stored = this.instances.get(instance.instanceId);
    if ((stored?.version ?? null) !== expectedVersion)
      throw new ConflictError(`instance ${instance.instanceId}`);
    this.instances.set(instance.instanceId, structuredClone(instance));
  }
}

export class MemoryJourneyStore implements JourneyStore {
  readonly versions = new Map<string, Journey>();
  readonly current = new Map<string, Journey>();

  async listPublished(): Promise<Journey[]> {
    return [...this.current.values()];
  }
  async getVersion(id: string, version: number): Promise<Journey | undefined> {
    return this.versions.get(`${id}@${version}`);
  }
  async putPublished(journey: Journey): Promise<void> {
    this.versions.set(`${journey.id}@${journey.version}`, journey);
    this.current.set(journey.id, journey);
  }
}

export class MemoryMessageLog implements MessageLog {
  readonly records = new Map<string, MessageRecord>();

  async claim(record: MessageRecord): Promise<boolean> {
    if (this.records.has(record.messageId)) return false;
    this.records.set(record.messageId, { ...record });
    return true;
  }
  async status(_customerId: string, messageId: string): Promise<MessageRecord['status'] | null> {
    return this.records.get(messageId)?.status ?? null;
  }
  async settle(
    _customerId: string,
    messageId: string,
    outcome: { status: MessageRecord['status']; providerMessageId?: string; reason?: string; at: string },
  ): Promise<void> {
    const record = this.records.get(messageId);
    if (!record) throw new Error(`no claim for ${messageId}`);
    this.records.set(messageId, {
      ...record,
      status: outcome.status,
      providerMessageId: outcome.providerMessageId ?? record.providerMessageId,
      reason: outcome.reason ?? record.reason,
      updatedAt: outcome.at,
    });
  }
  async release(_customerId: string, messageId: string): Promise<void> {
    this.records.delete(messageId);
  }
  async list(customerId: string, limit: number): Promise<MessageRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.customerId === customerId)
      .sort((a, b) => b.sentAt.localeCompare(a.sentAt))
      .slice(0, limit);
  }
}

export class MemorySurveyStore implements SurveyStore {
  readonly answers = new Map<string, SurveyAnswer & { revision: number }>();

  async record(answer: SurveyAnswer): Promise<{ revision: number }> {
    const revision = (this.answers.get(answer.surveyId)?.revision ?? 0) + 1;
    this.answers.set(answer.surveyId, { ...answer, revision });
    return { revision };
  }
  async get(_customerId: string, surveyId: string) {
    return this.answers.get(surveyId);
  }
}

export class RecordingEmailSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  /** Set to make the next sends throw. */
  failWith: Error | null = null;

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    if (this.failWith) throw this.failWith;
    this.sent.push(email);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
}

export class RecordingScheduler implements WakeScheduler {
  readonly scheduled = new Map<string, { at: string; wake: Wake }>();
  async schedule(request: { name: string; at: string; wake: Wake }): Promise<void> {
    if (!this.scheduled.has(request.name))
      this.scheduled.set(request.name, { at: request.at, wake: request.wake });
  }
  readonly cancelled: string[] = [];
  async cancel(name: string): Promise<void> {
    this.cancelled.push(name);
    this.scheduled.delete(name);
  }
  /** The earliest wake due at or before `until`, with its time, removed from the schedule. */
  takeNextDue(until: string): { at: string; wake: Wake } | undefined {
    let next: [string, { at: string; wake: Wake }] | undefined;
    for (const entry of this.scheduled) {
      if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
    }
    if (!next) return undefined;
    this.scheduled.delete(next[0]);
    return next[1];
  }
  /** Wakes due at or before `now`, removed from the schedule. */
  takeDue(now: string): Wake[] {
    const due = [...this.scheduled.entries()]
      .filter(([, s]) => s.at <= now)
      .sort(([, a], [, b]) => a.at.localeCompare(b.at));
    for (const [name] of due) this.scheduled.delete(name);
    return due.map(([, s]) => s.wake);
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: OutgoingEvent[] = [];
  async publish(events: OutgoingEvent[]): Promise<void> {
    this.published.push(...events);
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export class RecordingSmsSender implements SmsSender {
  readonly sent: OutgoingSms[] = [];
  failWith: Error | null = null;

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    if (this.failWith) throw this.failWith;
    this.sent.push(sms);
    return { providerMessageId: `sms-${this.sent.length}` };
  }
}

/**
 * Suppressed addresses by channel, compared without case like the DynamoDB list. Given the
 * customer store, it mirrors suppressions into the marks of the customers watching an address, as
 * the DynamoDB list does; without it, watching only answers (every send asks again).
 */
export class MemorySuppressionList implements SuppressionList {
  readonly entries = new Map<string, string>();
  readonly watchers = new Map<string, Set<string>>();
  lookups = 0;
  watches = 0;

  constructor(private readonly customers?: MemoryCustomerStore) {}

  async reasonFor(channel: Channel, address: string): Promise<string | null> {
    this.lookups += 1;
    return this.entries.get(`${channel}#${normaliseAddress(address)}`) ?? null;
  }
  async suppress(entry: SuppressionEntry): Promise<void> {
    const key = `${entry.channel}#${normaliseAddress(entry.address)}`;
    this.entries.set(key, entry.reason);
    if (entry.unwatch) this.watchers.get(key)?.delete(entry.unwatch);
    for (const customerId of this.watchers.get(key) ?? [])
      this.mark(customerId, entry.channel, entry.address, entry.reason);
  }
  async watch(customerId: string, channel: Channel, address: string): Promise<string | null> {
    this.watches += 1;
    const key = `${channel}#${normaliseAddress(address)}`;
    this.watchers.set(key, (this.watchers.get(key) ?? new Set<string>()).add(customerId));
    const reason = this.entries.get(key) ?? null;
    this.mark(customerId, channel, address, reason);
    return reason;
  }
  async lift(channel: Channel, address: string): Promise<boolean> {
    const key = `${channel}#${normaliseAddress(address)}`;
    if (!this.entries.delete(key)) return false;
    for (const customerId of this.watchers.get(key) ?? []) {
      const marks = this.customers?.marks.get(customerId)?.[channel];
      if (marks) delete marks[normaliseAddress(address)];
    }
    return true;
  }
  private mark(customerId: string, channel: Channel, address: string, reason: string | null): void {
    if (!this.customers) return;
    const marks = this.customers.marks.get(customerId) ?? {};
    const normalised = normaliseAddress(address);
    const current = marks[channel]?.[normalised];
    marks[channel] = { ...marks[channel], [normalised]: current ?? reason };
    this.customers.marks.set(customerId, marks);
  }
}

export class MemoryContactCounter implements ContactCounter {
  readonly sends = new Map<string, Map<string, string>>();

  async recent(customerId: string, since: string): Promise<ContactEntry[]> {
    return [...(this.sends.get(customerId) ?? new Map<string, string>()).entries()]
      .filter(([, at]) => at >= since)
      .map(([messageId, at]) => ({ messageId, at }))
      .sort((a, b) => a.at.localeCompare(b.at));
  }
  async record(customerId: string, entry: ContactEntry, since: string): Promise<void> {
    const sends = this.sends.get(customerId) ?? new Map<string, string>();
    if (!sends.has(entry.messageId)) sends.set(entry.messageId, entry.at);
    for (const [messageId, at] of sends) if (at < since) sends.delete(messageId);
    this.sends.set(customerId, sends);
  }
}

export class MemoryEntryCounter implements EntryCounter {
  readonly counts = new Map<string, number>();

  async tryEnter(journeyId: string, day: string, cap: number): Promise<boolean> {
    const key = `${journeyId}/${day}`;
    const count = this.counts.get(key) ?? 0;
    if (count >= cap) return false;
    this.counts.set(key, count + 1);
    return true;
  }
}
