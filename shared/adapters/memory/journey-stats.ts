import type { JourneyStats, StatsDelta } from '../../app/ports.js';

/** Journey counters in memory. */
export class MemoryJourneyStats implements JourneyStats {
  private readonly totals = new Map<string, Record<string, number>>();

  async record(journeyId: string, _shardKey: string, delta: StatsDelta): Promise<void> {
    const totals = this.totals.get(journeyId) ?? {};
    for (const [counter, amount] of Object.entries(delta)) totals[counter] = (totals[counter] ?? 0) + amount;
    this.totals.set(journeyId, totals);
  }

  async read(journeyId: string): Promise<Record<string, number>> {
    return { ...this.totals.get(journeyId) };
  }
}
