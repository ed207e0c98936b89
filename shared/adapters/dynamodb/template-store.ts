import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredTemplate, TemplateRepository } from '../../app/ports.js';
import { EmailTemplate } from '../../domain/templates/render.js';
import * as z from '../../domain/zod.js';
import { queryAll, type TableOptions } from './client.js';
import { setExpression } from './conditions.js';
import { describeKey, itemSchemaVersion, parseItem, parseStored } from './items.js';

/** Every stored template in one partition: listing them is one Query, reading one a GetItem. */
const templatesPk = 'TEMPLATES';
const templateType = 'template';

const TemplateItem = z.object({
  body: z.string(),
  revision: z.int().check(z.positive()),
  updatedAt: z.string(),
});

const readTemplate = (item: Record<string, unknown>): StoredTemplate => {
  const stored = parseItem(TemplateItem, item, 'template');
  let body: unknown;
  try {
    body = JSON.parse(stored.body);
  } catch {
    body = undefined;
  }
  return {
    template: parseStored(EmailTemplate, body, `stored template ${describeKey(item)}`),
    revision: stored.revision,
    updatedAt: stored.updatedAt,
  };
};

/**
 * Email templates marketers stored, under `TEMPLATES / {id}`. The template is kept as JSON text
 * (like journey definitions: exactly what was saved, no map nesting limits); `revision` counts
 * the changes. Reads are strongly consistent, so a preview right after a save shows the change.
 */
export class DynamoTemplateStore implements TemplateRepository {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async get(id: string): Promise<StoredTemplate | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: templatesPk, sk: id }, ConsistentRead: true }),
    );
    return result.Item ? readTemplate(result.Item) : undefined;
  }

  async list(): Promise<StoredTemplate[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': templatesPk },
      ConsistentRead: true,
    });
    return items.map(readTemplate);
  }

  async put(template: EmailTemplate, at: string): Promise<StoredTemplate> {
    const set = setExpression({
      type: templateType,
      schemaVersion: itemSchemaVersion,
      body: JSON.stringify(template),
      updatedAt: at,
    });
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: templatesPk, sk: template.id },
        UpdateExpression: `${set.expression} ADD #revision :one`,
        ExpressionAttributeNames: { ...set.names, '#revision': 'revision' },
        ExpressionAttributeValues: { ...set.values, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return readTemplate(result.Attributes ?? {});
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: templatesPk, sk: id },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }
}
