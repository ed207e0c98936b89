import type { Journey } from '../domain/journey/definition.js';
import { PatternIndex } from '../domain/pattern/index.js';
import type { Clock, JourneyStore, Logger } from './ports.js';

/**
 * The published journeys, compiled once into a trigger index and cached per container.
 * Refreshed after `ttlMs`, so a newly published journey takes effect within that time; a store
 * with a catalog stamp is asked for that first, and the journeys are read again only when it moved.
 * A journey that cannot be read or whose trigger does not compile (an item edited by hand, or
 * written by a release that allowed what this one refuses) is left out and logged at ERROR on
 * every refresh; the other journeys go on.
 */
export class JourneyCatalog {
  private index: PatternIndex<Journey> | null = null;
  private byKey = new Map<string, Journey>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** The store's catalog stamp when the index was built; undefined when the store has none. */
  private stamp: number | undefined;

  constructor(
    private readonly store: JourneyStore,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    private readonly logger?: Logger,
  ) {}

  /** Journeys whose trigger matches the event (in bus shape). */
  async triggeredBy(event: Record<string, unknown>): Promise<Journey[]> {
    const index = await this.current();
    return index.match(event);
  }

  /** A journey at a given version, for instances that keep the version they started on. */
  async get(id: string, version: number): Promise<Journey | undefined> {
    await this.current();
    const key = `${id}@${version}`;
    const cached = this.byKey.get(key);
    if (cached) return cached;
    const stored = await this.store.getVersion(id, version);
    if (stored) this.byKey.set(key, stored);
    return stored;
  }

  private async current(): Promise<PatternIndex<Journey>> {
    const now = Date.parse(this.clock.now());
    if (this.index && now - this.loadedAt < this.ttlMs) return this.index;
    // Read before the journeys: a change made in between is reloaded at the next expiry.
    const stamp = await this.store.catalogStamp?.();
    if (this.index && stamp !== undefined && stamp === this.stamp) {
      this.loadedAt = now;
      return this.index;
    }
    const skip = (journey: string, problem: unknown) =>
      this.logger?.error('journey left out: it cannot be read', {
        journey,
        problem: problem instanceof Error ? problem.message : String(problem),
      });
    const journeys = await this.store.listPublished(skip);
    const index = new PatternIndex<Journey>();
    const byKey = new Map(this.byKey);
    for (const journey of journeys) {
      try {
        index.add(journey.id, journey.trigger, journey);
      } catch (problem) {
        skip(journey.id, problem);
        continue;
      }
      byKey.set(`${journey.id}@${journey.version}`, journey);
    }
    this.index = index;
    this.byKey = byKey;
    this.loadedAt = now;
    this.stamp = stamp;
    return index;
  }
}
