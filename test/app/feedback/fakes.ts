import type {
  Channel,
  DeliveryOutcome,
  DeliveryStatus,
  DeliveryUpdate,
  MessageDeliveryLog,
  MessageRecord,
  SuppressionList,
} from '../../../shared/app/ports.js';

/** Suppressions in memory, in the order they were made. */
export class MemorySuppressionList implements SuppressionList {
  readonly entries = new Map<string, { channel: Channel; address: string; reason: string; at: string }>();
  readonly calls: { channel: Channel; address: string; reason: string }[] = [];

  async reasonFor(channel: Channel, address: string): Promise<string | null> {
    return this.entries.get(`${channel} ${address}`)?.reason ?? null;
  }
  async suppress(entry: { channel: Channel; address: string; reason: string; at: string }): Promise<void> {
    this.calls.push({ channel: entry.channel, address: entry.address, reason: entry.reason });
    this.entries.set(`${entry.channel} ${entry.address}`, { ...entry });
  }
  async watch(_customerId: string, channel: Channel, address: string): Promise<string | null> {
    return this.reasonFor(channel, address);
  }
  async lift(channel: Channel, address: string): Promise<boolean> {
    return this.entries.delete(`${channel} ${address}`);
  }
}

/**
 * The MessageDeliveryLog contract in memory: only existing messages, status by rank, the first
 * event of each status remembered by id, unsettled sends become `sent`.
 */
export class MemoryDeliveryLog implements MessageDeliveryLog {
  readonly messages = new Map<string, MessageRecord & { delivery?: DeliveryStatus; rank?: number }>();
  private readonly firsts = new Map<string, string>();

  add(record: MessageRecord): void {
    this.messages.set(`${record.customerId} ${record.messageId}`, { ...record });
  }

  async recordDelivery(
    customerId: string,
    messageId: string,
    update: DeliveryUpdate,
  ): Promise<DeliveryOutcome | undefined> {
    const key = `${customerId} ${messageId}`;
    const stored = this.messages.get(key);
    if (!stored) return undefined;
    const firstKey = `${key} ${update.status}`;
    const newKind = !this.firsts.has(firstKey);
    if (newKind) this.firsts.set(firstKey, update.eventId);
    if ((stored.rank ?? 0) < update.rank) {
      stored.delivery = update.status;
      stored.rank = update.rank;
      if (stored.status === 'sending' || stored.status === 'unknown') {
        stored.status = 'sent';
        stored.providerMessageId = update.providerMessageId;
      }
    }
    const { delivery, rank: _rank, ...message } = stored;
    return {
      message,
      status: delivery ?? update.status,
      firstOfKind: this.firsts.get(firstKey) === update.eventId,
      newKind,
    };
  }
}
