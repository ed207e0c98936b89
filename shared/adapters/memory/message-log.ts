import type { MessageLog, MessageRecord, MessageStatus } from '../../app/ports.js';
import { ConflictError } from '../../domain/errors.js';

/** The contact history in memory, with the claim/settle/release rules of the DynamoDB log. */
export class MemoryMessageLog implements MessageLog {
  private readonly records = new Map<string, MessageRecord>();

  async claim(record: MessageRecord): Promise<boolean> {
    const key = `${record.customerId}/${record.messageId}`;
    if (this.records.has(key)) return false;
    this.records.set(key, { ...record });
    return true;
  }

  async status(customerId: string, messageId: string): Promise<MessageStatus | null> {
    return this.records.get(`${customerId}/${messageId}`)?.status ?? null;
  }

  async settle(
    customerId: string,
    messageId: string,
    outcome: {
      status: Exclude<MessageStatus, 'sending'>;
      providerMessageId?: string;
      reason?: string;
      at: string;
    },
  ): Promise<void> {
    const key = `${customerId}/${messageId}`;
    const record = this.records.get(key);
    if (!record) throw new ConflictError(`message ${messageId} was never claimed, so it cannot be settled`);
    this.records.set(key, {
      ...record,
      status: outcome.status,
      providerMessageId: outcome.providerMessageId ?? record.providerMessageId,
      reason: outcome.reason ?? record.reason,
      updatedAt: outcome.at,
    });
  }

  async release(customerId: string, messageId: string): Promise<void> {
    const key = `${customerId}/${messageId}`;
    const record = this.records.get(key);
    if (record && record.status !== 'sending') {
      throw new ConflictError(`message ${messageId} is already settled and cannot be released`);
    }
    this.records.delete(key);
  }

  /** Newest first, like the DynamoDB log. */
  async list(customerId: string, limit: number): Promise<MessageRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.customerId === customerId)
      .sort((a, b) => b.sentAt.localeCompare(a.sentAt) || b.messageId.localeCompare(a.messageId))
      .slice(0, Math.max(0, limit));
  }
}
