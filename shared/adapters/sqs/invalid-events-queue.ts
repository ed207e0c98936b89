import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../../app/ports.js';

/** Keeps invalid events with their reason on a standard SQS queue (with alarms on its depth). */
export class InvalidEventsQueue implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async keep(entry: { reason: string; payload: unknown; receivedAt: string }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(entry),
        MessageAttributes: { reason: { DataType: 'String', StringValue: entry.reason.slice(0, 1024) } },
      }),
    );
  }
}
