import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { JourneyAdminStore, JourneyState, PublishedJourney } from '../../app/ports.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { Journey } from '../../domain/journey/definition.js';
import { queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed, setExpression } from './conditions.js';
import { describeKey, itemSchemaVersion, JourneyItem, parseItem, parseStored } from './items.js';
import {
  catalogStampKey,
  ItemType,
  journeyVersionSk,
  journeyVersionsPk,
  publishedPk,
  publishedSk,
} from './keys.js';

/** Sort-key prefix of the version items in a journey's partition (`V#000001`, …). */
const journeyVersionPrefix = 'V#';

/** The lifecycle state kept on the current-version item; items written before it existed are active. */
const StateItem = z.object({ state: z.enum(['active', 'paused', 'archived']).default('active') });
/** No stamp item yet (nothing published since stamps exist): 0. */
const CatalogStampItem = z.object({ changes: z.number().int().nonnegative().default(0) });

/**
 * Published journeys. Every version is an immutable item under `JOURNEY#{id}`; the item under
 * `JOURNEYS` points at the current one and repeats its definition, so that `listPublished` is
 * one Query. The definition is stored as the published JSON text (see docs/data-model.md).
 * That item also carries the journey's lifecycle `state`: `listPublished`, which the engine's
 * catalog reads, returns only active journeys, so paused and archived ones admit no one.
 */
export class DynamoJourneyStore implements JourneyAdminStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  /** The journeys that admit new customers (state `active`), current version. */
  async listPublished(onUnreadable?: (key: string, problem: Error) => void): Promise<Journey[]> {
    const journeys: Journey[] = [];
    for (const item of await this.currentItems()) {
      try {
        const published = readPublished(item);
        if (published.state === 'active') journeys.push(published.journey);
      } catch (error) {
        onUnreadable?.(describeKey(item), error instanceof Error ? error : new Error(String(error)));
      }
    }
    return journeys;
  }

  async listCurrent(): Promise<PublishedJourney[]> {
    return (await this.currentItems()).map(readPublished);
  }

  private currentItems(): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': publishedPk },
      ConsistentRead: true,
    });
  }

  async getCurrent(id: string): Promise<PublishedJourney | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: publishedPk, sk: publishedSk(id) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? readPublished(result.Item) : undefined;
  }

  async latestVersion(id: string): Promise<number> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': journeyVersionsPk(id), ':prefix': journeyVersionPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? parseItem(JourneyItem, item, 'journey').version : 0;
  }

  async setState(id: string, state: JourneyState, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: publishedPk, sk: publishedSk(id) },
          UpdateExpression: 'SET #state = :state, #changed = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state', '#changed': 'stateChangedAt' },
          ExpressionAttributeValues: { ':state': state, ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new NotFoundError(`journey ${id} has never been published`);
    }
    await this.touchCatalog();
  }

  async catalogStamp(): Promise<number> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: catalogStampKey, ConsistentRead: true }),
    );
    return parseItem(CatalogStampItem, result.Item ?? {}, 'catalog stamp').changes;
  }

  /** Move the catalog stamp on, after the change it announces is written (a reader that sees it sees the change). */
  private async touchCatalog(): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: catalogStampKey,
        UpdateExpression: 'ADD #changes :one SET #type = :type',
        ExpressionAttributeNames: { '#changes': 'changes', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': ItemType.catalogStamp },
      }),
    );
  }

  async getVersion(id: string, version: number): Promise<Journey | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: journeyVersionsPk(id), sk: journeyVersionSk(version) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? readJourney(result.Item) : undefined;
  }

  /**
   * Store the version (immutable: publishing the same version again with the same content is
   * a no-op, with other content a ConflictError), then make it current. The current pointer
   * never moves back: publishing a version older than the current one is a ConflictError.
   * The pointer is updated in place, so a paused journey stays paused with its new version.
   */
  async putPublished(journey: Journey): Promise<void> {
    const definition = JSON.stringify(journey);
    const body = {
      journeyId: journey.id,
      version: journey.version,
      definition,
      schemaVersion: itemSchemaVersion,
    };
    await this.putVersion(journey, body);
    const set = setExpression({ ...body, type: ItemType.publishedJourney });
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: publishedPk, sk: publishedSk(journey.id) },
          UpdateExpression: set.expression,
          ConditionExpression: 'attribute_not_exists(pk) OR #current <= :version',
          ExpressionAttributeNames: { ...set.names, '#current': 'version' },
          ExpressionAttributeValues: { ...set.values, ':version': journey.version },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new ConflictError(
        `journey ${journey.id}: a version newer than ${journey.version} is already published`,
        { cause: error },
      );
    }
    await this.touchCatalog();
  }

  private async putVersion(journey: Journey, body: Record<string, unknown>): Promise<void> {
    const key = { pk: journeyVersionsPk(journey.id), sk: journeyVersionSk(journey.version) };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...body, ...key, type: ItemType.journeyVersion },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const stored = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      // Compare parsed values: key order and omitted defaults do not make a different journey.
      const same =
        stored.Item !== undefined && isDeepStrictEqual(readJourney(stored.Item), normalize(journey));
      if (!same) {
        throw new ConflictError(
          `journey ${journey.id} version ${journey.version} is already published with other content; publish it as a new version`,
          { cause: error },
        );
      }
    }
  }
}

/** A journey as it reads back from its JSON text. */
const normalize = (journey: Journey): Journey => Journey.parse(JSON.parse(JSON.stringify(journey)));

const readPublished = (item: Record<string, unknown>): PublishedJourney => ({
  journey: readJourney(item),
  state: parseItem(StateItem, item, 'journey').state,
});

const readJourney = (item: Record<string, unknown>): Journey => {
  const { definition } = parseItem(JourneyItem, item, 'journey');
  let json: unknown;
  try {
    json = JSON.parse(definition);
  } catch (error) {
    throw new ValidationError(
      `stored journey ${describeKey(item)} is not valid JSON`,
      [{ path: 'definition', message: 'must be JSON' }],
      { cause: error },
    );
  }
  return parseStored(Journey, json, `stored journey ${describeKey(item)}`);
};
