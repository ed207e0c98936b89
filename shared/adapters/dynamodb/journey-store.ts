import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JourneyStore } from '../../app/ports.js';
import { ConflictError, ValidationError } from '../../domain/errors.js';
import { Journey } from '../../domain/journey/definition.js';
import { queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { describeKey, itemSchemaVersion, JourneyItem, parseItem, parseStored } from './items.js';
import { ItemType, journeyVersionSk, journeyVersionsPk, publishedPk, publishedSk } from './keys.js';

/**
 * Published journeys. Every version is an immutable item under `JOURNEY#{id}`; the item under
 * `JOURNEYS` points at the current one and repeats its definition, so that `listPublished` is
 * one Query. The definition is stored as the published JSON text (see docs/data-model.md).
 */
export class DynamoJourneyStore implements JourneyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async listPublished(): Promise<Journey[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': publishedPk },
      ConsistentRead: true,
    });
    return items.map((item) => readJourney(item));
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
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...body, pk: publishedPk, sk: publishedSk(journey.id), type: ItemType.publishedJourney },
          ConditionExpression: 'attribute_not_exists(pk) OR #version <= :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': journey.version },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new ConflictError(
        `journey ${journey.id}: a version newer than ${journey.version} is already published`,
        { cause: error },
      );
    }
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
