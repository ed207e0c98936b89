import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventPublisher, OutgoingEvent } from '../../app/ports.js';

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;
/** An entry, and a whole PutEvents request, may be at most 256 KB. */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Entry error codes that a retry cannot fix (from the PutEventsResultEntry documentation). */
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

export interface FailedEvent {
  source: string;
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

/** Some events did not reach the bus; lists each with its error code and message. */
export class PublishFailedError extends Error {
  constructor(readonly failures: FailedEvent[]) {
    super(
      `${failures.length} event(s) could not be published: ${failures
        .map((f) => `${f.detailType} from ${f.source}: ${f.errorCode} ${f.errorMessage}`.trim())
        .join('; ')}`,
    );
    this.name = 'PublishFailedError';
  }
}

/** An event larger than PutEvents accepts; refused before anything is sent. */
export class EventTooLargeError extends Error {
  constructor(
    readonly detailType: string,
    readonly bytes: number,
  ) {
    super(
      `event "${detailType}" is ${bytes} bytes; EventBridge accepts at most ${MAX_EVENT_BYTES} bytes per entry`,
    );
    this.name = 'EventTooLargeError';
  }
}

/** Entry size as EventBridge counts it: Time 14 bytes, plus Source, DetailType, Detail, Resources in UTF-8. */
export const entrySize = (entry: PutEventsRequestEntry): number =>
  (entry.Time ? 14 : 0) +
  Buffer.byteLength(entry.Source ?? '') +
  Buffer.byteLength(entry.DetailType ?? '') +
  Buffer.byteLength(entry.Detail ?? '') +
  (entry.Resources ?? []).reduce((sum, resource) => sum + Buffer.byteLength(resource), 0);

export interface EventBridgePublisherOptions {
  /** Further attempts for entries that failed with a retryable code. Default 3. */
  retries?: number;
  /** Base of the exponential backoff between attempts, in ms. Default 100. */
  baseDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * EventPublisher on an EventBridge bus. Events are delivered at least once: a retried call
 * may duplicate an event, so consumers dedupe by the detail's `eventKey`.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.retries = options.retries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    const entries = events.map((event) => this.toEntry(event));
    for (const entry of entries) {
      const size = entrySize(entry);
      if (size > MAX_EVENT_BYTES) throw new EventTooLargeError(entry.DetailType ?? '', size);
    }
    const failures: FailedEvent[] = [];
    for (const batch of batches(entries)) {
      failures.push(...(await this.putWithRetries(batch)));
    }
    if (failures.length > 0) throw new PublishFailedError(failures);
  }

  private toEntry(event: OutgoingEvent): PutEventsRequestEntry {
    const time = new Date(event.time);
    if (Number.isNaN(time.getTime())) {
      throw new Error(`event "${event.detailType}" has an invalid time: ${JSON.stringify(event.time)}`);
    }
    return {
      EventBusName: this.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: time,
    };
  }

  /** Send one batch; resend only the entries that failed with a retryable code. */
  private async putWithRetries(batch: PutEventsRequestEntry[]): Promise<FailedEvent[]> {
    let pending = batch;
    const permanent: FailedEvent[] = [];
    for (let attempt = 0; ; attempt++) {
      const output = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!output.FailedEntryCount) return permanent;
      const results = output.Entries ?? [];
      const retry: { entry: PutEventsRequestEntry; result: PutEventsResultEntry }[] = [];
      pending.forEach((entry, index) => {
        const result = results[index];
        // Entries are answered in request order; an entry without an EventId failed.
        if (!result || result.EventId) return;
        if (result.ErrorCode && PERMANENT_CODES.has(result.ErrorCode)) permanent.push(failure(entry, result));
        else retry.push({ entry, result });
      });
      if (retry.length === 0) return permanent;
      if (attempt >= this.retries) return [...permanent, ...retry.map((r) => failure(r.entry, r.result))];
      pending = retry.map((r) => r.entry);
      await this.sleep(this.baseDelayMs * 2 ** attempt);
    }
  }
}

const failure = (entry: PutEventsRequestEntry, result: PutEventsResultEntry): FailedEvent => ({
  source: entry.Source ?? '',
  detailType: entry.DetailType ?? '',
  errorCode: result.ErrorCode ?? 'Unknown',
  errorMessage: result.ErrorMessage ?? '',
});

/** Split entries into PutEvents calls: at most 10 entries and 256 KB per call, order kept. */
const batches = (entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] => {
  const out: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length === MAX_ENTRIES_PER_CALL || (current.length > 0 && bytes + size > MAX_EVENT_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
};
