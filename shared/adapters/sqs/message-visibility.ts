import type { SQSClient } from '@aws-sdk/client-sqs';

/** A received message, as a Lambda SQS record names it. */
export interface ReceivedMessage {
  /** `arn:<partition>:sqs:<region>:<account>:<queue name>` */
  eventSourceARN: string;
  receiptHandle: string;
}

/** Keeps a received message hidden longer, so the queue gives it (and, in a FIFO queue, its group) out later. */
export interface MessageVisibility {
  postpone(message: ReceivedMessage, seconds: number): Promise<void>;
}

/** SQS's longest visibility timeout. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The queue URL of a queue ARN: `https://sqs.<region>.<domain>/<account>/<name>`. */
export const queueUrlOf = (arn: string): string => {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new RangeError(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/**
 * MessageVisibility on SQS: one ChangeMessageVisibility call. The SQS client is loaded on the
 * first postponement: a processor that never needs one does not pay for it at start-up.
 */
export class SqsMessageVisibility implements MessageVisibility {
  private client: Promise<SQSClient> | undefined;

  constructor(private readonly createClient: () => Promise<SQSClient>) {}

  async postpone(message: ReceivedMessage, seconds: number): Promise<void> {
    this.client ??= this.createClient();
    const [client, { ChangeMessageVisibilityCommand }] = await Promise.all([
      this.client,
      import('@aws-sdk/client-sqs'),
    ]);
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(message.eventSourceARN),
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: Math.min(Math.max(0, Math.round(seconds)), MAX_VISIBILITY_SECONDS),
      }),
    );
  }
}

/**
 * An SQS client made on first use, for a call that must not hold the invocation up: 2 s per
 * attempt (connection included, `throwOnRequestTimeout`), two attempts. Its endpoint is the
 * configured one (`AWS_ENDPOINT_URL_SQS` on the local stack), not the host of the queue URL.
 */
export const lazySqsClient = async (): Promise<SQSClient> =>
  new (await import('@aws-sdk/client-sqs')).SQSClient({
    useQueueUrlAsEndpoint: false,
    maxAttempts: 2,
    requestHandler: { requestTimeout: 2_000, connectionTimeout: 1_000, throwOnRequestTimeout: true },
  });
