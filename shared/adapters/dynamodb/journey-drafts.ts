import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DraftExpectation, JourneyDraft, JourneyDrafts } from '../../app/ports.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import * as z from '../../domain/zod.js';
import { queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { describeKey, itemSchemaVersion, parseItem, parseStored } from './items.js';

/** All drafts share one partition, so that the journey list is one Query (docs/admin-api.md). */
const draftsPk = 'DRAFTS';
const draftType = 'journeyDraft';

const DraftItem = z.object({
  journeyId: z.string(),
  definition: z.string(),
  revision: z.int().check(z.positive()),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z._default(z.boolean(), false),
  publishedVersion: z._default(z.nullable(z.int().check(z.positive())), null),
  publishedRevision: z._default(z.nullable(z.int().check(z.positive())), null),
});

const readDraft = (item: Record<string, unknown>): JourneyDraft => {
  const stored = parseItem(DraftItem, item, 'journey draft');
  let definition: unknown;
  try {
    definition = JSON.parse(stored.definition);
  } catch {
    definition = undefined;
  }
  return {
    ...stored,
    definition: parseStored(
      z.record(z.string(), z.unknown()),
      definition,
      `stored draft ${describeKey(item)}`,
    ),
  };
};

/**
 * Journey drafts: what marketers edit, kept as JSON text (a draft may be invalid) under
 * `DRAFTS / {journeyId}`, with a revision that every save bumps, for optimistic concurrency.
 */
export class DynamoJourneyDrafts implements JourneyDrafts {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async get(journeyId: string): Promise<JourneyDraft | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: draftsPk, sk: journeyId },
        ConsistentRead: true,
      }),
    );
    return result.Item ? readDraft(result.Item) : undefined;
  }

  async list(): Promise<JourneyDraft[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': draftsPk },
      ConsistentRead: true,
    });
    return items.map(readDraft);
  }

  async save(
    input: { journeyId: string; definition: Record<string, unknown>; at: string },
    expect: DraftExpectation,
  ): Promise<JourneyDraft> {
    const current = expect === 'new' ? undefined : await this.get(input.journeyId);
    if (typeof expect === 'object' && current?.revision !== expect.revision) {
      throw new ConflictError(
        current
          ? `journey ${input.journeyId} is at revision ${current.revision}, not ${expect.revision}: reload it and apply your change again`
          : `journey ${input.journeyId} has no draft`,
      );
    }
    const draft: JourneyDraft = {
      journeyId: input.journeyId,
      definition: input.definition,
      revision: (current?.revision ?? 0) + 1,
      createdAt: current?.createdAt ?? input.at,
      updatedAt: input.at,
      archived: current?.archived ?? false,
      publishedVersion: current?.publishedVersion ?? null,
      publishedRevision: current?.publishedRevision ?? null,
    };
    // The condition makes the read-then-write safe: it holds only if nobody saved in between.
    const condition = current
      ? {
          ConditionExpression: '#revision = :read',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':read': current.revision },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...draft,
            definition: JSON.stringify(draft.definition),
            pk: draftsPk,
            sk: draft.journeyId,
            type: draftType,
            schemaVersion: itemSchemaVersion,
          },
          ...condition,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new ConflictError(
        expect === 'new'
          ? `journey ${input.journeyId} exists already`
          : `journey ${input.journeyId} was changed by someone else meanwhile: reload it and apply your change again`,
        { cause: error },
      );
    }
    return draft;
  }

  async markPublished(journeyId: string, revision: number, version: number, at: string): Promise<void> {
    await this.update(journeyId, 'SET #pv = :version, #pr = :revision, #at = :at', {
      names: { '#pv': 'publishedVersion', '#pr': 'publishedRevision', '#at': 'publishedAt' },
      values: { ':version': version, ':revision': revision, ':at': at },
    });
  }

  async setArchived(journeyId: string, archived: boolean, at: string): Promise<void> {
    await this.update(journeyId, 'SET #archived = :archived, #at = :at', {
      names: { '#archived': 'archived', '#at': 'archivedChangedAt' },
      values: { ':archived': archived, ':at': at },
    });
  }

  private async update(
    journeyId: string,
    expression: string,
    input: { names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: draftsPk, sk: journeyId },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: input.names,
          ExpressionAttributeValues: input.values,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new NotFoundError(`journey ${journeyId} has no draft`);
    }
  }
}
