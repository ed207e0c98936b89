import type { ContactCounter, ContactEntry, EntryCounter } from '../../app/ports.js';

/** Recent sends per customer in memory, for the frequency cap. */
export class MemoryContactCounter implements ContactCounter {
  private readonly sends = new Map<string, ContactEntry[]>();

  async recent(customerId: string, since: string): Promise<ContactEntry[]> {
    return (this.sends.get(customerId) ?? []).filter((e) => Date.parse(e.at) >= Date.parse(since));
  }

  async record(customerId: string, entry: ContactEntry, since: string): Promise<void> {
    const kept = (this.sends.get(customerId) ?? []).filter((e) => Date.parse(e.at) >= Date.parse(since));
    if (!kept.some((e) => e.messageId === entry.messageId)) kept.push({ ...entry });
    this.sends.set(
      customerId,
      kept.sort((a, b) => a.at.localeCompare(b.at)),
    );
  }
}

/** Entries per journey and day in memory, for the daily entry cap. */
export class MemoryEntryCounter implements EntryCounter {
  private readonly counts = new Map<string, number>();

  async tryEnter(journeyId: string, day: string, cap: number): Promise<boolean> {
    const key = `${journeyId}/${day}`;
    const count = this.counts.get(key) ?? 0;
    if (count >= cap) return false;
    this.counts.set(key, count + 1);
    return true;
  }
}
