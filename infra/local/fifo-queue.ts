import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CUSTOMER_QUEUE_MAX_RECEIVES } from '../../functions/processor/deferral.js';
import type { Clock } from '../../shared/app/ports.js';
import { CareflowError } from '../../shared/domain/errors.js';
import { isValidFifoId } from '../../shared/domain/events/message-group.js';

export interface QueueMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
}

export interface DeadMessage {
  body: string;
  groupId: string;
  receiveCount: number;
  failedAt: string;
}

/**
 * SQS's `InvalidParameterValue` (a sender fault, HTTP 400): a message group or deduplication id
 * that is not 1–128 printable ASCII characters. Nothing of the call is enqueued.
 */
export class InvalidParameterValueError extends CareflowError {
  constructor(parameter: 'MessageGroupId' | 'MessageDeduplicationId', value: string) {
    super(
      `Value ${value} for parameter ${parameter} is invalid. Reason: ${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      'InvalidParameterValue',
    );
    this.name = 'InvalidParameterValueError';
  }
}

type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

const DEDUP_WINDOW_MS = 5 * 60_000;

/**
 * An SQS FIFO queue in one process: messages of one group are handed to the consumer in
 * order, one batch at a time; groups run independently. Duplicates within five minutes
 * are dropped, a message that keeps failing moves to the dead-letter list after
 * `maxReceiveCount` tries, as with a redrive policy. Like SQS, it refuses a call whose group or
 * deduplication ids are not 1–128 printable ASCII characters (InvalidParameterValueError).
 */
/** A message in the queue: how often it was given out, and until when it stays hidden (local ms). */
type Held = QueueMessage & { id: string; receives: number; hiddenUntil?: number };

export class LocalFifoQueue {
  readonly deadLetters: DeadMessage[] = [];
  private readonly groups = new Map<string, { messages: Held[] }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly seen = new Map<string, number>();
  private consumer: Consumer | null = null;

  constructor(
    readonly arn: string,
    private readonly clock: Clock,
    private readonly options = { batchSize: 10, maxReceiveCount: CUSTOMER_QUEUE_MAX_RECEIVES },
  ) {}

  setConsumer(consumer: Consumer): void {
    this.consumer = consumer;
  }

  /** Enqueue; returns the message ids (a duplicate gets the id of nothing new). */
  send(messages: QueueMessage[]): string[] {
    for (const message of messages) {
      if (!isValidFifoId(message.groupId))
        throw new InvalidParameterValueError('MessageGroupId', message.groupId);
      if (!isValidFifoId(message.deduplicationId)) {
        throw new InvalidParameterValueError('MessageDeduplicationId', message.deduplicationId);
      }
    }
    const now = Date.parse(this.clock.now());
    return messages.map((message) => {
      const id = randomUUID();
      const key = `${message.groupId}\u0000${message.deduplicationId}`;
      const firstSeen = this.seen.get(key);
      if (firstSeen !== undefined && now - firstSeen < DEDUP_WINDOW_MS) return id;
      this.seen.set(key, now);
      const group = this.groups.get(message.groupId) ?? { messages: [] };
      group.messages.push({ ...message, id, receives: 0 });
      this.groups.set(message.groupId, group);
      this.pump(message.groupId);
      return id;
    });
  }

  /** Resolves when every group has drained (including work the consumer enqueued meanwhile). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Messages waiting to be given out now: a group whose first message is hidden waits later. */
  get depth(): number {
    let n = 0;
    for (const g of this.groups.values()) if (!this.hidden(g.messages[0])) n += g.messages.length;
    return n;
  }

  /**
   * ChangeMessageVisibility: the message stays hidden for `seconds` of local time, and its group
   * with it, as in an SQS FIFO queue. The receipt handle is the message id. False when no such
   * message is in the queue.
   */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    for (const group of this.groups.values()) {
      const message = group.messages.find((m) => m.id === receiptHandle);
      if (!message) continue;
      message.hiddenUntil = Date.parse(this.clock.now()) + seconds * 1000;
      return true;
    }
    return false;
  }

  /** Give out the groups whose hidden message's time has come (as the local clock moves). */
  release(): void {
    for (const groupId of this.groups.keys()) this.pump(groupId);
  }

  private hidden(message: Held | undefined): boolean {
    return message?.hiddenUntil !== undefined && message.hiddenUntil > Date.parse(this.clock.now());
  }

  private pump(groupId: string): void {
    if (this.running.has(groupId) || !this.consumer || this.hidden(this.groups.get(groupId)?.messages[0]))
      return;
    const work = this.drain(groupId).finally(() => {
      this.running.delete(groupId);
      if ((this.groups.get(groupId)?.messages.length ?? 0) > 0) this.pump(groupId);
    });
    this.running.set(groupId, work);
  }

  private async drain(groupId: string): Promise<void> {
    const group = this.groups.get(groupId);
    while (group && group.messages.length > 0 && this.consumer) {
      const batch = group.messages.slice(0, this.options.batchSize);
      for (const m of batch) m.receives += 1;
      let failedIds: Set<string>;
      try {
        const response = await this.consumer({ Records: batch.map((m) => this.record(m)) });
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        failedIds = new Set(batch.map((m) => m.id));
      }
      const firstFailed = batch.findIndex((m) => failedIds.has(m.id));
      const done = firstFailed === -1 ? batch.length : firstFailed;
      group.messages.splice(0, done);
      const head = group.messages[0];
      if (firstFailed !== -1 && head) {
        if (head.receives >= this.options.maxReceiveCount) {
          group.messages.shift();
          this.deadLetters.push({
            body: head.body,
            groupId,
            receiveCount: head.receives,
            failedAt: this.clock.now(),
          });
        } else if (this.hidden(head)) {
          // Postponed by the consumer: the group comes back when the clock passes it (release).
          break;
        } else {
          // Visibility timeout, shortened for a laptop.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
    if (group && group.messages.length === 0) this.groups.delete(groupId);
  }

  private record(m: Held): SQSRecord {
    const sent = String(Date.parse(this.clock.now()));
    return {
      messageId: m.id,
      receiptHandle: m.id,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receives),
        SentTimestamp: sent,
        SenderId: 'careflow-local',
        ApproximateFirstReceiveTimestamp: sent,
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.deduplicationId,
        SequenceNumber: '0',
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: 'local',
    };
  }
}
