import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { JourneyCatalog } from '../../../shared/app/journey-catalog.js';
import { ConflictError, ValidationError } from '../../../shared/domain/errors.js';
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

describe('the engine catalog over stored journeys', () => {
  it('leaves out a journey it cannot read, logs it, and still matches the others', async () => {
    // prepare: one good journey, and a current item a later release would refuse
    const good = aJourney({ id: newId() });
    const bad = newId();
    await journeys().putPublished(good);
    const badKey = { pk: 'JOURNEYS', sk: bad };
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...badKey, journeyId: bad, version: 1, definition: '{"id":"x","trigger":{"detail":[]}}' },
      }),
    );
    const errors: { message: string; extra?: Record<string, unknown> }[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message: string, extra?: Record<string, unknown>) => errors.push({ message, extra }),
    };
    const catalog = new JourneyCatalog(journeys(), { now: () => '2026-11-02T09:00:00.000Z' }, 60_000, logger);

    // act
    const matched = await catalog.triggeredBy({
      'detail-type': 'Order Completed',
      detail: { customerId: 'c-1', total: 10 },
    });

    // assess
    expect(matched.map((j) => j.id)).toContain(good.id);
    expect(errors).toEqual([
      {
        message: 'journey left out: it cannot be read',
        extra: { journey: `JOURNEYS / ${bad}`, problem: expect.any(String) },
      },
    ]);
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: badKey }));
  });
});

describe('the catalog stamp', () => {
  it('lets the catalog read one small item while nothing changed, and reload after a publish or a pause', async () => {
    // prepare
    const { client, calls } = countingClient(db.endpoint);
    const store = new DynamoJourneyStore({ doc: createDocumentClient(client), tableName: db.tableName });
    let now = Date.parse('2026-11-02T09:00:00.000Z');
    const catalog = new JourneyCatalog(store, { now: () => new Date(now).toISOString() }, 60_000);
    const event = { 'detail-type': 'Order Completed', detail: { customerId: 'c-1', total: 10 } };
    const first = aJourney({ id: newId() });
    await store.putPublished(first);
    const matchedIds = async () => {
      now += 61_000;
      calls.length = 0;
      return (await catalog.triggeredBy(event)).map((j) => j.id);
    };

    // act + assess: the first load reads everything
    expect(await matchedIds()).toContain(first.id);
    expect(calls).toEqual(['GetItem', 'Query']);
    // nothing changed: only the stamp
    expect(await matchedIds()).toContain(first.id);
    expect(calls).toEqual(['GetItem']);
    // a publish moves the stamp: everything again, with the new journey
    const second = aJourney({ id: newId() });
    await store.putPublished(second);
    expect(await matchedIds()).toContain(second.id);
    expect(calls).toEqual(['GetItem', 'Query']);
    // a pause too: the paused journey no longer matches
    await store.setState(second.id, 'paused', '2026-11-02T10:00:00.000Z');
    expect(await matchedIds()).not.toContain(second.id);
    expect(calls).toEqual(['GetItem', 'Query']);
    client.destroy();
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
