import { describe, expect, it } from 'vitest';
import { MemoryJourneyStore } from '../../shared/adapters/memory/journey-store.js';
import { catalogSnapshotText } from '../../shared/app/catalog-snapshot.js';
import { JourneyCatalog } from '../../shared/app/journey-catalog.js';
import type { Logger } from '../../shared/app/ports.js';
import { ValidationError } from '../../shared/domain/errors.js';
import type { Journey } from '../../shared/domain/journey/definition.js';
import { aJourney } from '../integration/dynamodb/fixtures.js';

const clock = { now: () => '2026-11-02T09:00:00.000Z' };

/** A journey started by an order of one shop, so that each test decides which journeys an event matches. */
const ofShop = (id: string, shop: string): Journey =>
  aJourney({ id, trigger: { 'detail-type': ['Order Completed'], detail: { shop: [shop] } } });

const orderIn = (shop: string) => ({ 'detail-type': 'Order Completed', detail: { shop, total: 10 } });

/**
 * The in-memory store, counting what the catalog reads; the versions of the `unreadable` journeys
 * fail with their error, or are missing (null).
 */
class CountingStore extends MemoryJourneyStore {
  readonly versionsRead: string[] = [];
  fullReads = 0;

  constructor(
    journeys: readonly Journey[],
    private readonly unreadable: Record<string, Error | null> = {},
  ) {
    super(journeys);
  }

  override async listPublished(): Promise<Journey[]> {
    this.fullReads += 1;
    return super.listPublished();
  }

  override async getVersion(id: string, version: number): Promise<Journey | undefined> {
    this.versionsRead.push(`${id}@${version}`);
    const problem = this.unreadable[id];
    if (problem) throw problem;
    if (problem === null) return undefined;
    return super.getVersion(id, version);
  }
}

/** A store that keeps no triggers apart (as one written before it did). */
class FullReadStore extends CountingStore {
  override async listTriggers(): Promise<undefined> {
    return undefined;
  }
}

const errorLog = () => {
  const errors: unknown[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (...args) => errors.push(args) };
  return { errors, logger };
};

describe('journey catalog', () => {
  it('leaves out a journey whose trigger does not compile, logs it, and matches the others', async () => {
    const good = aJourney({ id: 'good' });
    // As a store could hold it from a release that allowed more: not a valid pattern.
    const broken = { ...aJourney({ id: 'broken' }), trigger: { detail: { total: [{ numeric: ['>'] }] } } };
    const { errors, logger } = errorLog();
    const catalog = new JourneyCatalog(new MemoryJourneyStore([good, broken]), clock, 60_000, logger);

    const matched = await catalog.triggeredBy({ 'detail-type': 'Order Completed', detail: { total: 10 } });

    expect(matched.map((j) => j.id)).toEqual(['good']);
    expect(errors).toEqual([
      ['journey left out: it cannot be read', { journey: 'broken', problem: expect.any(String) }],
    ]);
  });

  it('reads only the matched journey in full, once per container, from the triggers', async () => {
    // prepare
    const berlin = ofShop('berlin-survey', 'berlin');
    const store = new CountingStore([berlin, ofShop('paris-survey', 'paris'), ofShop('rome-survey', 'rome')]);
    const catalog = new JourneyCatalog(store, clock, 60_000);

    // act
    const first = await catalog.triggeredBy(orderIn('berlin'));
    const again = await catalog.triggeredBy(orderIn('berlin'));

    // assess
    expect(first).toEqual([berlin]);
    expect(again).toEqual([berlin]);
    expect(store.versionsRead).toEqual(['berlin-survey@1']);
    expect(store.fullReads).toBe(0);
  });

  it('keeps at most `maxVersions` versions, dropping the least recently used first', async () => {
    // prepare
    const shops = ['berlin', 'paris', 'rome'];
    const store = new CountingStore(shops.map((shop) => ofShop(`${shop}-survey`, shop)));
    const catalog = new JourneyCatalog(store, clock, 60_000, undefined, 2);

    // act: berlin, paris, berlin again (now the most recent), rome (paris dropped), then both
    for (const shop of ['berlin', 'paris', 'berlin', 'rome', 'berlin', 'paris'])
      await catalog.triggeredBy(orderIn(shop));

    // assess
    expect(store.versionsRead).toEqual([
      'berlin-survey@1',
      'paris-survey@1',
      'rome-survey@1',
      'paris-survey@1',
    ]);
  });

  it('reads no journey for an event that matches none', async () => {
    // prepare
    const store = new CountingStore([ofShop('berlin-survey', 'berlin')]);
    const catalog = new JourneyCatalog(store, clock, 60_000);

    // act
    const matched = await catalog.triggeredBy(orderIn('oslo'));

    // assess
    expect(matched).toEqual([]);
    expect(store.versionsRead).toEqual([]);
  });

  it.each([
    {
      case: 'cannot be parsed',
      unreadable: new ValidationError(
        'stored journey JOURNEY#broken / V#000001 does not match its schema',
        [],
      ),
      problem: 'stored journey JOURNEY#broken / V#000001 does not match its schema',
    },
    { case: 'is not stored', unreadable: null, problem: 'version 2 is not stored' },
  ])(
    'leaves out a matched journey whose version $case, logs it at ERROR once, and starts the others',
    async ({ unreadable, problem }) => {
      // prepare: the trigger of `broken` points at version 2, which the store cannot give
      const good = ofShop('good', 'berlin');
      const broken = { ...ofShop('broken', 'berlin'), version: 2 };
      const store = new CountingStore([good, broken], { broken: unreadable });
      const { errors, logger } = errorLog();
      const catalog = new JourneyCatalog(store, clock, 60_000, logger);

      // act
      const matched = await catalog.triggeredBy(orderIn('berlin'));
      const again = await catalog.triggeredBy(orderIn('berlin'));

      // assess
      expect(matched.map((j) => j.id)).toEqual(['good']);
      expect(again.map((j) => j.id)).toEqual(['good']);
      expect(errors).toEqual([['journey left out: it cannot be read', { journey: 'broken', problem }]]);
      expect(store.versionsRead.filter((key) => key === 'broken@2')).toHaveLength(1);
    },
  );

  it('fails the event when a version cannot be read for a passing reason (the record is retried)', async () => {
    // prepare
    const store = new CountingStore([ofShop('berlin-survey', 'berlin')], {
      'berlin-survey': new Error('ProvisionedThroughputExceededException'),
    });
    const catalog = new JourneyCatalog(store, clock, 60_000);

    // act
    const matching = catalog.triggeredBy(orderIn('berlin'));

    // assess
    await expect(matching).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('reads the journeys in full from a store that keeps no triggers apart, and no version after', async () => {
    // prepare
    const berlin = ofShop('berlin-survey', 'berlin');
    const store = new FullReadStore([berlin, ofShop('paris-survey', 'paris')]);
    const catalog = new JourneyCatalog(store, clock, 60_000);

    // act
    const matched = await catalog.triggeredBy(orderIn('berlin'));

    // assess
    expect(matched).toEqual([berlin]);
    expect(store.fullReads).toBe(1);
    expect(store.versionsRead).toEqual([]);
  });
});

/** A store that keeps an index snapshot for its stamp, as the DynamoDB store does (decision 0082). */
class SnapshotStore extends CountingStore {
  triggerReads = 0;

  constructor(
    journeys: readonly Journey[],
    private readonly snapshot: string | undefined,
  ) {
    super(journeys);
  }

  async catalogStamp(): Promise<number> {
    return 7;
  }

  async catalogSnapshot(stamp: number): Promise<string | undefined> {
    return stamp === 7 ? this.snapshot : undefined;
  }

  override async listTriggers(): ReturnType<MemoryJourneyStore['listTriggers']> {
    this.triggerReads += 1;
    return super.listTriggers();
  }
}

describe('journey catalog from an index snapshot', () => {
  const shoes = ofShop('shoes', 'shop-1');
  const boots = ofShop('boots', 'shop-2');

  it('matches the journeys of the snapshot at their versions, reading no trigger', async () => {
    const store = new SnapshotStore([shoes, boots], catalogSnapshotText([shoes, boots]));
    const catalog = new JourneyCatalog(store, clock);

    expect((await catalog.triggeredBy(orderIn('shop-2'))).map((j) => j.id)).toEqual(['boots']);
    expect(store.versionsRead).toEqual(['boots@1']);
    expect(store.triggerReads).toBe(0);
  });

  it('logs the triggers the snapshot left out, each time it loads it', async () => {
    const broken = { id: 'broken', version: 1, trigger: '{"detail":' };
    const store = new SnapshotStore([shoes], catalogSnapshotText([shoes, broken]));
    const { errors, logger } = errorLog();
    const catalog = new JourneyCatalog(store, clock, 60_000, logger);

    expect((await catalog.triggeredBy(orderIn('shop-1'))).map((j) => j.id)).toEqual(['shoes']);
    expect(errors).toEqual([
      ['journey left out: it cannot be read', { journey: 'broken', problem: 'pattern is not valid JSON' }],
    ]);
  });

  it.each([
    ['not JSON', '{"versions":'],
    ['of another format', JSON.stringify({ versions: [], leftOut: [], index: { format: 99 } })],
  ])('files the triggers instead of a snapshot %s, and says so', async (_, text) => {
    const store = new SnapshotStore([shoes], text);
    const warnings: unknown[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (...args) => warnings.push(args), error() {} };
    const catalog = new JourneyCatalog(store, clock, 60_000, logger);

    expect((await catalog.triggeredBy(orderIn('shop-1'))).map((j) => j.id)).toEqual(['shoes']);
    expect(store.triggerReads).toBe(1);
    expect(warnings).toEqual([
      [
        'catalog snapshot not loaded: filing the triggers instead',
        { stamp: 7, problem: expect.stringContaining('snapshot') },
      ],
    ]);
  });
});

describe('journey catalog under records handled at once', () => {
  it('reads the stamp and the triggers once for events that arrive together', async () => {
    let stampReads = 0;
    let triggerReads = 0;
    class SharedStore extends CountingStore {
      async catalogStamp(): Promise<number> {
        stampReads += 1;
        return 1;
      }
      override async listTriggers(): ReturnType<MemoryJourneyStore['listTriggers']> {
        triggerReads += 1;
        return super.listTriggers();
      }
    }
    const store = new SharedStore([ofShop('berlin-survey', 'berlin'), ofShop('paris-survey', 'paris')]);
    const catalog = new JourneyCatalog(store, clock);

    const matched = await Promise.all(
      ['berlin', 'paris', 'berlin'].map((shop) => catalog.triggeredBy(orderIn(shop))),
    );

    expect(matched.map((journeys) => journeys.map((j) => j.id))).toEqual([
      ['berlin-survey'],
      ['paris-survey'],
      ['berlin-survey'],
    ]);
    expect([stampReads, triggerReads]).toEqual([1, 1]);
  });
});
