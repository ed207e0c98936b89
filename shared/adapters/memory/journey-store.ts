import { isDeepStrictEqual } from 'node:util';
import type { JourneyAdminStore, JourneyState, JourneyTrigger, PublishedJourney } from '../../app/ports.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { Journey } from '../../domain/journey/definition.js';

/** Published journeys in memory, with the rules of the DynamoDB store (immutable versions, states). */
export class MemoryJourneyStore implements JourneyAdminStore {
  private readonly versions = new Map<string, Journey>();
  private readonly current = new Map<string, PublishedJourney>();

  /** Optionally start with these journeys published (and active). */
  constructor(journeys: readonly Journey[] = []) {
    for (const journey of journeys) {
      this.versions.set(`${journey.id}@${journey.version}`, structuredClone(journey));
      this.current.set(journey.id, { journey: structuredClone(journey), state: 'active' });
    }
  }

  async listPublished(): Promise<Journey[]> {
    return [...this.current.values()].filter((p) => p.state === 'active').map((p) => p.journey);
  }

  /** The triggers of the active journeys, as the DynamoDB store keeps them apart. */
  async listTriggers(): Promise<JourneyTrigger[] | undefined> {
    return [...this.current.values()]
      .filter((p) => p.state === 'active')
      .map(({ journey: { id, version, trigger } }) => ({ id, version, trigger }));
  }

  async getVersion(id: string, version: number): Promise<Journey | undefined> {
    return this.versions.get(`${id}@${version}`);
  }

  async putPublished(journey: Journey): Promise<void> {
    const key = `${journey.id}@${journey.version}`;
    const stored = this.versions.get(key);
    if (stored && !isDeepStrictEqual(stored, journey)) {
      throw new ConflictError(
        `journey ${journey.id} version ${journey.version} is already published with other content; publish it as a new version`,
      );
    }
    this.versions.set(key, structuredClone(journey));
    const current = this.current.get(journey.id);
    if (current && current.journey.version > journey.version) {
      throw new ConflictError(
        `journey ${journey.id}: a version newer than ${journey.version} is already published`,
      );
    }
    this.current.set(journey.id, { journey: structuredClone(journey), state: current?.state ?? 'active' });
  }

  async listCurrent(): Promise<PublishedJourney[]> {
    return [...this.current.values()];
  }

  async getCurrent(id: string): Promise<PublishedJourney | undefined> {
    return this.current.get(id);
  }

  async latestVersion(id: string): Promise<number> {
    let latest = 0;
    for (const journey of this.versions.values())
      if (journey.id === id) latest = Math.max(latest, journey.version);
    return latest;
  }

  async setState(id: string, state: JourneyState): Promise<void> {
    const current = this.current.get(id);
    if (!current) throw new NotFoundError(`journey ${id} has never been published`);
    this.current.set(id, { ...current, state });
  }
}
