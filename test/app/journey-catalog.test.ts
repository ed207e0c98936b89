import { describe, expect, it } from 'vitest';
import { MemoryJourneyStore } from '../../shared/adapters/memory/journey-store.js';
import { JourneyCatalog } from '../../shared/app/journey-catalog.js';
import type { Logger } from '../../shared/app/ports.js';
import { aJourney } from '../integration/dynamodb/fixtures.js';

describe('journey catalog', () => {
  it('leaves out a journey whose trigger does not compile, logs it, and matches the others', async () => {
    const good = aJourney({ id: 'good' });
    // As a store could hold it from a release that allowed more: not a valid pattern.
    const broken = { ...aJourney({ id: 'broken' }), trigger: { detail: { total: [{ numeric: ['>'] }] } } };
    const errors: unknown[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (...args) => errors.push(args) };
    const catalog = new JourneyCatalog(
      new MemoryJourneyStore([good, broken]),
      { now: () => '2026-11-02T09:00:00.000Z' },
      60_000,
      logger,
    );

    const matched = await catalog.triggeredBy({ 'detail-type': 'Order Completed', detail: { total: 10 } });

    expect(matched.map((j) => j.id)).toEqual(['good']);
    expect(errors).toEqual([
      ['journey left out: it cannot be read', { journey: 'broken', problem: expect.any(String) }],
    ]);
  });
});
