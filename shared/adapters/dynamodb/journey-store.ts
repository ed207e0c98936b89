import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { catalogSnapshotText, type LeftOut } from '../../app/catalog-snapshot.js';
import type { JourneyAdminStore, JourneyState, JourneyTrigger, PublishedJourney } from '../../app/ports.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { Journey } from '../../domain/journey/definition.js';
import { PatternIndex } from '../../domain/pattern/index.js';
import * as z from '../../domain/zod.js';
import { readCatalogSnapshot, writeCatalogSnapshot } from './catalog-snapshots.js';
import { queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed, setExpression } from './conditions.js';
import {
  describeKey,
  itemSchemaVersion,
  JourneyItem,
  JourneyTriggerItem,
  parseItem,
  parseStored,
} from './items.js';
import {
  catalogStampKey,
  ItemType,
  journeyTriggerSk,
  journeyTriggersCompleteSk,
  journeyTriggersPk,
  journeyVersionSk,
  journeyVersionsPk,
  publishedPk,
  publishedSk,
} from './keys.js';

/** Sort-key prefix of the version items in a journey's partition (`V#000001`, …). */
const journeyVersionPrefix = 'V#';

/** The lifecycle state kept on the current-version item; items written before it existed are active. */
const StateItem = z.object({ state: z._default(z.enum(['active', 'paused', 'archived']), 'active') });
/** No stamp item yet (nothing published since stamps exist): 0. */
const CatalogStampItem = z.object({ changes: z._default(z.int().check(z.nonnegative()), 0) });
/** Only the trigger of a stored definition, whatever else it holds. */
const WithTrigger = z.object({ trigger: z.unknown() });

/** How often a change of a current-version item is tried when another change got there first. */
const currentWriteAttempts = 5;
/** Trigger items written at once when completing them. */
const completeConcurrency = 25;

const currentKey = (journeyId: string) => ({ pk: publishedPk, sk: publishedSk(journeyId) });
const triggerKey = (journeyId: string) => ({ pk: journeyTriggersPk, sk: journeyTriggerSk(journeyId) });
const triggersCompleteKey = { pk: journeyTriggersPk, sk: journeyTriggersCompleteSk } as const;

/** A current-version item as a change of it found it. */
interface SeenCurrent {
  journeyId: string;
  version: number;
  state: JourneyState;
  /** False for items written before states existed (they are active). */
  stateStored: boolean;
  definition: string;
}

interface Expression {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** A change of the current-version item, and what becomes of the journey's trigger item with it. */
interface CurrentChange {
  update: Expression;
  /** The trigger item to write (JSON text of the trigger); null to delete it: the journey admits no one. */
  trigger: { version: number; trigger: string } | null;
}

/**
 * Published journeys. Every version is an immutable item under `JOURNEY#{id}`; the item under
 * `JOURNEYS` points at the current one, repeats its definition and carries the journey's lifecycle
 * `state`. The definition is stored as the published JSON text (see docs/data-model.md).
 * Each active journey also has a small trigger item under `JOURNEY#TRIGGERS` (its version and
 * trigger), written or deleted in the same transaction as the current-version item, so the two
 * never disagree: the engine's catalog reads those (`listTriggers`) and a version only when an
 * event matches it (decision 0078). `listPublished` returns only active journeys, so paused and
 * archived ones admit no one.
 */
export class DynamoJourneyStore implements JourneyAdminStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** Whether this store saw the trigger items complete (they stay so). */
  private triggersComplete = false;

  /**
   * `onSnapshotFailure`, when given, hears of an index snapshot that could not be kept after a
   * change was written, instead of the change's caller: the change stands, and containers file the
   * trigger items until the next change keeps a snapshot (decision 0082). Without it, the failure
   * is thrown (an operator's command should say so).
   */
  constructor(
    private readonly table: TableOptions,
    private readonly onSnapshotFailure?: (problem: Error) => void,
  ) {
    this.doc = table.doc;
    this.tableName = table.tableName;
  }

  /** The journeys that admit new customers (state `active`), current version. */
  async listPublished(onUnreadable?: (key: string, problem: Error) => void): Promise<Journey[]> {
    const journeys: Journey[] = [];
    for (const item of await this.currentItems()) {
      try {
        const published = readPublished(item);
        if (published.state === 'active') journeys.push(published.journey);
      } catch (error) {
        onUnreadable?.(describeKey(item), asError(error));
      }
    }
    return journeys;
  }

  /**
   * The triggers of the active journeys: one Query of their small items. Undefined until the
   * trigger items are complete (`completeTriggerItems`), so journeys published before they
   * existed are not missed.
   */
  async listTriggers(
    onUnreadable?: (key: string, problem: Error) => void,
  ): Promise<JourneyTrigger[] | undefined> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': journeyTriggersPk },
      ConsistentRead: true,
    });
    if (!items.some((item) => item.sk === journeyTriggersCompleteSk)) return undefined;
    const triggers: JourneyTrigger[] = [];
    for (const item of items) {
      if (item.sk === journeyTriggersCompleteSk) continue;
      try {
        triggers.push(readTrigger(item));
      } catch (error) {
        onUnreadable?.(describeKey(item), asError(error));
      }
    }
    return triggers;
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
      new GetCommand({ TableName: this.tableName, Key: currentKey(id), ConsistentRead: true }),
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

  /** Pausing or archiving deletes the trigger item; resuming writes it again, for the current version. */
  async setState(id: string, state: JourneyState, at: string): Promise<void> {
    await this.completeTriggerItems();
    await this.changeCurrent(id, (seen) => {
      if (!seen) throw new NotFoundError(`journey ${id} has never been published`);
      return {
        update: {
          expression: 'SET #state = :state, #changed = :at',
          names: { '#state': 'state', '#changed': 'stateChangedAt' },
          values: { ':state': state, ':at': at },
        },
        trigger: state === 'active' ? { version: seen.version, trigger: triggerText(seen.definition) } : null,
      };
    });
    await this.touchCatalog();
  }

  async catalogStamp(): Promise<number> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: catalogStampKey, ConsistentRead: true }),
    );
    return parseItem(CatalogStampItem, result.Item ?? {}, 'catalog stamp').changes;
  }

  async catalogSnapshot(stamp: number): Promise<string | undefined> {
    return readCatalogSnapshot(this.table, stamp);
  }

  /**
   * Move the catalog stamp on, after the change it announces is written (a reader that sees it sees
   * the change), then keep the index snapshot for the new stamp (decision 0082). The triggers are
   * read after the stamp moved, so the snapshot holds every change announced up to it: a change
   * written before its own stamp move is committed before this read.
   */
  private async touchCatalog(): Promise<void> {
    const moved = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: catalogStampKey,
        UpdateExpression: 'ADD #changes :one SET #type = :type',
        ExpressionAttributeNames: { '#changes': 'changes', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': ItemType.catalogStamp },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const stamp = parseItem(CatalogStampItem, moved.Attributes ?? {}, 'catalog stamp').changes;
    try {
      await this.keepSnapshot(stamp);
    } catch (problem) {
      if (!this.onSnapshotFailure) throw problem;
      this.onSnapshotFailure(asError(problem));
    }
  }

  /**
   * Make the catalog's index snapshot again for the current stamp, from the trigger items as they
   * are now (an operator's command: after an upgrade, or after editing trigger items by hand).
   * Returns the stamp, or undefined when the trigger items are not complete yet (no snapshot then).
   */
  async refreshCatalogSnapshot(): Promise<number | undefined> {
    const stamp = await this.catalogStamp();
    return (await this.keepSnapshot(stamp)) ? stamp : undefined;
  }

  private async keepSnapshot(stamp: number): Promise<boolean> {
    const unreadable: LeftOut[] = [];
    const triggers = await this.listTriggers((key, problem) =>
      unreadable.push({ journey: key, problem: problem.message }),
    );
    if (triggers) await writeCatalogSnapshot(this.table, stamp, catalogSnapshotText(triggers, unreadable));
    return triggers !== undefined;
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
   * The pointer is updated in place, so a paused journey stays paused with its new version (and
   * without a trigger item); an active one's trigger item moves to the new version with it.
   */
  async putPublished(journey: Journey): Promise<void> {
    await this.completeTriggerItems();
    const definition = JSON.stringify(journey);
    const body = {
      journeyId: journey.id,
      version: journey.version,
      definition,
      schemaVersion: itemSchemaVersion,
    };
    await this.putVersion(journey, body);
    const update = setExpression({ ...body, type: ItemType.publishedJourney });
    await this.changeCurrent(journey.id, (seen) => {
      if (seen && seen.version > journey.version) {
        throw new ConflictError(
          `journey ${journey.id}: a version newer than ${journey.version} is already published`,
        );
      }
      const active = (seen?.state ?? 'active') === 'active';
      return {
        update,
        trigger: active ? { version: journey.version, trigger: JSON.stringify(journey.trigger) } : null,
      };
    });
    await this.touchCatalog();
  }

  /**
   * Give every journey published before trigger items existed its trigger item, then write the
   * marker that lets the catalog read trigger items instead of the journeys (decision 0078).
   * Each one is written in a transaction that checks its current-version item is as read, so a
   * change made meanwhile (which writes its own trigger item) wins. Every publish and state change
   * calls it first; once the marker is there it costs one small read per container.
   */
  async completeTriggerItems(): Promise<void> {
    if (this.triggersComplete) return;
    const marker = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: triggersCompleteKey, ConsistentRead: true }),
    );
    if (!marker.Item) {
      const current = await this.currentItems();
      for (let i = 0; i < current.length; i += completeConcurrency) {
        await Promise.all(
          current.slice(i, i + completeConcurrency).map((item) => this.completeTrigger(item)),
        );
      }
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...triggersCompleteKey,
            type: ItemType.journeyTriggersComplete,
            schemaVersion: itemSchemaVersion,
          },
        }),
      );
      await this.touchCatalog();
    }
    this.triggersComplete = true;
  }

  /** The trigger item of one current-version item as read, unless that item changed since. */
  private async completeTrigger(item: Record<string, unknown>): Promise<void> {
    const seen = readSeen(item);
    // Not even its version is readable: nothing to file it under; the full read logs it.
    if (!seen) return;
    const unchanged = unchangedCondition(seen);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: currentKey(seen.journeyId),
                ConditionExpression: unchanged.expression,
                ExpressionAttributeNames: unchanged.names,
                ExpressionAttributeValues: unchanged.values,
              },
            },
            this.triggerWrite(
              seen.journeyId,
              seen.state === 'active'
                ? { version: seen.version, trigger: triggerText(seen.definition) }
                : null,
            ),
          ],
        }),
      );
    } catch (error) {
      if (!isTransactionRefused(error)) throw error;
    }
  }

  /**
   * Change the current-version item as `change` decides from what it finds there, and write or
   * delete the trigger item in the same transaction, on condition that the item is still as found;
   * when another change got there first, read it again and decide anew.
   */
  private async changeCurrent(
    journeyId: string,
    change: (seen: SeenCurrent | undefined) => CurrentChange,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const found = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: currentKey(journeyId), ConsistentRead: true }),
      );
      const seen = found.Item ? readSeenOrFail(found.Item) : undefined;
      const { update, trigger } = change(seen);
      const unchanged: Expression = seen
        ? unchangedCondition(seen)
        : { expression: 'attribute_not_exists(pk)', names: {}, values: {} };
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: currentKey(journeyId),
                  UpdateExpression: update.expression,
                  ConditionExpression: unchanged.expression,
                  ExpressionAttributeNames: { ...update.names, ...unchanged.names },
                  ExpressionAttributeValues: { ...update.values, ...unchanged.values },
                },
              },
              this.triggerWrite(journeyId, trigger),
            ],
          }),
        );
        return;
      } catch (error) {
        if (!isTransactionRefused(error)) throw error;
        if (attempt === currentWriteAttempts) {
          throw new ConflictError(
            `journey ${journeyId} kept changing while it was being changed; try again`,
            {
              cause: error,
            },
          );
        }
      }
    }
  }

  private triggerWrite(
    journeyId: string,
    trigger: CurrentChange['trigger'],
  ): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
    if (!trigger) return { Delete: { TableName: this.tableName, Key: triggerKey(journeyId) } };
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...triggerKey(journeyId),
          type: ItemType.journeyTrigger,
          schemaVersion: itemSchemaVersion,
          journeyId,
          version: trigger.version,
          trigger: trigger.trigger,
          ...filingOf(trigger.trigger),
        },
      },
    };
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

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Why each item of a refused transaction refused it, as the SDK reports it. */
const TransactionCanceled = z.object({
  name: z.literal('TransactionCanceledException'),
  CancellationReasons: z._default(z.array(z.object({ Code: z.optional(z.string()) })), []),
});

/** A transaction refused because an item was not as expected, or was being changed at the same time. */
const isTransactionRefused = (error: unknown): boolean => {
  const canceled = TransactionCanceled.safeParse(error);
  return (
    canceled.success &&
    canceled.data.CancellationReasons.some(
      (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
    )
  );
};

/** That a current-version item still has the version and state it had when read. */
const unchangedCondition = (seen: SeenCurrent): Expression => ({
  expression: `#seenVersion = :seenVersion AND ${seen.stateStored ? '#seenState = :seenState' : 'attribute_not_exists(#seenState)'}`,
  names: { '#seenVersion': 'version', '#seenState': 'state' },
  values: { ':seenVersion': seen.version, ...(seen.stateStored ? { ':seenState': seen.state } : {}) },
});

const readSeenOrFail = (item: Record<string, unknown>): SeenCurrent => ({
  ...parseItem(JourneyItem, item, 'journey'),
  state: parseItem(StateItem, item, 'journey').state,
  stateStored: item.state !== undefined,
});

const readSeen = (item: Record<string, unknown>): SeenCurrent | undefined => {
  try {
    return readSeenOrFail(item);
  } catch {
    return undefined;
  }
};

/**
 * The trigger of a stored definition, as JSON text; `null` when the definition is not JSON, so
 * that the catalog reports the journey as unreadable instead of missing it.
 */
const triggerText = (definition: string): string => {
  try {
    const parsed = WithTrigger.safeParse(JSON.parse(definition));
    return JSON.stringify(parsed.success ? (parsed.data.trigger ?? null) : null);
  } catch {
    return 'null';
  }
};

/**
 * Where the engine's index files a trigger, as JSON text for its item, so that a cold start files
 * thousands of triggers without parsing them (decision 0080); nothing when the trigger does not compile.
 */
const filingOf = (trigger: string): { filing?: string } => {
  try {
    return { filing: JSON.stringify(PatternIndex.filingOf(JSON.parse(trigger))) };
  } catch {
    return {};
  }
};

/** A journey as it reads back from its JSON text. */
const normalize = (journey: Journey): Journey => Journey.parse(JSON.parse(JSON.stringify(journey)));

const readPublished = (item: Record<string, unknown>): PublishedJourney => ({
  journey: readJourney(item),
  state: parseItem(StateItem, item, 'journey').state,
});

/** JSON text kept in an attribute of an item, parsed. */
const parseJsonText = (
  text: string,
  item: Record<string, unknown>,
  what: string,
  attribute: string,
): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      `stored ${what} ${describeKey(item)} is not valid JSON`,
      [{ path: attribute, message: 'must be JSON' }],
      { cause: error },
    );
  }
};

const readJourney = (item: Record<string, unknown>): Journey => {
  const { definition } = parseItem(JourneyItem, item, 'journey');
  const json = parseJsonText(definition, item, 'journey', 'definition');
  return parseStored(Journey, json, `stored journey ${describeKey(item)}`);
};

const readTrigger = (item: Record<string, unknown>): JourneyTrigger => {
  // The trigger and its filing stay JSON text: the catalog's index parses a trigger when an event
  // first reaches it, and checks it then (decision 0080).
  const { journeyId, version, trigger, filing } = parseItem(JourneyTriggerItem, item, 'journey trigger');
  return { id: journeyId, version, trigger, filing };
};
