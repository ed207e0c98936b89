import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OrderedQueue } from '../../app/ports.js';

/** SendMessageBatch takes at most 10 entries per call. */
export const MAX_MESSAGES_PER_CALL = 10;
/** Total body size per call; the long-standing SQS limit, also valid where 1 MiB is allowed. */
export const MAX_BATCH_BYTES = 256 * 1024;

export interface QueueMessage {
  body: string;
  /**
   * FIFO message group: the customer's (`messageGroupIdOf(customerId)`), so one customer's
   * messages are handled in order. SQS refuses anything but 1–128 printable ASCII characters.
   */
  groupId: string;
  /** FIFO deduplication id: `deduplicationIdOf(eventId)`, so a redelivered event is enqueued once. */
  deduplicationId: string;
}

export interface FailedMessage {
  deduplicationId: string;
  code: string;
  message: string;
  senderFault: boolean;
}

/** Some messages did not reach the queue; lists each with its SQS error. */
export class EnqueueFailedError extends Error {
  constructor(readonly failures: FailedMessage[]) {
    super(
      `${failures.length} message(s) could not be enqueued: ${failures
        .map((f) => `${f.deduplicationId}: ${f.code} ${f.message}`.trim())
        .join('; ')}`,
    );
    this.name = 'EnqueueFailedError';
  }
}

export interface CustomerQueueOptions {
  /** Further attempts for entries that failed without a sender fault. Default 3. */
  retries?: number;
  /** Base of the exponential backoff between attempts, in ms. Default 100. */
  baseDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The per-customer FIFO queue, written by the router (EventBridge → FIFO). Retries are safe:
 * every entry carries a deduplication id, so a resent entry is dropped by SQS within its
 * five-minute deduplication window.
 */
export class CustomerQueue implements OrderedQueue {
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: CustomerQueueOptions = {},
  ) {
    this.retries = options.retries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Enqueue messages in order (batches of 10); throws EnqueueFailedError listing what failed.
   * A retried entry may land after later messages of its group: order is best effort (EventBridge
   * delivers unordered anyway); what the FIFO guarantees is one message per customer at a time.
   */
  async send(messages: QueueMessage[]): Promise<void> {
    const failures: FailedMessage[] = [];
    for (const batch of batches(messages)) {
      failures.push(...(await this.sendWithRetries(batch)));
    }
    if (failures.length > 0) throw new EnqueueFailedError(failures);
  }

  private async sendWithRetries(batch: QueueMessage[]): Promise<FailedMessage[]> {
    // Batch entry ids only need to be unique within a call: use the position.
    let pending = batch.map((message, index): SendMessageBatchRequestEntry & { Id: string } => ({
      Id: `m${index}`,
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    }));
    const permanent: FailedMessage[] = [];
    for (let attempt = 0; ; attempt++) {
      const output = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = output.Failed ?? [];
      if (failed.length === 0) return permanent;
      const byId = new Map(pending.map((entry) => [entry.Id, entry]));
      const retry: { entry: SendMessageBatchRequestEntry & { Id: string }; error: BatchResultErrorEntry }[] =
        [];
      for (const error of failed) {
        const entry = error.Id ? byId.get(error.Id) : undefined;
        if (!entry) continue;
        if (error.SenderFault) permanent.push(toFailure(entry, error));
        else retry.push({ entry, error });
      }
      if (retry.length === 0) return permanent;
      if (attempt >= this.retries) return [...permanent, ...retry.map((r) => toFailure(r.entry, r.error))];
      pending = retry.map((r) => r.entry);
      await this.sleep(this.baseDelayMs * 2 ** attempt);
    }
  }
}

const toFailure = (entry: SendMessageBatchRequestEntry, error: BatchResultErrorEntry): FailedMessage => ({
  deduplicationId: entry.MessageDeduplicationId ?? '',
  code: error.Code ?? 'Unknown',
  message: error.Message ?? '',
  senderFault: error.SenderFault === true,
});

/** Split into calls of at most 10 messages and 256 KB of bodies, order kept. */
const batches = (messages: QueueMessage[]): QueueMessage[][] => {
  const out: QueueMessage[][] = [];
  let current: QueueMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body);
    if (current.length === MAX_MESSAGES_PER_CALL || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
};
