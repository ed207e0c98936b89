import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import {
  readCatalogSnapshot,
  writeCatalogSnapshot,
} from '../../../shared/adapters/dynamodb/catalog-snapshots.js';
import { createDocumentClient, queryAll } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { JourneyCatalog } from '../../../shared/app/journey-catalog.js';
import type { Logger } from '../../../shared/app/ports.js';
import { ConflictError, ValidationError } from '../../../shared/domain/errors.js';
import type { Journey, JourneyInput } from '../../../shared/domain/journey/definition.js';
import { PatternIndex } from '../../../shared/domain/pattern/index.js';
import { jsonBytes, MAX_PUBLISHED_BYTES, withTemplates } from '../../../shared/domain/templates/snapshot.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';
import { aJourney } from './fixtures.js';

const db = useDynamoDb();
const journeys = () => new DynamoJourneyStore({ doc: db.doc, tableName: db.tableName });
/** Journey ids are unique per test: every test shares the file's table. */
const newId = () => `j-${crypto.randomUUID()}`;
const publishedIds = async () => (await journeys().listPublished()).map((j) => j.id);

describe('DynamoJourneyStore', () => {
  it('publishes a journey: it is listed as current and kept under its version', async () => {
    // prepare
    const journey = aJourney({ id: newId() });

    // act
    await journeys().putPublished(journey);

    // assess
    expect((await journeys().listPublished()).find((j) => j.id === journey.id)).toEqual(journey);
    expect(await journeys().getVersion(journey.id, 1)).toEqual(journey);
  });

  it('makes a new version current and keeps the old one for the instances still running on it', async () => {
    // prepare
    const id = newId();
    const v1 = aJourney({ id, version: 1 });
    const v2 = aJourney({ id, version: 2, name: 'Post-purchase survey, shorter wait' });
    await journeys().putPublished(v1);

    // act
    await journeys().putPublished(v2);

    // assess
    expect((await journeys().listPublished()).filter((j) => j.id === id)).toEqual([v2]);
    expect(await journeys().getVersion(id, 1)).toEqual(v1);
    expect(await journeys().getVersion(id, 2)).toEqual(v2);
  });

  it('lists every published journey, one current version each', async () => {
    // prepare
    const ids = [newId(), newId(), newId()];

    // act
    for (const id of ids) await journeys().putPublished(aJourney({ id }));

    // assess
    expect(await publishedIds()).toEqual(expect.arrayContaining(ids));
  });

  it('accepts publishing the same version with the same content again (a retry)', async () => {
    // prepare
    const journey = aJourney({ id: newId() });
    await journeys().putPublished(journey);

    // act
    const again = journeys().putPublished(aJourney({ id: journey.id }));

    // assess
    await expect(again).resolves.toBeUndefined();
    expect(await journeys().getVersion(journey.id, 1)).toEqual(journey);
  });

  it('refuses to change a published version: its content is immutable', async () => {
    // prepare
    const journey = aJourney({ id: newId() });
    await journeys().putPublished(journey);

    // act
    const changing = journeys().putPublished({ ...journey, name: 'Something else' });

    // assess
    await expect(changing).rejects.toThrow(ConflictError);
    expect(await journeys().getVersion(journey.id, 1)).toEqual(journey);
    expect((await journeys().listPublished()).find((j) => j.id === journey.id)).toEqual(journey);
  });

  it('refuses to move the current version back to an older one', async () => {
    // prepare
    const id = newId();
    const v2 = aJourney({ id, version: 2 });
    await journeys().putPublished(v2);

    // act
    const older = journeys().putPublished(aJourney({ id, version: 1 }));

    // assess
    await expect(older).rejects.toThrow(ConflictError);
    expect((await journeys().listPublished()).filter((j) => j.id === id)).toEqual([v2]);
  });

  it.each([
    { case: 'an unknown journey', id: 'never-published', version: 1 },
    { case: 'an unknown version', id: 'post-purchase-survey', version: 99 },
  ])('finds nothing for $case', async ({ id, version }) => {
    // act
    const found = await journeys().getVersion(id, version);

    // assess
    expect(found).toBeUndefined();
  });

  it('stores the definition as its JSON text under a zero-padded version key', async () => {
    // prepare
    const journey = aJourney({ id: newId(), version: 7 });

    // act
    await journeys().putPublished(journey);

    // assess
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `JOURNEY#${journey.id}`, sk: 'V#000007' } }),
    );
    expect(Item).toMatchObject({
      type: 'journeyVersion',
      schemaVersion: 1,
      journeyId: journey.id,
      version: 7,
    });
    expect(JSON.parse(String(Item?.definition))).toEqual(journey);
  });

  it('refuses to read a stored definition that is no longer a valid journey, naming the item', async () => {
    // prepare
    const id = newId();
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: `JOURNEY#${id}`, sk: 'V#000001', journeyId: id, version: 1, definition: '{"id":"x"}' },
      }),
    );

    // act
    const reading = journeys().getVersion(id, 1);

    // assess
    await expect(reading).rejects.toThrow(ValidationError);
    await expect(reading).rejects.toThrow(`JOURNEY#${id} / V#000001`);
  });
});

/** A journey started by orders of one shop, so that each test decides which journeys its event matches. */
const ofShop = (shop: string, overrides: Partial<JourneyInput> = {}): Journey =>
  aJourney({
    id: newId(),
    trigger: { 'detail-type': ['Order Completed'], detail: { shop: [shop] } },
    ...overrides,
  });
const orderIn = (shop: string) => ({ 'detail-type': 'Order Completed', detail: { customerId: 'c-1', shop } });

const triggerKey = (id: string) => ({ pk: 'JOURNEY#TRIGGERS', sk: id });
const triggerItem = async (id: string) =>
  (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: triggerKey(id), ConsistentRead: true })))
    .Item;
const completeKey = { pk: 'JOURNEY#TRIGGERS', sk: '#COMPLETE' };
/** The parts of every index snapshot kept (decision 0082). */
const snapshotParts = () =>
  queryAll(db.doc, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :index)',
    ExpressionAttributeValues: { ':pk': 'CATALOG', ':index': 'INDEX#' },
    ConsistentRead: true,
  });
/** Drop the index snapshots, so that a catalog files the trigger items themselves. */
const dropSnapshots = async () => {
  for (const part of await snapshotParts())
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: part.pk, sk: part.sk } }));
};

const errorLog = () => {
  const errors: { message: string; extra?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message, extra) => errors.push({ message, extra }),
  };
  return { errors, logger };
};

describe('trigger items', () => {
  it('publishing writes a small trigger item: the version, the trigger and where the index files it', async () => {
    // prepare
    const journey = ofShop('berlin');

    // act
    await journeys().putPublished(journey);

    // assess
    const item = await triggerItem(journey.id);
    const filing = PatternIndex.filingOf(journey.trigger);
    expect(item).toEqual({
      ...triggerKey(journey.id),
      type: 'journeyTrigger',
      schemaVersion: 1,
      journeyId: journey.id,
      version: 1,
      trigger: JSON.stringify(journey.trigger),
      filing: JSON.stringify(filing),
    });
    expect(filing.slice(1)).toEqual([
      [
        ['detail-type', ['Order Completed']],
        ['detail', 'shop', ['berlin']],
      ],
    ]);
    expect(jsonBytes(item)).toBeLessThan(400);
    expect(await journeys().listTriggers()).toContainEqual({
      id: journey.id,
      version: 1,
      trigger: JSON.stringify(journey.trigger),
      filing: JSON.stringify(filing),
    });
  });

  it('a new version replaces the trigger item of the old one', async () => {
    // prepare
    const v1 = ofShop('berlin');
    await journeys().putPublished(v1);
    const v2 = ofShop('paris', { id: v1.id, version: 2 });

    // act
    await journeys().putPublished(v2);

    // assess
    expect(await triggerItem(v1.id)).toMatchObject({ version: 2, trigger: JSON.stringify(v2.trigger) });
    expect((await journeys().listTriggers())?.filter((t) => t.id === v1.id)).toEqual([
      {
        id: v1.id,
        version: 2,
        trigger: JSON.stringify(v2.trigger),
        filing: JSON.stringify(PatternIndex.filingOf(v2.trigger)),
      },
    ]);
  });

  it.each(['paused', 'archived'] as const)('a %s journey has no trigger item', async (state) => {
    // prepare
    const journey = ofShop('berlin');
    await journeys().putPublished(journey);

    // act
    await journeys().setState(journey.id, state, '2026-11-02T10:00:00.000Z');

    // assess
    expect(await triggerItem(journey.id)).toBeUndefined();
    expect((await journeys().listTriggers())?.map((t) => t.id)).not.toContain(journey.id);
  });

  it('resuming writes the trigger item again, for the version published while paused', async () => {
    // prepare
    const v1 = ofShop('berlin');
    await journeys().putPublished(v1);
    await journeys().setState(v1.id, 'paused', '2026-11-02T10:00:00.000Z');
    const v2 = ofShop('paris', { id: v1.id, version: 2 });
    await journeys().putPublished(v2);
    const whilePaused = await triggerItem(v1.id);

    // act
    await journeys().setState(v1.id, 'active', '2026-11-02T11:00:00.000Z');

    // assess
    expect(whilePaused).toBeUndefined();
    expect(await triggerItem(v1.id)).toMatchObject({ version: 2, trigger: JSON.stringify(v2.trigger) });
  });

  it('writes no trigger item for a version it refuses as older than the current one', async () => {
    // prepare
    const v2 = ofShop('berlin', { version: 2 });
    await journeys().putPublished(v2);

    // act
    const older = journeys().putPublished(ofShop('paris', { id: v2.id, version: 1 }));

    // assess
    await expect(older).rejects.toThrow(ConflictError);
    expect(await triggerItem(v2.id)).toMatchObject({ version: 2, trigger: JSON.stringify(v2.trigger) });
  });
});

describe('the engine catalog over trigger items', () => {
  it('reads the triggers and then only the version of the journey an event matches', async () => {
    // prepare
    const { client, calls } = countingClient(db.endpoint);
    const store = new DynamoJourneyStore({ doc: createDocumentClient(client), tableName: db.tableName });
    const shop = newId();
    const matching = ofShop(shop);
    await store.putPublished(matching);
    await store.putPublished(ofShop(newId()));
    const catalog = new JourneyCatalog(store, { now: () => '2026-11-02T09:00:00.000Z' }, 60_000);
    calls.length = 0;

    // act
    const matched = await catalog.triggeredBy(orderIn(shop));

    // assess: the stamp, the triggers, the one version
    expect(matched).toEqual([matching]);
    expect(calls).toEqual(['GetItem', 'Query', 'GetItem']);
    client.destroy();
  });

  it('leaves out a journey whose version it cannot read, logs it once, and still matches the others', async () => {
    // prepare: a good journey, and a trigger item pointing at a version a later release would refuse
    const shop = newId();
    const good = ofShop(shop);
    await journeys().putPublished(good);
    const bad = newId();
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...triggerKey(bad), journeyId: bad, version: 1, trigger: JSON.stringify(good.trigger) },
      }),
    );
    const badVersion = { pk: `JOURNEY#${bad}`, sk: 'V#000001' };
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...badVersion, journeyId: bad, version: 1, definition: '{"id":"x"}' },
      }),
    );
    await journeys().refreshCatalogSnapshot();
    const { errors, logger } = errorLog();
    const catalog = new JourneyCatalog(journeys(), { now: () => '2026-11-02T09:00:00.000Z' }, 60_000, logger);

    // act
    const matched = await catalog.triggeredBy(orderIn(shop));
    const again = await catalog.triggeredBy(orderIn(shop));

    // assess
    expect(matched.map((j) => j.id)).toEqual([good.id]);
    expect(again.map((j) => j.id)).toEqual([good.id]);
    expect(errors).toEqual([
      {
        message: 'journey left out: it cannot be read',
        extra: { journey: bad, problem: expect.stringContaining(`JOURNEY#${bad} / V#000001`) },
      },
    ]);
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: triggerKey(bad) }));
  });

  const loadings = [
    ['its index snapshot', () => journeys().refreshCatalogSnapshot()],
    ['the trigger items', dropSnapshots],
  ] as const;
  /** A trigger item the store cannot read (no version), and one whose trigger is not JSON. */
  const badItems = [
    [
      'without a version',
      (id: string) => ({ journeyId: id, trigger: '{"detail-type":["Order Completed"]}' }),
      (id: string) => `JOURNEY#TRIGGERS / ${id}`,
      'does not match its schema',
    ],
    [
      'whose trigger is not JSON',
      (id: string) => ({ journeyId: id, version: 1, trigger: '{"detail":' }),
      (id: string) => id,
      'pattern is not valid JSON',
    ],
  ] as const;

  it.each(
    badItems.flatMap(([what, item, named, problem]) =>
      loadings.map(([loading, load]) => [what, loading, item, named, problem, load] as const),
    ),
  )(
    'leaves out a trigger item %s, naming it, and still matches the others: loading %s',
    async (_what, _loading, item, named, problem, load) => {
      // prepare
      const shop = newId();
      const good = ofShop(shop);
      await journeys().putPublished(good);
      const bad = newId();
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: { ...triggerKey(bad), ...item(bad) } }),
      );
      await load();
      const { errors, logger } = errorLog();
      const catalog = new JourneyCatalog(
        journeys(),
        { now: () => '2026-11-02T09:00:00.000Z' },
        60_000,
        logger,
      );

      // act
      const matched = await catalog.triggeredBy(orderIn(shop));

      // assess
      expect(matched.map((j) => j.id)).toEqual([good.id]);
      expect(errors).toEqual([
        {
          message: 'journey left out: it cannot be read',
          extra: { journey: named(bad), problem: expect.stringContaining(problem) },
        },
      ]);
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: triggerKey(bad) }));
    },
  );
});

describe('the engine catalog over stored filings', () => {
  it('never matches by a filing edited by hand: it logs it, files the trigger from itself and goes on', async () => {
    // prepare: the filing of one shop's journey edited to say another shop
    const shop = newId();
    const other = newId();
    const journey = ofShop(shop);
    await journeys().putPublished(journey);
    const wrong = PatternIndex.filingOf(ofShop(other).trigger);
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: triggerKey(journey.id),
        UpdateExpression: 'SET filing = :f',
        ExpressionAttributeValues: { ':f': JSON.stringify(wrong) },
      }),
    );
    // The snapshot files every trigger from its pattern: only the trigger items carry filings.
    await dropSnapshots();
    const warnings: unknown[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message, extra) => warnings.push({ message, extra }),
      error() {},
    };
    const catalog = new JourneyCatalog(journeys(), { now: () => '2026-11-02T09:00:00.000Z' }, 60_000, logger);

    // act
    const misrouted = await catalog.triggeredBy(orderIn(other));
    const own = await catalog.triggeredBy(orderIn(shop));

    // assess
    expect(misrouted).toEqual([]);
    expect(own.map((j) => j.id)).toEqual([journey.id]);
    expect(warnings).toEqual([
      {
        message: 'journey trigger filed again: its stored filing did not match it',
        extra: { journey: journey.id },
      },
    ]);
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: triggerKey(journey.id) }));
  });
});

describe('journeys published before trigger items', () => {
  it('are read in full until a publish or a state change completes the trigger items', async () => {
    // prepare: as a release without trigger items left them: one active, one paused, no marker
    const shop = newId();
    const active = ofShop(shop);
    const paused = ofShop(shop);
    await journeys().putPublished(active);
    await journeys().putPublished(paused);
    await journeys().setState(paused.id, 'paused', '2026-11-02T10:00:00.000Z');
    for (const key of [triggerKey(active.id), completeKey])
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: key }));
    await dropSnapshots();
    // a stray trigger item of the paused journey (left by a pause during the upgrade)
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...triggerKey(paused.id),
          journeyId: paused.id,
          version: 1,
          trigger: JSON.stringify(paused.trigger),
        },
      }),
    );
    const catalog = new JourneyCatalog(journeys(), { now: () => '2026-11-02T11:00:00.000Z' }, 0);
    const before = await journeys().listTriggers();
    const matchedBefore = await catalog.triggeredBy(orderIn(shop));

    // act: any publish
    const other = ofShop(newId());
    await journeys().putPublished(other);

    // assess
    expect(before).toBeUndefined();
    expect(matchedBefore.map((j) => j.id)).toEqual([active.id]);
    expect(await triggerItem(active.id)).toMatchObject({
      version: 1,
      trigger: JSON.stringify(active.trigger),
    });
    expect(await triggerItem(paused.id)).toBeUndefined();
    expect(await triggerItem(other.id)).toMatchObject({ version: 1 });
    expect((await catalog.triggeredBy(orderIn(shop))).map((j) => j.id)).toEqual([active.id]);
    expect((await journeys().listTriggers())?.map((t) => t.id)).toEqual(
      expect.arrayContaining([active.id, other.id]),
    );
  });

  it('completing them costs one small read once they are complete', async () => {
    // prepare
    await journeys().putPublished(ofShop(newId()));
    const { client, calls } = countingClient(db.endpoint);
    const store = new DynamoJourneyStore({ doc: createDocumentClient(client), tableName: db.tableName });

    // act
    await store.completeTriggerItems();
    await store.completeTriggerItems();

    // assess
    expect(calls).toEqual(['GetItem']);
    client.destroy();
  });
});

describe('the catalog stamp', () => {
  it('lets the catalog read one small item while nothing changed, and reload after a publish or a pause', async () => {
    // prepare
    const { client, calls } = countingClient(db.endpoint);
    const store = new DynamoJourneyStore({ doc: createDocumentClient(client), tableName: db.tableName });
    let now = Date.parse('2026-11-02T09:00:00.000Z');
    const catalog = new JourneyCatalog(store, { now: () => new Date(now).toISOString() }, 60_000);
    const shop = newId();
    const first = ofShop(shop);
    await store.putPublished(first);
    const matchedIds = async () => {
      now += 61_000;
      calls.length = 0;
      return (await catalog.triggeredBy(orderIn(shop))).map((j) => j.id);
    };

    // act + assess: the first load reads the stamp, the triggers, and the matched version
    expect(await matchedIds()).toEqual([first.id]);
    expect(calls).toEqual(['GetItem', 'Query', 'GetItem']);
    // nothing changed: only the stamp
    expect(await matchedIds()).toEqual([first.id]);
    expect(calls).toEqual(['GetItem']);
    // a publish moves the stamp: the triggers again, and the new journey's version
    const second = ofShop(shop);
    await store.putPublished(second);
    expect(await matchedIds()).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(calls).toEqual(['GetItem', 'Query', 'GetItem']);
    // a pause too: the paused journey no longer matches
    await store.setState(second.id, 'paused', '2026-11-02T10:00:00.000Z');
    expect(await matchedIds()).toEqual([first.id]);
    expect(calls).toEqual(['GetItem', 'Query']);
    client.destroy();
  });
});

describe('the engine catalog from its index snapshot (decision 0082)', () => {
  const at = { now: () => '2026-11-02T09:00:00.000Z' };

  it('loads the index kept at the last change, without reading any trigger item', async () => {
    // prepare
    const shop = newId();
    const journey = ofShop(shop);
    await journeys().putPublished(journey);
    const store = journeys();
    const listTriggers = vi.spyOn(store, 'listTriggers');

    // act
    const matched = await new JourneyCatalog(store, at).triggeredBy(orderIn(shop));

    // assess
    expect(matched).toEqual([journey]);
    expect(listTriggers).not.toHaveBeenCalled();
  });

  it('keeps the snapshot of the current stamp only, and a paused journey is not in it', async () => {
    // prepare
    const shop = newId();
    const first = ofShop(shop);
    const second = ofShop(shop);
    await journeys().putPublished(first);
    await journeys().putPublished(second);

    // act
    await journeys().setState(first.id, 'paused', '2026-11-02T10:00:00.000Z');

    // assess
    const stamp = await journeys().catalogStamp();
    expect((await snapshotParts()).map((part) => part.stamp)).toEqual([stamp]);
    const store = journeys();
    const matched = await new JourneyCatalog(store, at).triggeredBy(orderIn(shop));
    expect(matched.map((j) => j.id)).toEqual([second.id]);
  });

  it.each([
    ['missing', dropSnapshots],
    [
      'not complete',
      async () => {
        const [part] = await snapshotParts();
        await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...part, parts: 2 } }));
      },
    ],
  ])('files the trigger items instead when the snapshot is %s', async (_, spoil) => {
    // prepare
    const shop = newId();
    const journey = ofShop(shop);
    await journeys().putPublished(journey);
    await spoil();
    const store = journeys();
    const listTriggers = vi.spyOn(store, 'listTriggers');

    // act
    const matched = await new JourneyCatalog(store, at).triggeredBy(orderIn(shop));

    // assess
    expect(matched).toEqual([journey]);
    expect(listTriggers).toHaveBeenCalledOnce();
  });

  it('keeps a change whose snapshot could not be written, says so, and the catalog files the trigger items', async () => {
    // prepare: a table that refuses the snapshot's parts
    const failing = {
      send: (command: unknown) =>
        command instanceof PutCommand && String(command.input.Item?.sk).startsWith('INDEX#')
          ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
          : db.doc.send(command as PutCommand),
    } as unknown as DynamoDBDocumentClient;
    const problems: string[] = [];
    const store = new DynamoJourneyStore({ doc: failing, tableName: db.tableName }, (problem) =>
      problems.push(problem.message),
    );
    const shop = newId();
    const journey = ofShop(shop);

    // act
    await store.putPublished(journey);

    // assess
    expect(problems).toEqual(['ProvisionedThroughputExceededException']);
    expect(await journeys().catalogSnapshot(await journeys().catalogStamp())).toBeUndefined();
    expect(await new JourneyCatalog(journeys(), at).triggeredBy(orderIn(shop))).toEqual([journey]);
    // Without someone to tell, the caller hears of it.
    const strict = new DynamoJourneyStore({ doc: failing, tableName: db.tableName });
    await expect(strict.setState(journey.id, 'paused', '2026-11-02T10:00:00.000Z')).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    await journeys().refreshCatalogSnapshot();
  });

  it('cuts a large snapshot into parts and reads it back whole, or not at all', async () => {
    // prepare: text that does not compress, cut into parts of 1,000 bytes
    const text = JSON.stringify(Array.from({ length: 400 }, () => crypto.randomUUID()));
    const stamp = 1_000_000 + Math.floor(Math.random() * 1_000_000);

    // act
    await writeCatalogSnapshot(db, stamp, text, 1_000);

    // assess
    const parts = (await snapshotParts()).filter((part) => part.stamp === stamp);
    expect(parts.length).toBeGreaterThan(5);
    expect(await readCatalogSnapshot(db, stamp)).toBe(text);
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { pk: 'CATALOG', sk: parts[1]?.sk } }),
    );
    expect(await readCatalogSnapshot(db, stamp)).toBeUndefined();
    await db.doc.send(
      new PutCommand({ TableName: db.tableName, Item: { ...parts[2], sk: parts[1]?.sk, part: 1 } }),
    );
    expect(await readCatalogSnapshot(db, stamp)).toBeUndefined();
    expect(await readCatalogSnapshot(db, stamp + 1)).toBeUndefined();
    await dropSnapshots();
  });
});

describe('a version with the templates it sends', () => {
  it('stores and reads back a version of the largest size publishing allows', async () => {
    // prepare: one template that brings the version just under the limit
    const base = aJourney({ id: newId() });
    const template = { id: 'big', subject: 'Big', html: '', text: 'Big' };
    const room = MAX_PUBLISHED_BYTES - jsonBytes({ ...base, templates: [template] });
    const result = withTemplates(base, [{ ...template, html: 'x'.repeat(room) }]);
    if (!result.ok) throw new Error('the fixture must fit');

    // act
    await journeys().putPublished(result.journey);

    // assess
    expect(jsonBytes(result.journey)).toBe(MAX_PUBLISHED_BYTES);
    expect((await journeys().getVersion(base.id, 1))?.templates?.[0]?.html).toHaveLength(room);
    expect((await journeys().getCurrent(base.id))?.journey.templates).toEqual(result.journey.templates);
  });
});
