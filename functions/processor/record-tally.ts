import type { SendMetrics } from '../../shared/app/deps.js';

/**
 * The sends of one record, for its INFO line: passes every count on to the invocation's
 * metrics and keeps its own, so the line says what the record sent, what it did not send and
 * which service levels it found breached.
 */
export class RecordTally implements SendMetrics {
  /** One channel per message sent: `['email']`. */
  private readonly sent: string[] = [];
  /** One reason per message not sent: `['quiet-hours']`. */
  private readonly notSent: string[] = [];
  /** One priority per service level breached: `['high']`. */
  private readonly breached: string[] = [];

  constructor(private readonly metrics: SendMetrics) {}

  messageSent(channel: 'email' | 'sms'): void {
    this.sent.push(channel);
    this.metrics.messageSent(channel);
  }

  skipped(reason: string): void {
    this.notSent.push(reason);
    this.metrics.skipped(reason);
  }

  error(kind: string): void {
    this.metrics.error(kind);
  }

  slaBreached(priority: string): void {
    this.breached.push(priority);
    this.metrics.slaBreached(priority);
  }

  /** `sent`, `notSent` and `slaBreached`, each only when it has something. */
  summary(): { sent?: string[]; notSent?: string[]; slaBreached?: string[] } {
    return {
      ...(this.sent.length > 0 ? { sent: this.sent } : {}),
      ...(this.notSent.length > 0 ? { notSent: this.notSent } : {}),
      ...(this.breached.length > 0 ? { slaBreached: this.breached } : {}),
    };
  }
}
