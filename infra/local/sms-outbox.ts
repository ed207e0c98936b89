import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../shared/app/ports.js';

/** One SMS as SNS `Publish` received it. */
export interface LocalSms {
  messageId: string;
  phoneNumber: string;
  message: string;
  /** `AWS.SNS.SMS.SMSType`: `Transactional` or `Promotional`; null when the caller set none. */
  smsType: string | null;
  /** `AWS.SNS.SMS.SenderID`, or null. */
  senderId: string | null;
  /** `AWS.MM.SMS.OriginationNumber` (a number or an origination identity ARN), or null. */
  originationNumber: string | null;
  /** Every message attribute, by name, as sent. */
  attributes: Record<string, string>;
  publishedAt: string;
  /** SNS accepts a Publish to a number that opted out and drops the message without a word. */
  dropped: 'opted-out' | null;
}

export interface PublishInput {
  phoneNumber: string;
  message: string;
  attributes: Record<string, string>;
}

/** How many messages the outbox keeps (the oldest go first). */
const KEEP = 1000;

/**
 * The local stack's SMS provider: what SNS would have delivered, newest first, and the account's
 * list of numbers that opted out (in SNS a recipient opts out by replying STOP). Kept in a file
 * when the stack has a data folder, so a restart loses neither.
 */
export class LocalSmsOutbox {
  private sent: LocalSms[] = [];
  private readonly optOuts = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly stateFile: string | null,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Restore the messages and opt-outs saved by an earlier run. */
  load(): void {
    if (!this.stateFile) return;
    try {
      const saved = JSON.parse(readFileSync(this.stateFile, 'utf8')) as {
        messages: LocalSms[];
        optedOut: string[];
      };
      this.sent = saved.messages;
      for (const number of saved.optedOut) this.optOuts.add(number);
    } catch {
      // first start: nothing saved yet
    }
  }

  /** Newest first. */
  get messages(): readonly LocalSms[] {
    return this.sent;
  }

  get optedOut(): string[] {
    return [...this.optOuts].sort();
  }

  publish(input: PublishInput): LocalSms {
    const sms: LocalSms = {
      messageId: this.newId(),
      phoneNumber: input.phoneNumber,
      message: input.message,
      smsType: input.attributes['AWS.SNS.SMS.SMSType'] ?? null,
      senderId: input.attributes['AWS.SNS.SMS.SenderID'] ?? null,
      originationNumber: input.attributes['AWS.MM.SMS.OriginationNumber'] ?? null,
      attributes: input.attributes,
      publishedAt: this.clock.now(),
      dropped: this.optOuts.has(input.phoneNumber) ? 'opted-out' : null,
    };
    this.sent = [sms, ...this.sent].slice(0, KEEP);
    this.save();
    return sms;
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.optOuts.has(phoneNumber);
  }

  /** What a STOP reply does in SNS. */
  optOut(phoneNumber: string): void {
    this.optOuts.add(phoneNumber);
    this.save();
  }

  /** SNS `OptInPhoneNumber`. */
  optIn(phoneNumber: string): void {
    this.optOuts.delete(phoneNumber);
    this.save();
  }

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    writeFileSync(this.stateFile, JSON.stringify({ messages: this.sent, optedOut: this.optedOut }, null, 2));
  }
}
