import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll, type TableOptions } from './client.js';
import { CatalogSnapshotPart, itemSchemaVersion, parseItem } from './items.js';
import {
  catalogPk,
  catalogSnapshotPrefix,
  catalogSnapshotSk,
  catalogSnapshotStampPrefix,
  ItemType,
} from './keys.js';

/**
 * Bytes of compressed snapshot per item, well under DynamoDB's 400 KB item limit. 10,000 triggers
 * compress to about 200 KB: one item.
 */
const defaultPartBytes = 350_000;

/**
 * Keep the catalog's index snapshot for `stamp` (decision 0082), then delete the snapshots of
 * earlier stamps: only the current stamp's is ever read. Parts are written before any reader can
 * find them all, so a reader that comes too early finds the snapshot incomplete and reads the
 * triggers instead.
 */
export const writeCatalogSnapshot = async (
  { doc, tableName }: TableOptions,
  stamp: number,
  text: string,
  partBytes = defaultPartBytes,
): Promise<void> => {
  const data = gzipSync(text);
  const parts = Math.max(1, Math.ceil(data.length / partBytes));
  await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: catalogPk,
            sk: catalogSnapshotSk(stamp, part),
            type: ItemType.catalogSnapshot,
            stamp,
            part,
            parts,
            data: data.subarray(part * partBytes, (part + 1) * partBytes),
            schemaVersion: itemSchemaVersion,
          },
        }),
      ),
    ),
  );
  // Keys only; what sorts below this stamp's parts is an earlier stamp's.
  const earlier = await queryAll(doc, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :before',
    ExpressionAttributeValues: {
      ':pk': catalogPk,
      ':first': catalogSnapshotPrefix,
      ':before': catalogSnapshotStampPrefix(stamp),
    },
    ProjectionExpression: 'pk, sk',
  });
  await Promise.all(
    earlier.map((key) =>
      doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: key.pk, sk: key.sk } })),
    ),
  );
};

/** The snapshot kept for `stamp`, as JSON text; undefined when there is none, or not all of it yet. */
export const readCatalogSnapshot = async (
  { doc, tableName }: TableOptions,
  stamp: number,
): Promise<string | undefined> => {
  const items = await queryAll(doc, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :stamp)',
    ExpressionAttributeValues: { ':pk': catalogPk, ':stamp': catalogSnapshotStampPrefix(stamp) },
    ConsistentRead: true,
  });
  const parts = items.map((item) => parseItem(CatalogSnapshotPart, item, 'catalog snapshot part'));
  const complete = parts.length > 0 && parts.every((p, i) => p.part === i && p.parts === parts.length);
  if (!complete) return undefined;
  try {
    return gunzipSync(Buffer.concat(parts.map((p) => p.data))).toString('utf8');
  } catch {
    // Parts of two writers of the same stamp, mixed: gzip's checksum tells. The next change writes it anew.
    return undefined;
  }
};
