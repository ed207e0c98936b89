import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  CustomerState,
  CustomerStore,
  Profile,
  UnsubscribeRequest,
  UnsubscribeRequests,
} from '../../app/ports.js';
import { ConflictError } from '../../domain/errors.js';
import { Instance } from '../../domain/journey/instance.js';
import { checkRetentionDays, queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { contactsIn } from './contact-counter.js';
import { itemSchemaVersion, ProfileItem, parseItem, SuppressionMarksItem } from './items.js';
import {
  contactsSk,
  customerPk,
  expiryAfter,
  ItemType,
  instancePrefix,
  instanceSk,
  loadUpperBound,
  profileSk,
  suppressionMarksSk,
  ttlAttribute,
  unsubscribeRequestsSk,
} from './keys.js';
import { erasedAtIn } from './privacy.js';

/**
 * When an instance's item expires: `retentionDays` after it ended, or after its conversion window
 * closes when that is later (it still watches the goal until then); never while it runs, or while
 * a held-out customer's window is open.
 */
const expiryOf = (instance: Instance, retentionDays: number): number | undefined => {
  if (instance.status === 'active') return undefined;
  const window = instance.goalWindow;
  if (instance.endedAt === null) return window ? undefined : expiryAfter(instance.updatedAt, retentionDays);
  const last =
    window && window.convertedAt === null && window.until > instance.endedAt
      ? window.until
      : instance.endedAt;
  return expiryAfter(last, retentionDays);
};

const REQUEST_ATTRIBUTE = /^(email|sms):(marketing|all)$/;
/** Days an unsubscribe request is kept: the processor applies it within seconds, or hours at most. */
const REQUEST_DAYS = 30;

/** The requests an `#UNSUBSCRIBE` item holds (attributes `{channel}:{scope}` = when). */
const requestsIn = (item: Record<string, unknown>): UnsubscribeRequest[] =>
  Object.entries(item).flatMap(([name, at]) => {
    const match = REQUEST_ATTRIBUTE.exec(name);
    return match && typeof at === 'string'
      ? [
          {
            channel: match[1] as UnsubscribeRequest['channel'],
            scope: match[2] as UnsubscribeRequest['scope'],
            at,
          },
        ]
      : [];
  });

/**
 * Unsubscribe requests in the customer's partition (`#UNSUBSCRIBE`), one UpdateItem each: the
 * unsubscribe function's only write. `DynamoCustomerStore.load` returns them beside the profile;
 * the processor removes each once it has applied its event, and they expire after 30 days.
 */
export class DynamoUnsubscribeRequests implements UnsubscribeRequests {
  constructor(private readonly options: TableOptions) {}

  async applied(customerId: string, request: Pick<UnsubscribeRequest, 'channel' | 'scope'>): Promise<void> {
    try {
      await this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: customerPk(customerId), sk: unsubscribeRequestsSk },
          UpdateExpression: 'REMOVE #request',
          // Without it, UpdateItem would create an empty item for a request never kept here.
          ConditionExpression: 'attribute_exists(#request)',
          ExpressionAttributeNames: { '#request': `${request.channel}:${request.scope}` },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async record(customerId: string, request: UnsubscribeRequest): Promise<void> {
    await this.options.doc.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { pk: customerPk(customerId), sk: unsubscribeRequestsSk },
        UpdateExpression: 'SET #type = :type, #schema = :schema, #request = :at, #ttl = :ttl',
        ExpressionAttributeNames: {
          '#type': 'type',
          '#schema': 'schemaVersion',
          '#request': `${request.channel}:${request.scope}`,
          '#ttl': ttlAttribute,
        },
        ExpressionAttributeValues: {
          ':type': ItemType.unsubscribeRequests,
          ':schema': itemSchemaVersion,
          ':at': request.at,
          ':ttl': expiryAfter(request.at, REQUEST_DAYS),
        },
      }),
    );
  }
}

/**
 * Profiles and journey instances, in the customer's partition. `load` is one strongly
 * consistent Query (the event before may have written a moment ago); it also returns the
 * suppression marks of the customer's addresses (`#SUPPRESSED`, written by the suppression list)
 * as `suppressions`, and the unsubscribe requests not yet applied to the profile
 * (`#UNSUBSCRIBE`, written by the unsubscribe function) as `unsubscribeRequests`.
 */
export class DynamoCustomerStore implements CustomerStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;

  /** `retentionDays`: how long ended instances are kept before TTL removes them. */
  constructor(options: TableOptions & { retentionDays: number }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.retentionDays = checkRetentionDays(options.retentionDays);
  }

  async load(customerId: string): Promise<CustomerState> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :upper',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':upper': loadUpperBound },
      ConsistentRead: true,
    });
    // No `#CONTACTS` item: no marketing send counted in the window (the item expires with its last).
    const state: CustomerState = { profile: null, instances: [], contacts: [] };
    const requests: UnsubscribeRequest[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk === profileSk) state.profile = parseItem(ProfileItem, item, 'profile');
      else if (sk.startsWith(instancePrefix)) state.instances.push(parseItem(Instance, item, 'instance'));
      else if (sk === contactsSk) state.contacts = contactsIn(item);
      else if (sk === suppressionMarksSk)
        state.suppressions = parseItem(SuppressionMarksItem, item, 'suppression marks');
      else if (sk === unsubscribeRequestsSk) requests.push(...requestsIn(item));
    }
    if (requests.length > 0) state.unsubscribeRequests = requests;
    // The erasure tombstone sorts below the load bound too (decision 0075).
    const erasedAt = erasedAtIn(items);
    if (erasedAt !== undefined) state.erasedAt = erasedAt;
    return state;
  }

  /** The profile only: the suppression marks are the suppression list's. */
  async saveProfile(profile: Profile): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...profile,
          pk: customerPk(profile.customerId),
          sk: profileSk,
          type: ItemType.profile,
          schemaVersion: itemSchemaVersion,
        },
      }),
    );
  }

  async saveInstance(instance: Instance, expectedVersion: number | null): Promise<void> {
    const item = {
      ...instance,
      pk: customerPk(instance.customerId),
      sk: instanceSk(instance.instanceId),
      type: ItemType.instance,
      expiresAt: expiryOf(instance, this.retentionDays),
    };
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const expected = expectedVersion === null ? 'not to exist yet' : `to be at version ${expectedVersion}`;
      throw new ConflictError(`instance ${instance.instanceId} was expected ${expected}`, { cause: error });
    }
  }
}
