import type {
  EmailSender,
  EventPublisher,
  OutgoingEmail,
  OutgoingEvent,
  OutgoingSms,
  SmsSender,
  Wake,
  WakeScheduler,
} from '../../app/ports.js';

/** An email sender that sends nothing: it keeps each message, fully rendered, for a look. */
export class EmailOutbox implements EmailSender {
  readonly emails: OutgoingEmail[] = [];

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    this.emails.push(email);
    return { providerMessageId: `outbox-${this.emails.length}` };
  }
}

/** An SMS sender that sends nothing: it keeps each message for a look. */
export class SmsOutbox implements SmsSender {
  readonly messages: OutgoingSms[] = [];

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    this.messages.push(sms);
    return { providerMessageId: `sms-outbox-${this.messages.length}` };
  }
}

/** Wake-ups kept in memory, by name (the same name twice is one wake-up, as in the Scheduler). */
export class WakeQueue implements WakeScheduler {
  private readonly pending = new Map<string, { at: string; wake: Wake }>();

  async schedule(request: { name: string; at: string; wake: Wake }): Promise<void> {
    if (!this.pending.has(request.name))
      this.pending.set(request.name, { at: request.at, wake: request.wake });
  }

  /** Forget a pending wake-up (the instance moved on without it). */
  async cancel(name: string): Promise<void> {
    this.pending.delete(name);
  }

  /** The time of the earliest pending wake-up. */
  nextAt(): string | undefined {
    return [...this.pending.values()].map((p) => p.at).sort()[0];
  }

  /** The earliest wake-up due at or before `now`, removed from the queue. */
  takeNextDue(now: string): { at: string; wake: Wake } | undefined {
    const next = [...this.pending.entries()]
      .filter(([, p]) => Date.parse(p.at) <= Date.parse(now))
      .sort(([, a], [, b]) => a.at.localeCompare(b.at))[0];
    if (!next) return undefined;
    this.pending.delete(next[0]);
    return next[1];
  }

  get size(): number {
    return this.pending.size;
  }
}

/** Events that would go on the bus, kept in order. */
export class EventCollector implements EventPublisher {
  readonly events: OutgoingEvent[] = [];

  async publish(events: OutgoingEvent[]): Promise<void> {
    this.events.push(...events);
  }
}
