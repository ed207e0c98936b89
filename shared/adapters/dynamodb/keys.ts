/**
 * The single-table key design (see docs/data-model.md). Every key of every item type is
 * built here, so the layout can be read and changed in one place.
 */

/** Partition of everything that belongs to one customer. */
export const customerPk = (customerId: string): string => `C#${customerId}`;

export const profileSk = '#PROFILE';
export const instanceSk = (instanceId: string): string => `I#${instanceId}`;
export const messageSk = (messageId: string): string => `M#${messageId}`;
export const surveySk = (surveyId: string): string => `S#${surveyId}`;

export const messagePrefix = 'M#';
export const instancePrefix = 'I#';

/**
 * Exclusive upper bound of the sort keys that `CustomerStore.load` reads: `#PROFILE` and
 * `I#…` sort below it, `M#…` and `S#…` above. A new item type that `load` must return
 * needs a prefix below `J`; every other customer item type needs one above it.
 */
export const loadUpperBound = 'J';

/** Partition of the current published version of every journey, one item per journey. */
export const publishedPk = 'JOURNEYS';
export const publishedSk = (journeyId: string): string => journeyId;

/**
 * One item whose `changes` counter moves on with every publish and state change of any journey:
 * the engine's catalog reads it, not every journey, to learn whether to reload.
 */
export const catalogPk = 'CATALOG';
export const catalogStampKey = { pk: catalogPk, sk: 'STAMP' } as const;

/**
 * The parts of the catalog's index snapshot made when the stamp moved to `stamp` (decision 0082),
 * beside the stamp: its JSON text gzip-compressed, cut into parts that fit an item. Zero-padded,
 * so that the parts of one stamp sort in order and older stamps sort first.
 */
export const catalogSnapshotPrefix = 'INDEX#';
export const catalogSnapshotStampPrefix = (stamp: number): string =>
  `${catalogSnapshotPrefix}${String(stamp).padStart(12, '0')}#`;
export const catalogSnapshotSk = (stamp: number, part: number): string =>
  `${catalogSnapshotStampPrefix(stamp)}${String(part).padStart(4, '0')}`;

/**
 * Partition of the trigger items: one small item per journey that admits new customers (active),
 * holding its current version and trigger, and the `#COMPLETE` marker. The engine's catalog reads
 * this partition, not `JOURNEYS`, and reads a journey's version only when an event matches it.
 * Upper case, so it is never the partition of a journey's versions (journey ids are lower case).
 */
export const journeyTriggersPk = 'JOURNEY#TRIGGERS';
export const journeyTriggerSk = (journeyId: string): string => journeyId;
/**
 * The marker item of the trigger partition: present once every journey published before trigger
 * items existed has its trigger item too. Without it the catalog reads `JOURNEYS` as before. It
 * sorts before every trigger item (`#` is below digits and letters).
 */
export const journeyTriggersCompleteSk = '#COMPLETE';

/** Partition of every published version of one journey. */
export const journeyVersionsPk = (journeyId: string): string => `JOURNEY#${journeyId}`;
/** Zero-padded so that versions sort numerically (up to 999,999). */
export const journeyVersionSk = (version: number): string => `V#${String(version).padStart(6, '0')}`;

/** The `type` attribute of each item kind. */
export const ItemType = {
  profile: 'profile',
  instance: 'instance',
  message: 'message',
  surveyAnswer: 'surveyAnswer',
  publishedJourney: 'publishedJourney',
  journeyVersion: 'journeyVersion',
  catalogStamp: 'catalogStamp',
  catalogSnapshot: 'catalogSnapshot',
  journeyTrigger: 'journeyTrigger',
  journeyTriggersComplete: 'journeyTriggersComplete',
  unsubscribeRequests: 'unsubscribeRequests',
} as const;

/**
 * The table's one index: message log entries by the id their provider gave them, keys only. Its
 * key is its own attribute, `providerIdKey`, a copy of `providerMessageId` written in the same
 * update that records the provider's id (`providerMessageId` is null on a claim, and an index key
 * cannot be null). Sparse: only settled sends are in it. SNS SMS delivery logs name nothing else
 * careflow knows (decision 0081).
 */
export const providerMessageIdIndex = 'byProviderMessageId';
export const providerMessageIdAttribute = 'providerIdKey';

/** Name of the table's TTL attribute; the CDK stack enables TTL on the same name. */
export const ttlAttribute = 'expiresAt';

const secondsPerDay = 86_400;

/** Epoch seconds `retentionDays` after `isoTime`, for the TTL attribute. */
export const expiryAfter = (isoTime: string, retentionDays: number): number => {
  const millis = Date.parse(isoTime);
  if (Number.isNaN(millis)) throw new RangeError(`not an ISO 8601 time: ${isoTime}`);
  return Math.floor(millis / 1000) + retentionDays * secondsPerDay;
};

/**
 * The erasure tombstone of a customer (`C#{customerId}` / `#ERASED`): no personal data, only the
 * id and the time. It sorts below `J`, so `CustomerStore.load` returns it with the profile at no
 * extra cost (docs/decisions/0033-erasure-tombstone.md).
 */
export const erasureSk = '#ERASED';
export const erasureItemType = 'erasure';

/** The attribute of a message item that marks the first provider event of one delivery status. */
export const firstDeliveryAttribute = (status: string): string =>
  `first${status.charAt(0).toUpperCase()}${status.slice(1)}`;

/**
 * A suppressed address (`SUPPRESS#{channel}#{address}` / `SUPPRESS`), one item per channel and
 * address; the address is trimmed and lower-cased, so `Ada@Example.com` and `ada@example.com` are one.
 */
export const suppressionPk = (channel: string, normalisedAddress: string): string =>
  `SUPPRESS#${channel}#${normalisedAddress}`;
export const suppressionSk = 'SUPPRESS';

/**
 * The customer's recent marketing sends, for the frequency cap (`C#{customerId}` / `#CONTACTS`).
 * It sorts below `J`, so `CustomerStore.load`'s one Query already reads it with the profile.
 */
export const contactsSk = '#CONTACTS';

/** Entries into a journey per UTC day, for its daily cap (`JOURNEYSTATS#{journeyId}` / `ENTRIES#{yyyy-mm-dd}`). */
export const journeyEntriesPk = (journeyId: string): string => `JOURNEYSTATS#${journeyId}`;
export const journeyEntriesSk = (day: string): string => `ENTRIES#${day}`;

/**
 * Suppression marks of the customer's addresses (`C#{customerId}` / `#SUPPRESSED`): one attribute
 * per address careflow checked for the customer, named `{channel}:{address}`, holding the reason it
 * is suppressed or null. It sorts below `J`, so `CustomerStore.load` reads it with the profile.
 */
export const suppressionMarksSk = '#SUPPRESSED';

/**
 * Unsubscribe requests not yet applied to the profile (`C#{customerId}` / `#UNSUBSCRIBE`): one
 * attribute per channel and scope, `email:marketing`, holding when the customer last asked. Written
 * by the unsubscribe function; it sorts below `J`, so `CustomerStore.load` reads it with the profile.
 */
export const unsubscribeRequestsSk = '#UNSUBSCRIBE';
export const suppressionMarkAttribute = (channel: string, normalisedAddress: string): string =>
  `${channel}:${normalisedAddress}`;

/** The `type` attribute of the send-guard and entry-cap items. */
export const GuardItemType = {
  suppression: 'suppression',
  suppressionMarks: 'suppressionMarks',
  contacts: 'contacts',
  journeyEntries: 'journeyEntries',
} as const;
