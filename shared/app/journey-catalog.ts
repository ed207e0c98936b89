import { ValidationError } from '../domain/errors.js';
import type { Journey } from '../domain/journey/definition.js';
import { PatternIndex } from '../domain/pattern/index.js';
import { loadCatalogSnapshot, type VersionRef } from './catalog-snapshot.js';
import type { Clock, JourneyStore, JourneyTrigger, Logger } from './ports.js';

const keyOf = ({ id, version }: VersionRef): string => `${id}@${version}`;

/**
 * Versions a catalog keeps at most, the least recently used dropped first and read again when
 * needed: a published version may carry up to 300 KB of templates, and a container that meets
 * thousands of journeys in its life must not keep them all.
 */
export const MAX_CACHED_VERSIONS = 500;

/**
 * The published journeys' triggers, compiled once into an index and cached per container.
 * Refreshed after `ttlMs`, so a newly published journey takes effect within that time; a store
 * with a catalog stamp is asked for that first, and the triggers are read again only when it moved.
 * A store that keeps a snapshot of the index for that stamp is read for it, and the index loaded
 * from it without filing each trigger (decision 0082); the catalog falls back to the triggers when
 * the snapshot is missing (not written yet for this stamp) or cannot be loaded.
 * A store that keeps the triggers apart (`listTriggers`) is read for those only, and a journey's
 * version is read the first time an event matches it, then kept (versions are immutable; at most
 * `maxVersions`, the least recently used dropped first); other
 * stores are read in full (`listPublished`).
 * A journey that cannot be read or whose trigger does not compile (an item edited by hand, or
 * written by a release that allowed what this one refuses) is left out and logged at ERROR, once
 * per index built; the other journeys go on.
 */
export class JourneyCatalog {
  private index: PatternIndex<VersionRef> | null = null;
  private readonly byKey = new Map<string, Journey>();
  /** Versions found unreadable since the index was built: left out without reading them again. */
  private unreadable = new Set<string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** The store's catalog stamp when the index was built; undefined when the store has none. */
  private stamp: number | undefined;
  /** The refresh under way, if any. */
  private refreshing: Promise<PatternIndex<VersionRef>> | undefined;

  constructor(
    private readonly store: JourneyStore,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    private readonly logger?: Logger,
    private readonly maxVersions = MAX_CACHED_VERSIONS,
  ) {}

  /** Journeys whose trigger matches the event (in bus shape), each at its current version. */
  async triggeredBy(event: Record<string, unknown>): Promise<Journey[]> {
    const matched = (await this.current()).match(event);
    if (matched.length === 0) return [];
    const journeys = await Promise.all(matched.map((ref) => this.matchedVersion(ref)));
    return journeys.filter((journey): journey is Journey => journey !== undefined);
  }

  /** A journey at a given version, for instances that keep the version they started on. */
  async get(id: string, version: number): Promise<Journey | undefined> {
    await this.current();
    const key = keyOf({ id, version });
    const cached = this.recall(key);
    if (cached) return cached;
    const stored = await this.store.getVersion(id, version);
    if (stored) this.remember(key, stored);
    return stored;
  }

  /**
   * The version a trigger points at; undefined (and logged) when it is not stored or cannot be
   * read. A failed read (throttling, the network) throws, so the record is tried again.
   */
  private async matchedVersion(ref: VersionRef): Promise<Journey | undefined> {
    const key = keyOf(ref);
    const cached = this.recall(key);
    if (cached) return cached;
    if (this.unreadable.has(key)) return undefined;
    let journey: Journey | undefined;
    try {
      journey = await this.store.getVersion(ref.id, ref.version);
    } catch (problem) {
      if (!(problem instanceof ValidationError)) throw problem;
      this.leaveOut(ref, problem);
      return undefined;
    }
    if (!journey) {
      this.leaveOut(ref, `version ${ref.version} is not stored`);
      return undefined;
    }
    this.remember(key, journey);
    return journey;
  }

  /** A kept version, now the most recently used. */
  private recall(key: string): Journey | undefined {
    const journey = this.byKey.get(key);
    if (journey) {
      this.byKey.delete(key);
      this.byKey.set(key, journey);
    }
    return journey;
  }

  private remember(key: string, journey: Journey): void {
    this.byKey.delete(key);
    this.byKey.set(key, journey);
    if (this.byKey.size > this.maxVersions) this.byKey.delete(this.byKey.keys().next().value as string);
  }

  private leaveOut(ref: VersionRef, problem: unknown): void {
    this.unreadable.add(keyOf(ref));
    this.skip(ref.id, problem);
  }

  /** A trigger whose stored filing was not its own: filed again from its pattern, or left out. */
  private misfiled(journey: string, problem: Error | undefined): void {
    if (problem) this.skip(journey, problem);
    else this.logger?.warn('journey trigger filed again: its stored filing did not match it', { journey });
  }

  private skip(journey: string, problem: unknown): void {
    this.logger?.error('journey left out: it cannot be read', {
      journey,
      problem: problem instanceof Error ? problem.message : String(problem),
    });
  }

  private async current(): Promise<PatternIndex<VersionRef>> {
    const now = Date.parse(this.clock.now());
    if (this.index && now - this.loadedAt < this.ttlMs) return this.index;
    // Records of several customers are handled at once: they share one refresh.
    this.refreshing ??= this.refresh(now).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(now: number): Promise<PatternIndex<VersionRef>> {
    // Read before the journeys: a change made in between is reloaded at the next expiry.
    const stamp = await this.store.catalogStamp?.();
    if (this.index && stamp !== undefined && stamp === this.stamp) {
      this.loadedAt = now;
      return this.index;
    }
    const index = (stamp !== undefined && (await this.fromSnapshot(stamp))) || (await this.fromTriggers());
    this.index = index;
    this.unreadable = new Set();
    this.loadedAt = now;
    this.stamp = stamp;
    return index;
  }

  /** The index as the store's snapshot for the stamp has it; undefined when there is none, or it cannot be loaded. */
  private async fromSnapshot(stamp: number): Promise<PatternIndex<VersionRef> | undefined> {
    try {
      const text = await this.store.catalogSnapshot?.(stamp);
      if (text === undefined) return undefined;
      const { index, leftOut } = loadCatalogSnapshot(text, (id, problem) => this.misfiled(id, problem));
      for (const { journey, problem } of leftOut) this.skip(journey, problem);
      return index;
    } catch (problem) {
      // A stored snapshot this release cannot read is only a lost shortcut; a failed read is retried.
      if (!(problem instanceof ValidationError)) throw problem;
      this.logger?.warn('catalog snapshot not loaded: filing the triggers instead', {
        stamp,
        problem: problem instanceof Error ? problem.message : String(problem),
      });
      return undefined;
    }
  }

  private async fromTriggers(): Promise<PatternIndex<VersionRef>> {
    const skip = (journey: string, problem: unknown) => this.skip(journey, problem);
    const triggers = (await this.store.listTriggers?.(skip)) ?? (await this.fullRead(skip));
    const index = new PatternIndex<VersionRef>((id, problem) => this.misfiled(id, problem));
    // Each trigger is its own value (a VersionRef): no object more per trigger at a cold start.
    for (const ref of triggers) {
      try {
        index.addFiled(ref.id, ref.trigger, ref.filing, ref);
      } catch (problem) {
        skip(ref.id, problem);
      }
    }
    return index;
  }

  /** Every journey in full, for a store without separate triggers: its versions are kept at once. */
  private async fullRead(skip: (journey: string, problem: unknown) => void): Promise<JourneyTrigger[]> {
    const journeys = await this.store.listPublished(skip);
    for (const journey of journeys) this.remember(keyOf(journey), journey);
    return journeys;
  }
}
