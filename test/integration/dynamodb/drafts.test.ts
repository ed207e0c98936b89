import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyDrafts } from '../../../shared/adapters/dynamodb/journey-drafts.js';
import { DynamoJourneyStore } from '../../../shared/adapters/dynamodb/journey-store.js';
import { ConflictError, NotFoundError } from '../../../shared/domain/errors.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';
import { aJourney } from './fixtures.js';

const db = useDynamoDb();
const drafts = () => new DynamoJourneyDrafts({ doc: db.doc, tableName: db.tableName });
const journeys = () => new DynamoJourneyStore({ doc: db.doc, tableName: db.tableName });
const newId = () => `j-${crypto.randomUUID()}`;
const at = '2026-11-02T09:00:00.000Z';

describe('DynamoJourneyDrafts', () => {
  it('keeps a draft exactly as saved, even an invalid one, with its revision', async () => {
    const id = newId();
    const definition = { id, name: 'Half done', steps: { a: { type: 'mystery', next: 'b' } }, note: null };

    const saved = await drafts().save({ journeyId: id, definition, at }, 'new');

    expect(saved).toMatchObject({
      journeyId: id,
      revision: 1,
      createdAt: at,
      publishedVersion: null,
      archived: false,
    });
    expect(await drafts().get(id)).toEqual(saved);
  });

  it('bumps the revision on every save and refuses a save based on an old one', async () => {
    const id = newId();
    await drafts().save({ journeyId: id, definition: { id, name: 'v1' }, at }, 'new');
    await drafts().save(
      { journeyId: id, definition: { id, name: 'v2' }, at: '2026-11-02T10:00:00.000Z' },
      { revision: 1 },
    );

    const stale = drafts().save({ journeyId: id, definition: { id, name: 'v2b' }, at }, { revision: 1 });

    await expect(stale).rejects.toThrow(ConflictError);
    expect(await drafts().get(id)).toMatchObject({ revision: 2, definition: { name: 'v2' }, createdAt: at });
  });

  it('refuses to create a draft that exists', async () => {
    const id = newId();
    await drafts().save({ journeyId: id, definition: { id }, at }, 'new');

    await expect(drafts().save({ journeyId: id, definition: { id }, at }, 'new')).rejects.toThrow(
      ConflictError,
    );
  });

  it('never loses an update when two saves race: each counts a revision, or one fails', async () => {
    const id = newId();
    await drafts().save({ journeyId: id, definition: { id, name: 'base' }, at }, 'new');

    const results = await Promise.allSettled([
      drafts().save({ journeyId: id, definition: { id, name: 'a' }, at }, 'any'),
      drafts().save({ journeyId: id, definition: { id, name: 'b' }, at }, 'any'),
    ]);

    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeLessThanOrEqual(1);
    expect((await drafts().get(id))?.revision).toBe(2 + (1 - rejected.length));
  });

  it('notes what was published and whether it is archived', async () => {
    const id = newId();
    await drafts().save({ journeyId: id, definition: { id }, at }, 'new');

    await drafts().markPublished(id, 1, 3, at);
    await drafts().setArchived(id, true, at);

    expect(await drafts().get(id)).toMatchObject({
      publishedVersion: 3,
      publishedRevision: 1,
      archived: true,
    });
    await expect(drafts().markPublished(newId(), 1, 1, at)).rejects.toThrow(NotFoundError);
  });

  it('lists every draft in one Query', async () => {
    const ids = [newId(), newId()];
    for (const id of ids) await drafts().save({ journeyId: id, definition: { id }, at }, 'new');
    const { client, calls } = countingClient(db.endpoint);

    const listed = await new DynamoJourneyDrafts({
      doc: createDocumentClient(client),
      tableName: db.tableName,
    }).list();

    expect(listed.map((d) => d.journeyId)).toEqual(expect.arrayContaining(ids));
    expect(calls).toEqual(['Query']);
  });
});

describe('DynamoJourneyStore lifecycle state', () => {
  it('leaves paused and archived journeys out of what the engine lists, and brings them back', async () => {
    const [active, paused, archived] = [newId(), newId(), newId()];
    for (const id of [active, paused, archived]) await journeys().putPublished(aJourney({ id }));

    await journeys().setState(paused, 'paused', at);
    await journeys().setState(archived, 'archived', at);
    const engineSees = (await journeys().listPublished()).map((j) => j.id);
    await journeys().setState(paused, 'active', at);

    expect(engineSees).toContain(active);
    expect(engineSees).not.toContain(paused);
    expect(engineSees).not.toContain(archived);
    expect((await journeys().listPublished()).map((j) => j.id)).toContain(paused);
    expect(await journeys().getCurrent(archived)).toMatchObject({ state: 'archived' });
  });

  it('keeps a paused journey paused when a new version is published', async () => {
    const id = newId();
    await journeys().putPublished(aJourney({ id, version: 1 }));
    await journeys().setState(id, 'paused', at);

    await journeys().putPublished(aJourney({ id, version: 2, name: 'Better' }));

    expect(await journeys().getCurrent(id)).toMatchObject({
      state: 'paused',
      journey: { version: 2, name: 'Better' },
    });
  });

  it('reads a journey published before states existed as active', async () => {
    const id = newId();
    const journey = aJourney({ id });
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: 'JOURNEYS',
          sk: id,
          type: 'publishedJourney',
          schemaVersion: 1,
          journeyId: id,
          version: 1,
          definition: JSON.stringify(journey),
        },
      }),
    );

    expect(await journeys().getCurrent(id)).toEqual({ journey, state: 'active' });
  });

  it('knows the latest version even when the current pointer lags behind', async () => {
    const id = newId();
    await journeys().putPublished(aJourney({ id, version: 2 }));
    await expect(journeys().putPublished(aJourney({ id, version: 1, name: 'older' }))).rejects.toThrow(
      ConflictError,
    );

    expect(await journeys().latestVersion(id)).toBe(2);
    expect(await journeys().latestVersion(newId())).toBe(0);
  });

  it('refuses to change the state of a journey that was never published', async () => {
    await expect(journeys().setState(newId(), 'paused', at)).rejects.toThrow(NotFoundError);
  });
});
